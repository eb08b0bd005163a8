/* stdlib_list.c: the Python-style list builtins of the standard library
 * (spec/vm-core.md §6.4, §7.1): array_push, append, extend, array_concat,
 * array_repeat, array_equals, copy, count, index, pop, remove, insert,
 * delete, clear, reverse, sort, range, slice, contains.
 *
 * Arrays are read through array_get_index, so sparse arrays work; builtins
 * that reshape an array in place first make it dense (sl_materialize).
 * Builtins never build more than SL_ARRAY_MAX elements at once: upstream
 * would try (and abort the process on allocation failure); we report an
 * error instead. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib_internal.h"

#define A(v) val_gc(VT_ARRAY, (v))

/* ---- appending ------------------------------------------------------------- */

static int push_args(VM *vm, const char *name, const Value *args, uint32_t argc, StArray **out)
{
    if (argc < 2) return sl_expects(vm, name, "at least 2 arguments: array and value");
    StArray *a = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    for (uint32_t i = 1; i < argc; i++)
        if (sl_array_push(vm, a, args[i]) != ST_OK) return ST_ERR;
    *out = a;
    return ST_OK;
}

static int bi_array_push(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StArray *a = NULL;
    if (push_args(vm, "array_push", args, argc, &a) != ST_OK) return ST_ERR;
    *result = val_i64(a->len);
    return ST_OK;
}

static int bi_append(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StArray *a = NULL;
    return push_args(vm, "append", args, argc, &a);
}

/* Append src[0..n) to dst; dst may be src (only indices < n are read). */
static int append_all(VM *vm, StArray *dst, const StArray *src, int64_t n)
{
    /* Pre-size a dense destination; both sizes are <= SL_ARRAY_MAX here
     * except for a sparse (huge) destination, which is left alone. */
    if (n > 0 && n <= SL_ARRAY_MAX && dst->len == (int64_t)dst->dlen && dst->len <= SL_ARRAY_MAX &&
        !array_reserve(vm_heap(vm), dst, (uint32_t)(dst->len + n)))
        return vm_oom(vm);
    for (int64_t i = 0; i < n; i++)
        if (sl_array_push(vm, dst, array_get_index(src, i)) != ST_OK) return ST_ERR;
    return ST_OK;
}

static int bi_extend(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return sl_expects(vm, "extend", "2 arguments: array and values");
    StArray *a = NULL, *b = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (sl_array_arg(vm, args[1], "Second argument", &b) != ST_OK) return ST_ERR;
    if (sl_check_len(vm, b) != ST_OK) return ST_ERR;
    return append_all(vm, a, b, b->len);
}

/* New array holding `n` elements (n <= SL_ARRAY_MAX), room reserved. */
static int new_sized(VM *vm, int64_t n, StArray **out)
{
    if (sl_new_array(vm, 0, out) != ST_OK) return ST_ERR;
    if (n > 0 && !array_reserve(vm_heap(vm), *out, (uint32_t)n)) return vm_oom(vm);
    return ST_OK;
}

static int bi_array_concat(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return sl_expects(vm, "array_concat", "2 arguments: left array and right array");
    StArray *a = NULL, *b = NULL, *r = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (sl_array_arg(vm, args[1], "Second argument", &b) != ST_OK) return ST_ERR;
    if (a->len > SL_ARRAY_MAX || b->len > SL_ARRAY_MAX || a->len + b->len > SL_ARRAY_MAX)
        return vm_error(vm, "array_concat result length is too large");
    if (new_sized(vm, a->len + b->len, &r) != ST_OK) return ST_ERR;
    if (append_all(vm, r, a, a->len) != ST_OK || append_all(vm, r, b, b->len) != ST_OK) return ST_ERR;
    *result = A(r);
    return ST_OK;
}

