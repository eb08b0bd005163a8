/* stdlib_ion.c: the standard library of IonVM (shared/spec/ionvm.md §6),
 * namespaced: Math.*, String.*, Type.*, plus to_number and println.
 * docs/builtins.md maps IonVM's names to these.
 *
 * Numbers: IonVM has only f64; here an integer argument stays an integer
 * where the result is exact (abs, floor, ceil, round, max, min) and becomes
 * a float otherwise.  Strings: lengths and indices count characters (UTF-8
 * scalar values), as `len` and `get_field` do; upper/lower change ASCII
 * letters only. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "stdlib_internal.h"

/* ---- numbers ------------------------------------------------------------------- */

static int num_arg(VM *vm, const char *fn, Value v, double *out)
{
    if (v.type == VT_FLOAT)
        *out = v.as.f;
    else if (val_is_signed(v))
        *out = (double)v.as.i;
    else if (val_is_unsigned(v))
        *out = (double)v.as.u;
    else
        return vm_error(vm, "%s expects a number, got %s", fn, val_type_name((ValueType)v.type));
    return ST_OK;
}

typedef double (*MathFn)(double);

/* Math.sqrt/sin/cos/log/exp: float result. */
static int bi_math_float(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const char *name = ud;
    if (argc != 1) return sl_expects(vm, name, "1 argument: a number");
    double x;
    if (num_arg(vm, name, args[0], &x) != ST_OK) return ST_ERR;
    MathFn f = strcmp(name, "Math.sqrt") == 0  ? sqrt
               : strcmp(name, "Math.sin") == 0 ? sin
               : strcmp(name, "Math.cos") == 0 ? cos
               : strcmp(name, "Math.exp") == 0 ? exp
                                               : log;
    if (f == sqrt && x < 0) return vm_error(vm, "Math.sqrt of a negative number");
    *result = val_float(f(x));
    return ST_OK;
}

/* Math.abs/floor/ceil/round: an integer stays as it is (abs negates). */
static int bi_math_round(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const char *name = ud;
    if (argc != 1) return sl_expects(vm, name, "1 argument: a number");
    Value v = args[0];
    bool abs_op = strcmp(name, "Math.abs") == 0;
    if (val_is_int(v)) {
        if (abs_op && val_is_signed(v) && v.as.i < 0) {
            if (v.as.i == INT64_MIN || !val_int_fits_i((ValueType)v.type, -v.as.i))
                return vm_error(vm, "Math.abs overflows %s", val_type_name((ValueType)v.type));
            v.as.i = -v.as.i;
        }
        *result = v;
        return ST_OK;
    }
    if (v.type != VT_FLOAT) return vm_error(vm, "%s expects a number, got %s", name, val_type_name((ValueType)v.type));
    double x = v.as.f;
    *result = val_float(abs_op                            ? fabs(x)
                        : strcmp(name, "Math.floor") == 0 ? floor(x)
                        : strcmp(name, "Math.ceil") == 0  ? ceil(x)
                                                          : round(x));
    return ST_OK;
}

/* Math.max/min over one or more numbers: all integers of one type give
 * that type, anything else compares and answers as floats. */
static int bi_math_extreme(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const char *name = ud;
    bool want_max = strcmp(name, "Math.max") == 0;
    if (argc < 1) return sl_expects(vm, name, "at least 1 number");
    bool same_int = val_is_int(args[0]);
    for (uint32_t i = 0; i < argc; i++) {
        double d;
        if (num_arg(vm, name, args[i], &d) != ST_OK) return ST_ERR;
        if (args[i].type != args[0].type) same_int = false;
    }
    if (same_int) {
        Value best = args[0];
        bool sgn = val_is_signed(best);
        for (uint32_t i = 1; i < argc; i++) {
            bool greater = sgn ? args[i].as.i > best.as.i : args[i].as.u > best.as.u;
            bool less = sgn ? args[i].as.i < best.as.i : args[i].as.u < best.as.u;
            if (want_max ? greater : less) best = args[i];
        }
        *result = best;
        return ST_OK;
    }
    double best;
    num_arg(vm, name, args[0], &best);
    for (uint32_t i = 1; i < argc; i++) {
        double d;
        num_arg(vm, name, args[i], &d);
        if (isnan(d) || (want_max ? d > best : d < best)) best = d;
    }
    *result = val_float(best);
    return ST_OK;
}

