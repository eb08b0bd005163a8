/* test_stdlib.c: the standard-library builtins called directly (vm_execute
 * on a native runs it with the given arguments), with the edge cases the
 * golden programs do not reach: sparse arrays, size limits, exact error
 * texts, hook events, byte arrays and hashes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "vm/vm.h"
#include "unit.h"

static VM *vm;
static StrBuf out; /* everything print wrote */
static StrBuf tmp;

static void sink(void *ud, const char *text, size_t len) { sb_append(&out, text, len); }

static Value S(const char *s)
{
    Value v;
    vm_new_string(vm, s, strlen(s), &v);
    return v;
}

static Value I(int64_t x) { return val_i64(x); }

/* Call a builtin; on error the result is Unit and last_error is set. */
static Value call(const char *name, uint32_t argc, const Value *args)
{
    Value r;
    if (vm_execute(vm, name, args, argc, &r) != ST_OK) return val_unit();
    return r;
}

#define CALL(name, ...) call(name, sizeof((Value[]){ __VA_ARGS__ }) / sizeof(Value), (Value[]){ __VA_ARGS__ })

/* The error text of a failing call ("" when it succeeded). */
static const char *err(const char *name, uint32_t argc, const Value *args)
{
    Value r;
    if (vm_execute(vm, name, args, argc, &r) == ST_OK) return "";
    return vm_last_error(vm)->message;
}

#define ERR(name, ...) err(name, sizeof((Value[]){ __VA_ARGS__ }) / sizeof(Value), (Value[]){ __VA_ARGS__ })

static const char *show(Value v)
{
    sb_reset(&tmp);
    fmt_print(&tmp, v);
    return tmp.data ? tmp.data : "";
}

static Value list(int n, const int64_t *xs)
{
    Value a = call("create_array", 0, NULL);
    for (int i = 0; i < n; i++) CALL("array_push", a, I(xs[i]));
    return a;
}

#define LIST(...) list(sizeof((int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t), (int64_t[]){ __VA_ARGS__ })

/* An array of length n+1 whose only element, at n, is stored sparsely. */
static Value sparse(int64_t n, Value v)
{
    Value a = call("create_array", 0, NULL);
    CALL("set_field", a, I(n), v);
    return a;
}