static int bi_array_repeat(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return sl_expects(vm, "array_repeat", "2 arguments: array and count");
    int64_t count = 0;
    StArray *a = NULL, *r = NULL;
    /* Upstream converts the count before checking the array. */
    if (sl_i64(vm, args[1], "repeat count", &count) != ST_OK) return ST_ERR;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (count < 0) count = 0;
    if (a->len == 0 || count == 0)
        count = 0;
    else if (a->len > SL_ARRAY_MAX || count > SL_ARRAY_MAX / a->len)
        return vm_error(vm, "array_repeat result length is too large");
    int64_t n = a->len;
    if (new_sized(vm, n * count, &r) != ST_OK) return ST_ERR;
    for (int64_t k = 0; k < count; k++)
        if (append_all(vm, r, a, n) != ST_OK) return ST_ERR;
    *result = A(r);
    return ST_OK;
}

static int bi_copy(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return sl_expects(vm, "copy", "1 argument: array");
    StArray *a = NULL, *r = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (sl_check_len(vm, a) != ST_OK) return ST_ERR;
    if (new_sized(vm, a->len, &r) != ST_OK || append_all(vm, r, a, a->len) != ST_OK) return ST_ERR;
    *result = A(r);
    return ST_OK;
}

/* ---- searching ---------------------------------------------------------------- */

static int bi_array_equals(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return sl_expects(vm, "array_equals", "2 arguments: left array and right array");
    StArray *a = NULL, *b = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (sl_array_arg(vm, args[1], "Second argument", &b) != ST_OK) return ST_ERR;
    *result = val_bool(sl_list_equal(args[0], args[1]));
    return ST_OK;
}

/* First index in [from, to) holding a value deep-equal to v, or -1. */
static int64_t find(const StArray *a, Value v, int64_t from, int64_t to)
{
    for (int64_t i = from; i < to; i++)
        if (sl_list_equal(array_get_index(a, i), v)) return i;
    return -1;
}

static int bi_count(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return sl_expects(vm, "count", "2 arguments: array and value");
    StArray *a = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (sl_check_len(vm, a) != ST_OK) return ST_ERR;
    int64_t n = 0;
    for (int64_t i = 0; i < a->len; i++) n += sl_list_equal(array_get_index(a, i), args[1]);
    *result = val_i64(n);
    return ST_OK;
}

/* Python search bound: negative counts from the end, clamped to [0, len]. */
static int search_bound(VM *vm, Value v, int64_t len, int64_t *out)
{
    SIndex s = { false, 0 };
    if (sl_sindex(vm, v, "index bound", &s) != ST_OK) return ST_ERR;
    if (s.neg)
        *out = s.mag >= (uint64_t)len ? 0 : len - (int64_t)s.mag;
    else
        *out = s.mag >= (uint64_t)len ? len : (int64_t)s.mag;
    return ST_OK;
}

static int bi_index(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 2) return sl_expects(vm, "index", "at least 2 arguments: array and value");
    if (argc > 4) return sl_expects(vm, "index", "at most 4 arguments: array, value, start, and stop");
    StArray *a = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (sl_check_len(vm, a) != ST_OK) return ST_ERR;
    int64_t start = 0, stop = a->len;
    if (argc >= 3 && search_bound(vm, args[2], a->len, &start) != ST_OK) return ST_ERR;
    if (argc >= 4 && search_bound(vm, args[3], a->len, &stop) != ST_OK) return ST_ERR;
    int64_t i = find(a, args[1], start, stop);
    if (i < 0) return vm_error(vm, "value is not in list");
    *result = val_i64(i);
    return ST_OK;
}

static int bi_contains(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return sl_expects(vm, "contains", "2 arguments: container and value");
    Value c = args[0], v = args[1];
    if (c.type == VT_STRING) {
        if (v.type != VT_STRING) return vm_error(vm, "'in' on a string requires a string operand");
        const StString *h = c.as.str, *n = v.as.str;
        bool found = n->len == 0;
        for (uint32_t i = 0; !found && n->len <= h->len && i <= h->len - n->len; i++)
            found = memcmp(h->chars + i, n->chars, n->len) == 0;
        *result = val_bool(found);
        return ST_OK;
    }
    if (c.type == VT_ARRAY) {
        if (sl_check_len(vm, c.as.arr) != ST_OK) return ST_ERR;
        *result = val_bool(find(c.as.arr, v, 0, c.as.arr->len) >= 0);
        return ST_OK;
    }
    if (c.type == VT_OBJECT) {
        Value ignored;
        *result = val_bool(table_get(&c.as.obj->fields, v, &ignored));
        return ST_OK;
    }
    return vm_error(vm, "'in' requires a list, dict, or string container, found %s", val_type_name((ValueType)c.type));
}