static int bi_math_pow(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return sl_expects(vm, "Math.pow", "2 arguments: base and exponent");
    double a = 0, b = 0;
    if (num_arg(vm, "Math.pow", args[0], &a) != ST_OK || num_arg(vm, "Math.pow", args[1], &b) != ST_OK) return ST_ERR;
    *result = val_float(pow(a, b));
    return ST_OK;
}

/* ---- strings --------------------------------------------------------------------- */

static int str_arg(VM *vm, const char *fn, const char *what, Value v, const StString **out)
{
    if (v.type != VT_STRING)
        return vm_error(vm, "%s expects %s to be a string, got %s", fn, what, val_type_name((ValueType)v.type));
    *out = v.as.str;
    return ST_OK;
}

static int bi_str_length(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const StString *s = NULL;
    if (argc != 1) return sl_expects(vm, "String.length", "1 argument: a string");
    if (str_arg(vm, "String.length", "its argument", args[0], &s) != ST_OK) return ST_ERR;
    *result = val_i64((int64_t)sl_utf8_count(s->chars, s->len));
    return ST_OK;
}

static int bi_str_case(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const char *name = ud;
    bool upper = strcmp(name, "String.upper") == 0;
    const StString *s = NULL;
    if (argc != 1) return sl_expects(vm, name, "1 argument: a string");
    if (str_arg(vm, name, "its argument", args[0], &s) != ST_OK) return ST_ERR;
    StString *r = heap_new_string(vm_heap(vm), s->chars, s->len);
    if (!r) return vm_oom(vm);
    for (uint32_t i = 0; i < r->len; i++) {
        char c = r->chars[i];
        if (upper && c >= 'a' && c <= 'z') r->chars[i] = (char)(c - 32);
        if (!upper && c >= 'A' && c <= 'Z') r->chars[i] = (char)(c + 32);
    }
    r->hash = 0;
    *result = val_string(r);
    return ST_OK;
}

static int bi_str_trim(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const StString *s = NULL;
    if (argc != 1) return sl_expects(vm, "String.trim", "1 argument: a string");
    if (str_arg(vm, "String.trim", "its argument", args[0], &s) != ST_OK) return ST_ERR;
    size_t a = 0, b = s->len;
    while (a < b && strchr(" \t\n\r\v\f", s->chars[a])) a++;
    while (b > a && strchr(" \t\n\r\v\f", s->chars[b - 1])) b--;
    return vm_new_string(vm, s->chars + a, b - a, result);
}

/* Text of strings, or of any value as to_string shows it, appended. */
static void put_text(StrBuf *b, Value v)
{
    if (v.type == VT_STRING)
        sb_append(b, v.as.str->chars, v.as.str->len);
    else
        fmt_print(b, v);
}

static int take_buf(VM *vm, StrBuf *b, Value *result)
{
    int rc = b->oom ? vm_oom(vm) : vm_new_string(vm, b->data ? b->data : "", b->len, result);
    sb_free(b);
    return rc;
}

/* String.concat(a, b, ...): strings only, as IonVM's StrConcat. */
static int bi_str_concat(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 1) return sl_expects(vm, "String.concat", "at least 1 string");
    StrBuf b;
    sb_init(&b);
    for (uint32_t i = 0; i < argc; i++) {
        if (args[i].type != VT_STRING) {
            sb_free(&b);
            return vm_error(vm, "String.concat expects strings, argument %u is %s", i + 1,
                            val_type_name((ValueType)args[i].type));
        }
        put_text(&b, args[i]);
    }
    return take_buf(vm, &b, result);
}

/* String.join(array, separator): elements as to_string shows them. */
static int bi_str_join(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StArray *a = NULL;
    const StString *sep = NULL;
    if (argc != 2) return sl_expects(vm, "String.join", "2 arguments: an array and a separator");
    if (sl_array_arg(vm, args[0], "String.join's first argument", &a) != ST_OK ||
        str_arg(vm, "String.join", "the separator", args[1], &sep) != ST_OK || sl_check_len(vm, a) != ST_OK)
        return ST_ERR;
    StrBuf b;
    sb_init(&b);
    for (int64_t i = 0; i < a->len; i++) {
        if (i) sb_append(&b, sep->chars, sep->len);
        put_text(&b, array_get_index(a, i));
    }
    return take_buf(vm, &b, result);
}