TEST(test_fields)
{
    Value a = LIST(10, 20, 30);
    CHECK(CALL("get_field", a, I(-1)).as.i == 30);
    CHECK(CALL("get_field", a, val_int(VT_I8, -3)).as.i == 10);
    CHECK_STR(ERR("get_field", a, I(-4)), "Foreign function get_field failed: array index -4 out of range (length 3)");
    CHECK_STR(ERR("get_field", a, I(3)), "Foreign function get_field failed: array index 3 out of range (length 3)");
    CHECK_STR(ERR("get_field", a, val_uint(VT_U64, UINT64_MAX)),
              "Foreign function get_field failed: array index 18446744073709551615 out of range (length 3)");
    CHECK_STR(ERR("get_field", a, I(INT64_MIN)),
              "Foreign function get_field failed: array index -9223372036854775808 out of range (length 3)");
    /* Narrow non-negative keys are named fields, not positions. */
    CHECK_STR(ERR("get_field", a, val_int(VT_I32, 1)),
              "Foreign function get_field failed: array index 1 out of range (length 3)");
    CALL("set_field", a, val_int(VT_I32, 1), S("one"));
    CHECK_STR(show(CALL("get_field", a, val_int(VT_I32, 1))), "one");
    CHECK(CALL("array_length", a).as.i == 3);
    CHECK(CALL("get_field", a, S("nope")).type == VT_UNIT);
    CHECK(CALL("get_field", I(5), S("k")).type == VT_UNIT);
    CHECK_STR(ERR("get_field", a),
              "Foreign function get_field failed: get_field expects at least 2 arguments: object and key");

    /* Writing past the end leaves holes; holes read as (), near or far. */
    CALL("set_field", a, I(5), I(6));
    CHECK_STR(show(a), "[10, 20, 30, (), (), 6]");
    CHECK(CALL("get_field", a, I(4)).type == VT_UNIT);
    Value sp = sparse(1000000, I(1));
    CHECK(CALL("len", sp).as.i == 1000001);
    CHECK(CALL("get_field", sp, I(500000)).type == VT_UNIT);
    CHECK(CALL("get_field", sp, I(-1)).as.i == 1);
    CHECK_STR(ERR("set_field", sp, I(INT64_MAX), I(1)),
              "Foreign function set_field failed: array length 9223372036854775808 exceeds VM integer range");
    CHECK_STR(ERR("set_field", I(1), I(0), I(1)), "Foreign function set_field failed: Expected object or array");
    CHECK_STR(ERR("set_field", a, I(0)),
              "Foreign function set_field failed: set_field expects 3 arguments: object, key, and value");

    /* Strings: characters, Python negative indices. */
    Value s = S("h\xc3\xa9llo");
    CHECK_STR(show(CALL("get_field", s, I(1))), "\xc3\xa9");
    CHECK_STR(show(CALL("get_field", s, I(-1))), "o");
    CHECK(CALL("len", s).as.i == 5);
    CHECK_STR(ERR("get_field", s, I(5)), "Foreign function get_field failed: string index 5 out of range (length 5)");
    CHECK_STR(ERR("get_field", s, I(-6)), "Foreign function get_field failed: string index -6 out of range (length 5)");
    CHECK_STR(ERR("get_field", s, S("x")),
              "Foreign function get_field failed: string index must be an integer, found string");

    /* Objects: any key, missing reads as (). */
    Value o = call("create_object", 0, NULL);
    CALL("set_field", o, I(1), S("int"));
    CALL("set_field", o, val_int(VT_I32, 1), S("i32"));
    CALL("set_field", o, val_float(-0.0), S("zero"));
    CHECK_STR(show(CALL("get_field", o, I(1))), "int");
    CHECK_STR(show(CALL("get_field", o, val_int(VT_I32, 1))), "i32");
    CHECK_STR(show(CALL("get_field", o, val_float(0.0))), "zero");
    CHECK(CALL("get_field", o, S("x")).type == VT_UNIT);

    /* get_or_create_array_field */
    Value xs = CALL("get_or_create_array_field", o, S("xs"));
    CHECK(xs.type == VT_ARRAY);
    CHECK(CALL("get_or_create_array_field", o, S("xs")).as.arr == xs.as.arr);
    CHECK_STR(ERR("get_or_create_array_field", o, I(1)), "Foreign function get_or_create_array_field failed: Cannot "
                                                         "autovivify nested list through a non-list value");
    Value row = CALL("get_or_create_array_field", a, I(-2)); /* a hole becomes a list */
    CHECK(row.type == VT_ARRAY);
    CHECK(CALL("get_field", a, I(4)).as.arr == row.as.arr);
}

typedef struct {
    int n;
    HookEventKind kind[8];
    uint64_t id[8];
    Value key[8], value[8], old[8];
} Seen;

static int record(VM *v, const HookEvent *ev, void *ud)
{
    Seen *s = ud;
    if (s->n < 8) {
        s->kind[s->n] = ev->kind;
        s->id[s->n] = ev->id;
        s->key[s->n] = ev->key;
        s->value[s->n] = ev->value;
        s->old[s->n] = ev->old;
        s->n++;
    }
    return 0;
}

static bool table_events(const HookEvent *ev, void *ud)
{
    return ev->kind >= HOOK_OBJECT_FIELD_READ && ev->kind <= HOOK_ARRAY_ELEMENT_WRITE;
}

TEST(test_hooks)
{
    Seen s = { 0 };
    int id = vm_register_hook(vm, table_events, record, &s, 0);
    CHECK(id > 0);
    Value a = LIST(7, 8);
    Value o = call("create_object", 0, NULL);
    CALL("set_field", a, I(-1), I(9));
    CALL("get_field", a, I(0));
    CALL("set_field", o, S("k"), I(1));
    CALL("get_field", o, S("k"));
    vm_unregister_hook(vm, id);
    CHECK(s.n == 4);
    CHECK(s.kind[0] == HOOK_ARRAY_ELEMENT_WRITE && s.id[0] == a.as.arr->id);
    CHECK(s.key[0].type == VT_I64 && s.key[0].as.i == 1); /* resolved index */
    CHECK(s.old[0].as.i == 8 && s.value[0].as.i == 9);
    CHECK(s.kind[1] == HOOK_ARRAY_ELEMENT_READ && s.value[1].as.i == 7);
    CHECK(s.kind[2] == HOOK_OBJECT_FIELD_WRITE && s.old[2].type == VT_UNIT && s.value[2].as.i == 1);
    CHECK(s.kind[3] == HOOK_OBJECT_FIELD_READ && s.id[3] == o.as.obj->id && s.value[3].as.i == 1);
}