/* ---- reshaping in place -------------------------------------------------------- */

/* Remove the element at i of a dense array (dlen == len). */
static Value remove_at(StArray *a, uint32_t i)
{
    Value v = array_dense_get(a, i);
    size_t es = array_elem_size(a);
    char *base = (char *)a->items;
    memmove(base + i * es, base + (i + 1) * es, (size_t)(a->dlen - i - 1) * es);
    a->dlen--;
    a->len--;
    if (!a->packed) a->items[a->dlen] = val_unit();
    return v;
}

/* Python index of an existing element: negative from the end. */
static int existing_index(VM *vm, Value v, int64_t len, int64_t *out)
{
    int64_t i = 0;
    if (sl_i64(vm, v, "index", &i) != ST_OK) return ST_ERR;
    if (i < 0) i = i < -len ? -1 : len + i;
    if (i < 0 || i >= len) return vm_error(vm, "list index out of range");
    *out = i;
    return ST_OK;
}

static int bi_pop(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 1) return sl_expects(vm, "pop", "at least 1 argument: array");
    if (argc > 2) return sl_expects(vm, "pop", "at most 2 arguments: array and optional index");
    StArray *a = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (a->len == 0) return vm_error(vm, "pop from empty list");
    int64_t i = a->len - 1;
    if (argc == 2 && existing_index(vm, args[1], a->len, &i) != ST_OK) return ST_ERR;
    if (sl_materialize(vm, a) != ST_OK) return ST_ERR;
    *result = remove_at(a, (uint32_t)i);
    return ST_OK;
}

static int bi_delete(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return sl_expects(vm, "delete", "2 arguments: array and index");
    StArray *a = NULL;
    int64_t i = 0;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (existing_index(vm, args[1], a->len, &i) != ST_OK) return ST_ERR;
    if (sl_materialize(vm, a) != ST_OK) return ST_ERR;
    remove_at(a, (uint32_t)i);
    return ST_OK;
}

static int bi_remove(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return sl_expects(vm, "remove", "2 arguments: array and value");
    StArray *a = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (sl_check_len(vm, a) != ST_OK) return ST_ERR;
    int64_t i = find(a, args[1], 0, a->len);
    if (i < 0) return vm_error(vm, "value is not in list");
    if (sl_materialize(vm, a) != ST_OK) return ST_ERR;
    remove_at(a, (uint32_t)i);
    return ST_OK;
}

static int bi_insert(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 3) return sl_expects(vm, "insert", "3 arguments: array, index, and value");
    StArray *a = NULL;
    int64_t i = 0;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (sl_i64(vm, args[1], "index", &i) != ST_OK) return ST_ERR;
    /* Python clamping: negative from the end, then into [0, len]. */
    if (i < 0) i = i < -a->len ? 0 : a->len + i;
    if (i > a->len) i = a->len;
    if (sl_materialize(vm, a) != ST_OK) return ST_ERR;
    Heap *h = vm_heap(vm);
    if (a->dlen == UINT32_MAX || !array_reserve(h, a, a->dlen + 1)) return vm_oom(vm);
    if (!array_packs(a, args[2]) && !array_unpack(h, a)) return vm_oom(vm);
    size_t es = array_elem_size(a);
    char *base = (char *)a->items;
    memmove(base + (size_t)(i + 1) * es, base + (size_t)i * es, (size_t)(a->dlen - (uint32_t)i) * es);
    if (a->packed) {
        a->ints[i] = args[2].as.i;
    } else {
        array_note(a, args[2]);
        a->items[i] = args[2];
    }
    a->dlen++;
    a->len++;
    return ST_OK;
}