/* String.split(s, delimiter): an empty delimiter splits into characters. */
static int bi_str_split(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const StString *s = NULL, *d = NULL;
    if (argc != 2) return sl_expects(vm, "String.split", "2 arguments: a string and a delimiter");
    if (str_arg(vm, "String.split", "the string", args[0], &s) != ST_OK ||
        str_arg(vm, "String.split", "the delimiter", args[1], &d) != ST_OK)
        return ST_ERR;
    StArray *a = NULL;
    if (sl_new_array(vm, 0, &a) != ST_OK) return ST_ERR;
    *result = val_gc(VT_ARRAY, a);
    size_t from = 0;
    for (size_t i = 0; i < s->len;) {
        size_t step = 1;
        if (d->len == 0) {
            while (i + step < s->len && ((unsigned char)s->chars[i + step] & 0xC0) == 0x80) step++;
        } else if (s->len - i < d->len || memcmp(s->chars + i, d->chars, d->len) != 0) {
            i++;
            continue;
        }
        size_t end = d->len ? i : i + step;
        Value piece;
        if (vm_new_string(vm, s->chars + from, end - from, &piece) != ST_OK || sl_array_push(vm, a, piece) != ST_OK)
            return ST_ERR;
        i += d->len ? d->len : step;
        from = i;
    }
    if (d->len == 0) return ST_OK;
    Value last;
    if (vm_new_string(vm, s->chars + from, s->len - from, &last) != ST_OK) return ST_ERR;
    return sl_array_push(vm, a, last);
}

/* String.substring(s, start [, end]): characters start .. end-1; negative
 * indices count from the end; indices are clamped to the string. */
static int bi_str_substring(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const StString *s = NULL;
    if (argc < 2 || argc > 3)
        return sl_expects(vm, "String.substring", "2 or 3 arguments: string, start, optional end");
    if (str_arg(vm, "String.substring", "the string", args[0], &s) != ST_OK) return ST_ERR;
    int64_t n = (int64_t)sl_utf8_count(s->chars, s->len), lim[2] = { 0, n };
    for (uint32_t k = 1; k < argc; k++) {
        int64_t x;
        if (sl_i64(vm, args[k], k == 1 ? "start" : "end", &x) != ST_OK) return ST_ERR;
        if (x < 0) x = x < -n ? 0 : n + x;
        lim[k - 1] = x > n ? n : x;
    }
    if (lim[1] < lim[0]) lim[1] = lim[0];
    size_t a = sl_utf8_offset(s->chars, s->len, (uint64_t)lim[0]);
    size_t b = sl_utf8_offset(s->chars, s->len, (uint64_t)lim[1]);
    return vm_new_string(vm, s->chars + a, b - a, result);
}

/* String.find(s, needle): character index of the first occurrence, or -1. */
static int bi_str_find(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const StString *s = NULL, *t = NULL;
    if (argc != 2) return sl_expects(vm, "String.find", "2 arguments: a string and the text to find");
    if (str_arg(vm, "String.find", "the string", args[0], &s) != ST_OK ||
        str_arg(vm, "String.find", "the text to find", args[1], &t) != ST_OK)
        return ST_ERR;
    for (size_t i = 0; i + t->len <= s->len; i++) {
        if (memcmp(s->chars + i, t->chars, t->len) == 0) {
            *result = val_i64((int64_t)sl_utf8_count(s->chars, i));
            return ST_OK;
        }
    }
    *result = val_i64(-1);
    return ST_OK;
}

/* ---- types and conversions ----------------------------------------------------------- */