TEST(test_push_and_copy)
{
    Value a = LIST(1, 2);
    CHECK(CALL("array_push", a, I(3), I(4)).as.i == 4);
    CHECK(CALL("append", a, I(5)).type == VT_UNIT);
    CALL("extend", a, a); /* extending with itself doubles */
    CHECK_STR(show(a), "[1, 2, 3, 4, 5, 1, 2, 3, 4, 5]");
    CHECK_STR(ERR("array_push", a),
              "Foreign function array_push failed: array_push expects at least 2 arguments: array and value");
    CHECK_STR(ERR("append", I(1), I(2)), "Foreign function append failed: First argument must be an array");
    CHECK_STR(ERR("extend", a, I(2)), "Foreign function extend failed: Second argument must be an array");

    Value b = LIST(1, 2);
    CHECK_STR(show(CALL("array_concat", b, LIST(3))), "[1, 2, 3]");
    CHECK_STR(show(CALL("array_repeat", b, I(3))), "[1, 2, 1, 2, 1, 2]");
    CHECK_STR(show(CALL("array_repeat", b, I(-5))), "[]");
    CHECK_STR(show(CALL("array_repeat", call("create_array", 0, NULL), I(INT64_MAX))), "[]");
    CHECK_STR(ERR("array_repeat", b, I(INT64_MAX)),
              "Foreign function array_repeat failed: array_repeat result length is too large");
    CHECK_STR(ERR("array_repeat", I(1), S("x")),
              "Foreign function array_repeat failed: repeat count must be an integer");
    CHECK_STR(ERR("array_repeat", b, val_uint(VT_U64, UINT64_MAX)),
              "Foreign function array_repeat failed: repeat count exceeds i64 range");
    CHECK_STR(ERR("array_concat", sparse(INT64_MAX - 1, I(1)), b),
              "Foreign function array_concat failed: array_concat result length is too large");

    Value c = CALL("copy", b);
    CHECK(c.as.arr != b.as.arr);
    CHECK_STR(show(c), "[1, 2]");
    CHECK_STR(ERR("copy", sparse((int64_t)1 << 40, I(1))), "Foreign function copy failed: array too large");

    /* Sparse sources copy with their holes. */
    Value sp = sparse(5000, I(9));
    Value cp = CALL("copy", sp);
    CHECK(CALL("len", cp).as.i == 5001);
    CHECK(CALL("get_field", cp, I(5000)).as.i == 9);
    CHECK(CALL("get_field", cp, I(4999)).type == VT_UNIT);

    Value created = CALL("create_array", I(1000000000)); /* only a hint */
    CHECK(CALL("len", created).as.i == 0);
    CHECK_STR(ERR("create_array", I(-1)),
              "Foreign function create_array failed: array capacity must be a non-negative integer");
    CHECK_STR(ERR("len", call("create_object", 0, NULL)),
              "Foreign function len failed: First argument must be an array or string");
    CHECK_STR(ERR("array_length", I(1), I(2)),
              "Foreign function array_length failed: array_length expects 1 argument: array");
}