static int bi_clear(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return sl_expects(vm, "clear", "1 argument: array");
    StArray *a = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    array_clear(a);
    return ST_OK;
}

static int bi_reverse(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return sl_expects(vm, "reverse", "1 argument: array");
    StArray *a = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (sl_materialize(vm, a) != ST_OK) return ST_ERR;
    for (uint32_t i = 0, j = a->dlen; i + 1 < j; i++, j--) {
        if (a->packed) {
            int64_t t = a->ints[i];
            a->ints[i] = a->ints[j - 1];
            a->ints[j - 1] = t;
            continue;
        }
        Value t = a->items[i];
        a->items[i] = a->items[j - 1];
        a->items[j - 1] = t;
    }
    return ST_OK;
}

/* ---- sort ------------------------------------------------------------------------ */

enum { SORT_NUM, SORT_STR, SORT_BOOL, SORT_NONE };

static int sort_class(Value v)
{
    if (val_is_number(v)) return SORT_NUM;
    if (v.type == VT_STRING) return SORT_STR;
    if (v.type == VT_BOOL) return SORT_BOOL;
    return SORT_NONE;
}

/* Upstream sorts by insertion, and its first failing comparison decides the
 * error.  Inserting element i compares it first with the last element of
 * the sorted prefix (the prefix maximum, the latest among equals); every
 * later comparison of that insertion is between comparable values.  So
 * replaying only those first comparisons gives upstream's exact error, and
 * the real sort can then be an O(n log n) merge sort. */
static int sort_check(VM *vm, const Value *v, uint32_t n)
{
    uint32_t last = 0;
    for (uint32_t i = 1; i < n; i++) {
        Value x = v[i], m = v[last];
        int cx = sort_class(x), c;
        if (cx == SORT_NONE || cx != sort_class(m))
            return vm_error(vm, "list sort does not support comparing %s and %s", val_type_name((ValueType)x.type),
                            val_type_name((ValueType)m.type));
        if ((x.type == VT_FLOAT && isnan(x.as.f)) || (m.type == VT_FLOAT && isnan(m.as.f)))
            return vm_error(vm, "list sort does not support NaN values");
        val_compare(x, m, &c);
        if (c >= 0) last = i;
    }
    return ST_OK;
}

static int cmp(Value a, Value b)
{
    int c = 0;
    val_compare(a, b, &c);
    return c;
}

/* Stable merge sort of v[0..n) using tmp[0..n). */
static void merge_sort(Value *v, Value *tmp, uint32_t n)
{
    for (uint32_t w = 1; w<n; w = w> n / 2 ? n : w * 2) {
        for (uint32_t lo = 0; lo < n - w; lo += 2 * w) {
            uint32_t mid = lo + w, hi = mid + w > n ? n : mid + w; /* n <= 2^28 */
            if (cmp(v[mid - 1], v[mid]) <= 0) continue;            /* already in order */
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = cmp(v[j], v[i]) < 0 ? v[j++] : v[i++];
            while (i < mid) tmp[k++] = v[i++];
            while (j < hi) tmp[k++] = v[j++];
            memcpy(v + lo, tmp + lo, (size_t)(hi - lo) * sizeof(Value));
        }
    }
}

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

static int bi_sort(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return sl_expects(vm, "sort", "1 argument: array");
    StArray *a = NULL;
    if (sl_array_arg(vm, args[0], "First argument", &a) != ST_OK) return ST_ERR;
    if (sl_materialize(vm, a) != ST_OK) return ST_ERR;
    uint32_t n = a->dlen;
    if (a->packed == VT_I64) { /* equal elements are indistinguishable */
        if (n > 1) qsort(a->ints, n, sizeof(int64_t), cmp_i64);
        return ST_OK;
    }
    if (!array_unpack(vm_heap(vm), a)) return vm_oom(vm); /* floats: NaN and -0.0 need the general path */
    if (sort_check(vm, a->items, n) != ST_OK) return ST_ERR;
    if (n < 2) return ST_OK;
    Value *tmp = malloc((size_t)n * sizeof(Value));
    if (!tmp) return vm_oom(vm);
    merge_sort(a->items, tmp, n);
    free(tmp);
    return ST_OK;
}