static int bi_type_is(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const char *name = ud;
    if (argc != 1) return sl_expects(vm, name, "1 argument");
    const char *what = name + strlen("Type.is_");
    Value v = args[0];
    bool r = strcmp(what, "number") == 0     ? val_is_number(v)
             : strcmp(what, "int") == 0      ? val_is_int(v)
             : strcmp(what, "float") == 0    ? v.type == VT_FLOAT
             : strcmp(what, "string") == 0   ? v.type == VT_STRING
             : strcmp(what, "bool") == 0     ? v.type == VT_BOOL
             : strcmp(what, "array") == 0    ? v.type == VT_ARRAY
             : strcmp(what, "object") == 0   ? v.type == VT_OBJECT
             : strcmp(what, "function") == 0 ? v.type == VT_CLOSURE
             : strcmp(what, "share") == 0    ? v.type == VT_SHARE
                                             : v.type == VT_UNIT;
    *result = val_bool(r);
    return ST_OK;
}

/* to_number(v): numbers as they are, booleans 1/0, strings parsed as a
 * decimal integer (I64) or a float; anything else is an error. */
static int bi_to_number(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return sl_expects(vm, "to_number", "1 argument");
    Value v = args[0];
    if (val_is_number(v)) {
        *result = v;
        return ST_OK;
    }
    if (v.type == VT_BOOL) {
        *result = val_i64(v.as.b ? 1 : 0);
        return ST_OK;
    }
    if (v.type != VT_STRING) return vm_error(vm, "to_number cannot convert %s", val_type_name((ValueType)v.type));
    const char *s = v.as.str->chars;
    size_t len = v.as.str->len;
    /* decimal only: no blanks, hex, inf or nan (which strtod would take) */
    if (len == 0 || strspn(s, "0123456789+-.eE") != len) return vm_error(vm, "to_number: \"%s\" is not a number", s);
    char *end;
    errno = 0;
    long long i = strtoll(s, &end, 10);
    if (*end == '\0' && errno == 0) {
        *result = val_i64(i);
        return ST_OK;
    }
    errno = 0;
    double d = strtod(s, &end);
    if (*end != '\0' || errno == ERANGE) return vm_error(vm, "to_number: \"%s\" is not a number", s);
    *result = val_float(d);
    return ST_OK;
}

/* println(a, b, ...): IonVM's PrintLn, arguments joined by ", ". */
static int bi_println(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StrBuf b;
    sb_init(&b);
    for (uint32_t i = 0; i < argc; i++) {
        if (i) sb_puts(&b, ", ");
        put_text(&b, args[i]);
    }
    sb_putc(&b, '\n');
    if (b.oom) {
        sb_free(&b);
        return vm_oom(vm);
    }
    vm_write(vm, b.data, b.len);
    sb_free(&b);
    return ST_OK;
}

/* ---- registration -------------------------------------------------------------------- */

int stdlib_register_ion(VM *vm)
{
    static const struct {
        const char *name;
        NativeFn fn;
    } b[] = {
        { "Math.sqrt", bi_math_float },     { "Math.sin", bi_math_float },
        { "Math.cos", bi_math_float },      { "Math.log", bi_math_float },
        { "Math.exp", bi_math_float },      { "Math.abs", bi_math_round },
        { "Math.floor", bi_math_round },    { "Math.ceil", bi_math_round },
        { "Math.round", bi_math_round },    { "Math.max", bi_math_extreme },
        { "Math.min", bi_math_extreme },    { "Math.pow", bi_math_pow },
        { "String.length", bi_str_length }, { "String.upper", bi_str_case },
        { "String.lower", bi_str_case },    { "String.trim", bi_str_trim },
        { "String.concat", bi_str_concat }, { "String.join", bi_str_join },
        { "String.split", bi_str_split },   { "String.substring", bi_str_substring },
        { "String.find", bi_str_find },     { "Type.is_number", bi_type_is },
        { "Type.is_int", bi_type_is },      { "Type.is_float", bi_type_is },
        { "Type.is_string", bi_type_is },   { "Type.is_bool", bi_type_is },
        { "Type.is_array", bi_type_is },    { "Type.is_object", bi_type_is },
        { "Type.is_function", bi_type_is }, { "Type.is_share", bi_type_is },
        { "Type.is_nil", bi_type_is },      { "to_number", bi_to_number },
        { "println", bi_println },
    };
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        if (vm_register_native(vm, b[i].name, b[i].fn, (void *)b[i].name) != ST_OK) return ST_ERR;
    return ST_OK;
}