TEST(test_equality_and_search)
{
    Value a = LIST(1, 2), b = LIST(1, 2);
    CHECK(CALL("array_equals", a, b).as.b);
    Value na = call("create_array", 0, NULL), nb = call("create_array", 0, NULL);
    CALL("array_push", na, a);
    CALL("array_push", nb, b);
    CHECK(CALL("array_equals", na, nb).as.b);
    CALL("array_push", nb, I(1));
    CHECK(!CALL("array_equals", na, nb).as.b);
    CHECK(!CALL("array_equals", LIST(1), call("create_array", 0, NULL)).as.b);
    /* Same type needed: 1 and 1i32 differ. */
    Value w = call("create_array", 0, NULL);
    CALL("array_push", w, val_int(VT_I32, 1));
    CHECK(!CALL("array_equals", LIST(1), w).as.b);
    /* Huge sparse arrays compare by their stored elements only. */
    Value s1 = sparse((int64_t)1 << 50, I(3)), s2 = sparse((int64_t)1 << 50, I(3));
    CHECK(CALL("array_equals", s1, s2).as.b);
    CALL("set_field", s2, I(17), I(0));
    CHECK(!CALL("array_equals", s1, s2).as.b);
    CALL("set_field", s1, I(17), I(0));
    CHECK(CALL("array_equals", s1, s2).as.b);

    Value h = LIST(5, 6, 5, 7, 5);
    CHECK(CALL("count", h, I(5)).as.i == 3);
    CHECK(CALL("count", h, val_int(VT_I32, 5)).as.i == 0);
    CHECK(CALL("index", h, I(5)).as.i == 0);
    CHECK(CALL("index", h, I(5), I(1)).as.i == 2);
    CHECK(CALL("index", h, I(5), I(-2)).as.i == 4);
    CHECK(CALL("index", h, I(7), I(-100), I(100)).as.i == 3);
    CHECK_STR(ERR("index", h, I(7), I(0), I(3)), "Foreign function index failed: value is not in list");
    CHECK_STR(ERR("index", h, I(7), val_unit()),
              "Foreign function index failed: index bound must be an integer, found nil");
    CHECK_STR(ERR("index", h, I(1), I(2), I(3), I(4)),
              "Foreign function index failed: index expects at most 4 arguments: array, value, start, and stop");
    Value nested = call("create_array", 0, NULL);
    CALL("array_push", nested, I(1), LIST(2, 3));
    CHECK(CALL("index", nested, LIST(2, 3)).as.i == 1);
    CHECK(CALL("contains", nested, LIST(2, 3)).as.b);
    CHECK(!CALL("contains", nested, LIST(2)).as.b);

    CHECK(CALL("contains", S("hello"), S("ell")).as.b);
    CHECK(CALL("contains", S("hello"), S("")).as.b);
    CHECK(!CALL("contains", S("he"), S("hello")).as.b);
    Value o = call("create_object", 0, NULL);
    CALL("set_field", o, S("k"), val_unit());
    CHECK(CALL("contains", o, S("k")).as.b); /* present even with a () value */
    CHECK(!CALL("contains", o, S("j")).as.b);
    CHECK_STR(ERR("contains", S("abc"), I(1)),
              "Foreign function contains failed: 'in' on a string requires a string operand");
    CHECK_STR(ERR("contains", I(3), I(1)),
              "Foreign function contains failed: 'in' requires a list, dict, or string container, found int64");
}