/* ---- range and slice ---------------------------------------------------------- */

static int bi_range(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 2) return sl_expects(vm, "range", "at least 2 arguments: start and stop");
    if (argc > 3) return sl_expects(vm, "range", "at most 3 arguments: start, stop, and step");
    int64_t start = 0, stop = 0, step = 1;
    if (sl_i64(vm, args[0], "range start", &start) != ST_OK) return ST_ERR;
    if (sl_i64(vm, args[1], "range stop", &stop) != ST_OK) return ST_ERR;
    if (argc == 3 && sl_i64(vm, args[2], "range step", &step) != ST_OK) return ST_ERR;
    if (step == 0) return vm_error(vm, "range step argument must not be zero");
    /* Unsigned differences are exact: |stop - start| < 2^64. */
    uint64_t count = 0;
    if (step > 0 && start < stop)
        count = ((uint64_t)stop - (uint64_t)start - 1) / (uint64_t)step + 1;
    else if (step < 0 && start > stop)
        count = ((uint64_t)start - (uint64_t)stop - 1) / ((uint64_t)0 - (uint64_t)step) + 1;
    if (count > (uint64_t)SL_ARRAY_MAX) return vm_error(vm, "range length is too large");
    StArray *r = NULL;
    if (new_sized(vm, (int64_t)count, &r) != ST_OK) return ST_ERR;
    /* start + k*step stays between start and stop, so it is representable;
     * compute it modulo 2^64 to avoid signed overflow in the steps. */
    for (uint64_t k = 0; k < count; k++) {
        uint64_t u = (uint64_t)start + k * (uint64_t)step;
        int64_t x = u > (uint64_t)INT64_MAX ? -(int64_t)(~u) - 1 : (int64_t)u;
        if (sl_array_push(vm, r, val_i64(x)) != ST_OK) return ST_ERR;
    }
    *result = A(r);
    return ST_OK;
}

/* A resolved slice: count indices start, start+step, ... (step != 0). */
typedef struct {
    int64_t start;
    uint64_t count;
    bool down;
    uint64_t step; /* magnitude */
} Slice;

/* Unit or I64::MAX stand for an omitted bound (upstream's convention). */
static bool omitted(Value v) { return v.type == VT_UNIT || (v.type == VT_I64 && v.as.i == INT64_MAX); }

/* Python bound: negative from the end, then clamped to [lo, len + lo]
 * where lo is 0 going up and -1 going down. */
static int slice_bound(VM *vm, Value v, const char *name, int64_t len, bool down, int64_t dflt, int64_t *out)
{
    if (omitted(v)) {
        *out = dflt;
        return ST_OK;
    }
    SIndex s = { false, 0 };
    if (sl_sindex(vm, v, name, &s) != ST_OK) return ST_ERR;
    int64_t lo = down ? -1 : 0, hi = down ? len - 1 : len;
    if (s.neg)
        *out = s.mag > (uint64_t)len ? lo : len - (int64_t)s.mag;
    else
        *out = hi < 0 || s.mag > (uint64_t)hi ? hi : (int64_t)s.mag;
    if (*out < lo) *out = lo;
    if (*out > hi) *out = hi;
    return ST_OK;
}