TEST(test_reshape)
{
    Value a = LIST(1, 2, 3, 4);
    CHECK(CALL("pop", a).as.i == 4);
    CHECK(CALL("pop", a, I(0)).as.i == 1);
    CHECK(CALL("pop", a, I(-1)).as.i == 3);
    CHECK_STR(show(a), "[2]");
    CHECK_STR(ERR("pop", a, I(1)), "Foreign function pop failed: list index out of range");
    CHECK_STR(ERR("pop", a, I(-2)), "Foreign function pop failed: list index out of range");
    CHECK_STR(ERR("pop", a, S("x")), "Foreign function pop failed: index must be an integer");
    CALL("pop", a);
    CHECK_STR(ERR("pop", a), "Foreign function pop failed: pop from empty list");
    CHECK_STR(ERR("pop", a, I(1), I(2)),
              "Foreign function pop failed: pop expects at most 2 arguments: array and optional index");

    Value b = LIST(1, 3);
    CALL("insert", b, I(1), I(2));
    CALL("insert", b, I(-100), I(0));
    CALL("insert", b, I(100), I(9));
    CALL("insert", b, I(-1), I(4));
    CHECK_STR(show(b), "[0, 1, 2, 3, 4, 9]");
    CALL("delete", b, I(-1));
    CALL("delete", b, I(0));
    CHECK_STR(show(b), "[1, 2, 3, 4]");
    CHECK_STR(ERR("delete", b, I(4)), "Foreign function delete failed: list index out of range");
    CALL("remove", b, I(3));
    CHECK_STR(show(b), "[1, 2, 4]");
    CHECK_STR(ERR("remove", b, I(3)), "Foreign function remove failed: value is not in list");
    CALL("reverse", b);
    CHECK_STR(show(b), "[4, 2, 1]");
    CALL("clear", b);
    CHECK(CALL("len", b).as.i == 0);

    /* Sparse arrays are made dense first. */
    Value sp = sparse(10000, I(5));
    CALL("array_push", sp, I(6));
    CHECK(CALL("pop", sp, I(0)).type == VT_UNIT);
    CHECK(CALL("len", sp).as.i == 10001);
    CHECK(CALL("get_field", sp, I(9999)).as.i == 5);
    CALL("insert", sp, I(0), I(-1));
    CHECK(CALL("get_field", sp, I(10000)).as.i == 5);
    CHECK(CALL("get_field", sp, I(10001)).as.i == 6);
    CALL("reverse", sp);
    CHECK(CALL("get_field", sp, I(0)).as.i == 6);
    CHECK(CALL("get_field", sp, I(-1)).as.i == -1);
    CHECK_STR(ERR("reverse", sparse((int64_t)1 << 40, I(1))), "Foreign function reverse failed: array too large");
    CHECK_STR(ERR("pop", sparse((int64_t)1 << 40, I(1))), "Foreign function pop failed: array too large");
}

TEST(test_sort)
{
    Value a = LIST(3, -1, 2, 2, 10);
    CALL("sort", a);
    CHECK_STR(show(a), "[-1, 2, 2, 3, 10]");

    /* Numbers compare across types by exact value; the sort is stable. */
    Value m = call("create_array", 0, NULL);
    CALL("array_push", m, val_float(1.5), val_uint(VT_U64, UINT64_MAX), val_int(VT_I8, -3), I(1), val_uint(VT_U8, 1),
         val_int(VT_I32, 1), val_float(1.0), I(9007199254740993), val_float(9007199254740992.0));
    CALL("sort", m);
    CHECK_STR(show(m), "[-3i8, 1, 1u8, 1i32, 1f64, 1.5f64, 9007199254740992f64, 9007199254740993, "
                       "18446744073709551615u64]");

    Value s = call("create_array", 0, NULL);
    CALL("array_push", s, S("b"), S("a"), S("ab"), S(""));
    CALL("sort", s);
    CHECK_STR(show(s), "[, a, ab, b]");
    Value t = call("create_array", 0, NULL);
    CALL("array_push", t, val_bool(true), val_bool(false));
    CALL("sort", t);
    CHECK_STR(show(t), "[false, true]");

    /* Errors name the types of the first failing insertion comparison. */
    Value e1 = call("create_array", 0, NULL);
    CALL("array_push", e1, I(1), val_float(2.5), S("x"));
    CHECK_STR(ERR("sort", e1), "Foreign function sort failed: list sort does not support comparing string and float");
    Value e2 = call("create_array", 0, NULL);
    CALL("array_push", e2, val_unit());
    CALL("sort", e2); /* one element: no comparison */
    CALL("array_push", e2, val_unit());
    CHECK_STR(ERR("sort", e2), "Foreign function sort failed: list sort does not support comparing nil and nil");
    Value e3 = call("create_array", 0, NULL);
    CALL("array_push", e3, I(1), val_float(NAN));
    CHECK_STR(ERR("sort", e3), "Foreign function sort failed: list sort does not support NaN values");
    Value e4 = call("create_array", 0, NULL);
    CALL("array_push", e4, val_float(NAN), S("a"));
    CHECK_STR(ERR("sort", e4), "Foreign function sort failed: list sort does not support comparing string and float");
    /* The element compared against is the prefix maximum (5, an int64). */
    Value e5 = call("create_array", 0, NULL);
    CALL("array_push", e5, I(5), val_float(0.5), val_bool(true));
    CHECK_STR(ERR("sort", e5), "Foreign function sort failed: list sort does not support comparing boolean and int64");

    /* A larger sort against a simple reference. */
    Value big = call("create_array", 0, NULL);
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 5000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        CALL("array_push", big, I((int64_t)(x % 1000) - 500));
    }
    CALL("sort", big);
    bool ordered = true;
    for (int i = 1; i < 5000; i++)
        ordered &= CALL("get_field", big, I(i - 1)).as.i <= CALL("get_field", big, I(i)).as.i;
    CHECK(ordered);
}

TEST(test_range_slice)
{
    CHECK_STR(show(CALL("range", I(2), I(5))), "[2, 3, 4]");
    CHECK_STR(show(CALL("range", I(5), I(2))), "[]");
    CHECK_STR(show(CALL("range", I(10), I(0), I(-3))), "[10, 7, 4, 1]");
    CHECK_STR(show(CALL("range", I(0), I(10), I(4))), "[0, 4, 8]");
    CHECK_STR(show(CALL("range", I(INT64_MAX - 1), I(INT64_MAX), I(2))), "[9223372036854775806]");
    CHECK_STR(show(CALL("range", I(INT64_MIN), I(INT64_MIN + 2))), "[-9223372036854775808, -9223372036854775807]");
    CHECK_STR(show(CALL("range", I(INT64_MAX), I(INT64_MIN), I(INT64_MIN))), "[9223372036854775807, -1]");
    CHECK_STR(show(CALL("range", val_uint(VT_U8, 1), val_int(VT_I32, 3))), "[1, 2]");
    CHECK_STR(ERR("range", I(0), I(INT64_MAX)), "Foreign function range failed: range length is too large");
    CHECK_STR(ERR("range", I(0), I(1), I(0)), "Foreign function range failed: range step argument must not be zero");
    CHECK_STR(ERR("range", I(0), S("x")), "Foreign function range failed: range stop must be an integer");
    CHECK_STR(ERR("range", I(0)), "Foreign function range failed: range expects at least 2 arguments: start and stop");
    CHECK_STR(ERR("range", I(0), I(1), I(1), I(1)),
              "Foreign function range failed: range expects at most 3 arguments: start, stop, and step");

    Value a = LIST(0, 1, 2, 3, 4, 5);
    CHECK_STR(show(CALL("slice", a, I(1), I(3))), "[1, 2]");
    CHECK_STR(show(CALL("slice", a, I(-2), val_unit())), "[4, 5]");
    CHECK_STR(show(CALL("slice", a, val_unit(), val_unit(), I(-1))), "[5, 4, 3, 2, 1, 0]");
    CHECK_STR(show(CALL("slice", a, I(INT64_MAX), I(INT64_MAX), I(-2))), "[5, 3, 1]");
    CHECK_STR(show(CALL("slice", a, I(4), I(1), I(-2))), "[4, 2]");
    CHECK_STR(show(CALL("slice", a, I(-100), I(100), I(4))), "[0, 4]");
    CHECK_STR(show(CALL("slice", a, I(0), I(6), val_uint(VT_U64, UINT64_MAX))), "[0]");
    CHECK_STR(show(CALL("slice", a, I(100), I(-100), I(-1))), "[5, 4, 3, 2, 1, 0]");
    CHECK_STR(show(CALL("slice", a, I(3), I(3))), "[]");
    CHECK_STR(show(CALL("slice", call("create_array", 0, NULL), val_unit(), val_unit(), I(-1))), "[]");
    CHECK_STR(show(CALL("slice", S("h\xc3\xa9llo"), I(1), I(3))), "\xc3\xa9l");
    CHECK_STR(show(CALL("slice", S("h\xc3\xa9llo"), val_unit(), val_unit(), I(-1))), "oll\xc3\xa9h");
    CHECK_STR(ERR("slice", a, I(0), I(1), I(0)), "Foreign function slice failed: slice step cannot be zero");
    CHECK_STR(ERR("slice", S("ab"), S("x"), I(1)),
              "Foreign function slice failed: slice start must be an integer, found string");
    CHECK_STR(ERR("slice", a, I(0), val_float(1.0)),
              "Foreign function slice failed: slice stop must be an integer, found float");
    CHECK_STR(ERR("slice", I(1), S("x"), I(1)),
              "Foreign function slice failed: slice requires a list or string, found int64");
    CHECK_STR(ERR("slice", a, I(0)),
              "Foreign function slice failed: slice expects at least 3 arguments: value, start, and stop");
    CHECK_STR(ERR("slice", sparse((int64_t)1 << 40, I(1)), val_unit(), val_unit()),
              "Foreign function slice failed: array too large");
    /* A few elements of a huge sparse array are fine. */
    CHECK_STR(show(CALL("slice", sparse((int64_t)1 << 40, I(1)), I(-2), val_unit())), "[(), 1]");
}