static int resolve_slice(VM *vm, const Value *args, uint32_t argc, int64_t len, Slice *sl)
{
    SIndex st = { false, 1 };
    if (argc == 4 && sl_sindex(vm, args[3], "slice step", &st) != ST_OK) return ST_ERR;
    if (st.mag == 0) return vm_error(vm, "slice step cannot be zero");
    bool down = st.neg;
    int64_t start = 0, stop = 0;
    if (slice_bound(vm, args[1], "slice start", len, down, down ? len - 1 : 0, &start) != ST_OK ||
        slice_bound(vm, args[2], "slice stop", len, down, down ? -1 : len, &stop) != ST_OK)
        return ST_ERR;
    sl->start = start;
    sl->down = down;
    sl->step = st.mag;
    sl->count = 0;
    if (!down && start < stop) sl->count = (uint64_t)(stop - start - 1) / st.mag + 1;
    if (down && start > stop) sl->count = (uint64_t)(start - stop - 1) / st.mag + 1;
    return ST_OK;
}

static int64_t slice_at(const Slice *sl, uint64_t k)
{
    /* Stays within [-1, len], so the arithmetic cannot overflow. */
    return sl->down ? sl->start - (int64_t)(k * sl->step) : sl->start + (int64_t)(k * sl->step);
}

static int bi_slice(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 3) return sl_expects(vm, "slice", "at least 3 arguments: value, start, and stop");
    if (argc > 4) return sl_expects(vm, "slice", "at most 4 arguments: value, start, stop, and step");
    Value c = args[0];
    Slice sl = { 0, 0, false, 1 };
    if (c.type == VT_STRING) {
        const StString *s = c.as.str;
        uint64_t nchars = sl_utf8_count(s->chars, s->len);
        if (resolve_slice(vm, args, argc, (int64_t)nchars, &sl) != ST_OK) return ST_ERR;
        /* Character start offsets, then copy the chosen characters. */
        size_t *off = malloc(((size_t)nchars + 1) * sizeof *off);
        char *buf = malloc((size_t)s->len + 1);
        if (!off || !buf) {
            free(off);
            free(buf);
            return vm_oom(vm);
        }
        size_t k = 0;
        for (size_t i = 0; i < s->len; i++)
            if (((unsigned char)s->chars[i] & 0xC0) != 0x80) off[k++] = i;
        off[nchars] = s->len;
        size_t n = 0;
        for (uint64_t j = 0; j < sl.count; j++) {
            int64_t ci = slice_at(&sl, j);
            size_t w = off[ci + 1] - off[ci];
            memcpy(buf + n, s->chars + off[ci], w);
            n += w;
        }
        int rc = vm_new_string(vm, buf, n, result);
        free(off);
        free(buf);
        return rc;
    }
    if (c.type != VT_ARRAY)
        return vm_error(vm, "slice requires a list or string, found %s", val_type_name((ValueType)c.type));
    const StArray *a = c.as.arr;
    if (resolve_slice(vm, args, argc, a->len, &sl) != ST_OK) return ST_ERR;
    if (sl.count > (uint64_t)SL_ARRAY_MAX) return vm_error(vm, "array too large");
    StArray *r = NULL;
    if (new_sized(vm, (int64_t)sl.count, &r) != ST_OK) return ST_ERR;
    for (uint64_t j = 0; j < sl.count; j++)
        if (sl_array_push(vm, r, array_get_index(a, slice_at(&sl, j))) != ST_OK) return ST_ERR;
    *result = A(r);
    return ST_OK;
}

/* ---- registration ------------------------------------------------------------------ */

int stdlib_register_lists(VM *vm)
{
    static const struct {
        const char *name;
        NativeFn fn;
    } list[] = {
        { "array_push", bi_array_push },
        { "append", bi_append },
        { "extend", bi_extend },
        { "array_concat", bi_array_concat },
        { "array_repeat", bi_array_repeat },
        { "array_equals", bi_array_equals },
        { "copy", bi_copy },
        { "count", bi_count },
        { "index", bi_index },
        { "pop", bi_pop },
        { "remove", bi_remove },
        { "insert", bi_insert },
        { "delete", bi_delete },
        { "clear", bi_clear },
        { "reverse", bi_reverse },
        { "sort", bi_sort },
        { "range", bi_range },
        { "slice", bi_slice },
        { "contains", bi_contains },
    };
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (vm_register_native(vm, list[i].name, list[i].fn, NULL) != ST_OK) return ST_ERR;
    return ST_OK;
}