TEST(test_print_type_assert)
{
    sb_reset(&out);
    Value nested = call("create_array", 0, NULL);
    CALL("array_push", nested, S("x"), I(2), LIST(3));
    CALL("print", S("a"), I(1), val_float(1.5), val_float(1.0), val_bool(true), val_unit());
    CALL("print", val_uint(VT_U8, 5), val_int(VT_I32, -2));
    CALL("print", nested);
    call("print", 0, NULL);
    CHECK_STR(out.data, "a 1 1.5f64 1f64 true ()\n5u8 -2i32\n[x, 2, [3]]\n\n");
    CHECK_STR(show(CALL("to_string", nested)), "[x, 2, [3]]");
    CHECK_STR(show(CALL("to_string", val_float(0.1))), "0.1f64");
    CHECK_STR(ERR("to_string", I(1), I(2)), "Foreign function to_string failed: to_string expects 1 argument");

    CHECK_STR(show(CALL("type", I(42))), "int64");
    CHECK_STR(show(CALL("type", val_uint(VT_U16, 1))), "uint16");
    CHECK_STR(show(CALL("type", S("s"))), "string");
    CHECK_STR(show(CALL("type", val_unit())), "nil");
    CHECK_STR(err("type", 0, NULL), "Foreign function type failed: type expects 1 argument");

    CHECK(CALL("assert", val_bool(true)).type == VT_UNIT);
    CHECK_STR(ERR("assert", val_bool(false)), "Foreign function assert failed: assertion failed");
    CHECK_STR(ERR("assert", val_bool(false), S("boom")), "Foreign function assert failed: boom");
    CHECK_STR(ERR("assert", val_bool(false), I(3)), "Foreign function assert failed: assertion failed");
    CHECK_STR(ERR("assert", I(1)), "Foreign function assert failed: assert condition must be a bool, found int64");
}

TEST(test_clients_storage)
{
    CHECK(call("ClientStore.get_number_clients", 0, NULL).as.i == 0);
    CHECK(call("ClientStore.get_number_input_clients", 0, NULL).as.i == 0);
    CHECK(call("ClientStore.get_number_output_clients", 0, NULL).as.i == 0);
    CHECK_STR(ERR("ClientStore.take_share", I(0), I(0)),
              "Foreign function ClientStore.take_share failed: No client at index 0");
    CHECK_STR(ERR("ClientStore.take_share_fixed", val_uint(VT_U8, 2), I(1)),
              "Foreign function ClientStore.take_share_fixed failed: No client at index 2");
    CHECK_STR(ERR("ClientStore.take_share_bool", I(-1), I(0)),
              "Foreign function ClientStore.take_share_bool failed: client_index must be a non-negative integer");
    CHECK_STR(ERR("ClientStore.take_share", I(0)),
              "Foreign function ClientStore.take_share failed: ClientStore.take_share expects 2 arguments: "
              "client_index, share_index");
    CHECK_STR(ERR("LocalStorage.store", S("k"), I(1)),
              "Foreign function LocalStorage.store failed: Local storage is not configured");
    CHECK_STR(ERR("LocalStorage.load", I(1)), "Foreign function LocalStorage.load failed: Expected byte array");
    CHECK_STR(ERR("LocalStorage.exists", LIST(1)),
              "Foreign function LocalStorage.exists failed: Expected U8 at index 0");
    CHECK_STR(ERR("LocalStorage.delete", S("a"), S("b")),
              "Foreign function LocalStorage.delete failed: LocalStorage.delete expects 1 argument: key");
    CHECK_STR(ERR("MpcOutput.send_to_client", I(0), I(1)),
              "Foreign function MpcOutput.send_to_client failed: MPC engine not configured");
}

TEST(test_mpc_pure)
{
    Value abc = CALL("Bytes.from_string", S("abc"));
    sb_reset(&tmp);
    fmt_result(&tmp, abc);
    CHECK_STR(tmp.data, "byte[3] 0x616263");
    Value h = CALL("Crypto.sha256", abc);
    sb_reset(&tmp);
    fmt_result(&tmp, h);
    CHECK_STR(tmp.data, "byte[32] 0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    h = CALL("Crypto.sha512", CALL("Bytes.from_string", S("")));
    sb_reset(&tmp);
    fmt_result(&tmp, h);
    CHECK_STR(tmp.data, "byte[64] 0xcf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                        "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    Value ab = CALL("Bytes.concat", abc, CALL("Bytes.from_string", S("de")));
    sb_reset(&tmp);
    fmt_result(&tmp, ab);
    CHECK_STR(tmp.data, "byte[5] 0x6162636465");
    CHECK_STR(ERR("Bytes.concat", abc, LIST(1)), "Foreign function Bytes.concat failed: Expected U8 at index 0");
    CHECK_STR(ERR("Crypto.sha256", I(1)), "Foreign function Crypto.sha256 failed: Expected byte array");
    CHECK_STR(ERR("Bytes.from_string", I(1)), "Foreign function Bytes.from_string failed: Argument must be a string");

    Value r = call("Mpc.rand", 0, NULL);
    CHECK(r.type == VT_ARRAY && r.as.arr->len == 32);
    CHECK(CALL("get_field", r, I(31)).type == VT_U8);
    CHECK(CALL("Mpc.rand_int", I(8)).type == VT_U8);
    CHECK(CALL("Mpc.rand_int", I(16)).type == VT_U16);
    CHECK(CALL("Mpc.rand_int", val_uint(VT_U8, 32)).type == VT_U32);
    CHECK(CALL("Mpc.rand_int", I(64)).type == VT_U64);
    CHECK_STR(ERR("Mpc.rand_int", I(12)),
              "Foreign function Mpc.rand_int failed: Unsupported bit_length 12. Must be 8, 16, 32, or 64");
    CHECK_STR(ERR("Mpc.rand_int", I(0)), "Foreign function Mpc.rand_int failed: bit_length must be a positive integer");
    Value ready = call("Mpc.is_ready", 0, NULL);
    CHECK(ready.type == VT_BOOL && !ready.as.b);
    CHECK_STR(ERR("Share.from_clear", I(1)), "Foreign function Share.from_clear failed: MPC engine not configured");
    /* arguments are checked before the engine, as upstream */
    CHECK_STR(ERR("Field.add", I(1)),
              "Foreign function Field.add failed: Field.add expects 2 arguments: a, b (field_bytes)");
    CHECK_STR(ERR("Field.from_int", I(1)), "Foreign function Field.from_int failed: MPC engine not configured");
    CHECK(vm_find_function(vm, "Avss.is_avss_share", 18) >= 0);
    CHECK(vm_find_function(vm, "Share.batch_mul", 15) >= 0);
    /* Names are taken: a second registration fails. */
    CHECK(vm_register_native(vm, "len", NULL, NULL) != ST_OK);
}

int main(void)
{
    VmConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.write = sink;
    vm = vm_new(&cfg);
    if (!vm) {
        fprintf(stderr, "vm_new failed\n");
        return 1;
    }
    sb_init(&out);
    sb_init(&tmp);
    RUN(test_fields);
    RUN(test_hooks);
    RUN(test_push_and_copy);
    RUN(test_equality_and_search);
    RUN(test_reshape);
    RUN(test_sort);
    RUN(test_range_slice);
    RUN(test_print_type_assert);
    RUN(test_clients_storage);
    RUN(test_mpc_pure);
    sb_free(&out);
    sb_free(&tmp);
    vm_free(vm);
    return unit_report();
}
