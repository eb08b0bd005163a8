/* test_format.c: fmt_float, fmt_debug, fmt_print and fmt_result. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "core/heap.h"
#include "unit.h"

static Heap heap;
static StrBuf sb;

static const char *ffloat(double x)
{
    sb_reset(&sb);
    fmt_float(&sb, x);
    return sb.data;
}

static const char *fdebug(Value v)
{
    sb_reset(&sb);
    fmt_debug(&sb, v);
    return sb.data;
}

static const char *fprint(Value v)
{
    sb_reset(&sb);
    fmt_print(&sb, v);
    return sb.data;
}

static const char *fresult(Value v)
{
    sb_reset(&sb);
    fmt_result(&sb, v);
    return sb.data;
}

static Value str(const char *s) { return val_string(heap_new_string(&heap, s, strlen(s))); }

static Value arr(int n, const Value *items)
{
    StArray *a = heap_new_array(&heap, 0);
    for (int i = 0; i < n; i++) array_push(&heap, a, items[i]);
    return val_gc(VT_ARRAY, a);
}

static Value obj(void) { return val_gc(VT_OBJECT, heap_new_object(&heap)); }

static void put(Value o, Value k, Value v) { table_set(&heap, &o.as.obj->fields, k, v); }

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* "0." followed by `zeros` zeros and then `digits`. */
static char *small(int zeros, const char *digits)
{
    char *s = malloc((size_t)zeros + strlen(digits) + 3);
    strcpy(s, "0.");
    memset(s + 2, '0', (size_t)zeros);
    strcpy(s + 2 + zeros, digits);
    return s;
}

TEST(test_sb)
{
    StrBuf b;
    sb_init(&b);
    sb_puts(&b, "ab");
    sb_putc(&b, 'c');
    sb_append(&b, "d\0e", 3);
    CHECK(b.len == 6);
    CHECK(memcmp(b.data, "abcd\0e", 7) == 0);
    sb_reset(&b);
    for (int i = 0; i < 1000; i++) sb_printf(&b, "%d,", i);
    CHECK(b.len == 3890);
    CHECK(strncmp(b.data + b.len - 4, "999,", 4) == 0);
    char *p = sb_take(&b);
    CHECK(p && p[0] == '0');
    CHECK(b.data == NULL && b.len == 0);
    free(p);
    p = sb_take(&b); /* empty buffer gives "" */
    CHECK_STR(p, "");
    free(p);
    sb_free(&b);
}

TEST(test_float)
{
    CHECK_STR(ffloat(1.0), "1");
    CHECK_STR(ffloat(1.5), "1.5");
    CHECK_STR(ffloat(-0.0), "-0");
    CHECK_STR(ffloat(0.0), "0");
    CHECK_STR(ffloat(-2.25), "-2.25");
    CHECK_STR(ffloat(0.1 + 0.2), "0.30000000000000004");
    CHECK_STR(ffloat(1e20), "100000000000000000000");
    CHECK_STR(ffloat(1e-7), "0.0000001");
    CHECK_STR(ffloat(0.000001), "0.000001");
    CHECK_STR(ffloat(123456789012345680000.0), "123456789012345680000");
    CHECK_STR(ffloat(NAN), "NaN");
    CHECK_STR(ffloat(INFINITY), "inf");
    CHECK_STR(ffloat(-INFINITY), "-inf");
    CHECK_STR(ffloat(100.0), "100");
    CHECK_STR(ffloat(123.456), "123.456");
    CHECK_STR(ffloat(9007199254740993.0), "9007199254740992");

    char *want = small(323, "5"); /* 5e-324, the smallest subnormal */
    CHECK_STR(ffloat(5e-324), want);
    free(want);

    /* 1.7976931348623157e308: 17 digits then 292 zeros. */
    char big[400] = "17976931348623157";
    memset(big + 17, '0', 292);
    big[309] = '\0';
    CHECK_STR(ffloat(1.7976931348623157e308), big);

    /* Powers of two whose shortest form lies above a shorter correctly
     * rounded string that does not round-trip (asymmetric interval). */
    want = small(7, "5960464477539063"); /* 2^-24 */
    CHECK_STR(ffloat(ldexp(1.0, -24)), want);
    free(want);
    want = small(13, "5684341886080802"); /* 2^-44 */
    CHECK_STR(ffloat(ldexp(1.0, -44)), want);
    free(want);
    CHECK_STR(ffloat(ldexp(1.0, 89)), "618970019642690200000000000");
}

TEST(test_debug)
{
    CHECK_STR(fdebug(val_i64(42)), "42");
    CHECK_STR(fdebug(val_i64(INT64_MIN)), "-9223372036854775808");
    CHECK_STR(fdebug(val_int(VT_I32, -2)), "-2i32");
    CHECK_STR(fdebug(val_int(VT_I16, 7)), "7i16");
    CHECK_STR(fdebug(val_int(VT_I8, -128)), "-128i8");
    CHECK_STR(fdebug(val_uint(VT_U8, 7)), "7u8");
    CHECK_STR(fdebug(val_uint(VT_U16, 65535)), "65535u16");
    CHECK_STR(fdebug(val_uint(VT_U32, 4000000000u)), "4000000000u32");
    CHECK_STR(fdebug(val_uint(VT_U64, UINT64_MAX)), "18446744073709551615u64");
    CHECK_STR(fdebug(val_float(1.5)), "1.5f64");
    CHECK_STR(fdebug(val_float(1.0)), "1f64");
    CHECK_STR(fdebug(val_float(-0.0)), "-0f64");
    CHECK_STR(fdebug(val_float(NAN)), "NaNf64");
    CHECK_STR(fdebug(val_float(INFINITY)), "inff64");
    CHECK_STR(fdebug(val_float(-INFINITY)), "-inff64");
    CHECK_STR(fdebug(val_bool(true)), "true");
    CHECK_STR(fdebug(val_bool(false)), "false");
    CHECK_STR(fdebug(val_unit()), "()");
    CHECK_STR(fdebug(str("raw \"text\"\n")), "\"raw \"text\"\n\"");

    Value o = obj(), a = arr(0, NULL);
    char want[64];
    snprintf(want, sizeof want, "Object(%llu)", (unsigned long long)o.as.obj->id);
    CHECK_STR(fdebug(o), want);
    snprintf(want, sizeof want, "Array(%llu)", (unsigned long long)a.as.arr->id);
    CHECK_STR(fdebug(a), want);
    CHECK(a.as.arr->id == o.as.obj->id + 1); /* one id counter */

    StForeign *f = heap_new_foreign(&heap, &heap, NULL, NULL);
    snprintf(want, sizeof want, "Foreign(%llu)", (unsigned long long)f->id);
    CHECK_STR(fdebug(val_gc(VT_FOREIGN, f)), want);

    StClosure *c = heap_new_closure(&heap, heap_new_string(&heap, "adder", 5), 0);
    CHECK_STR(fdebug(val_gc(VT_CLOSURE, c)), "Function(adder)");

    uint8_t bytes[4] = { 1, 2, 3, 4 };
    CHECK_STR(fdebug(val_gc(VT_SHARE, heap_new_share(&heap, 0, 64, 0, bytes, 4))),
              "Share(SecretInt { bit_length: 64 })");
    CHECK_STR(fdebug(val_gc(VT_SHARE, heap_new_share(&heap, 2, 8, 0, bytes, 4))),
              "Share(SecretUInt { bit_length: 8 })");
    CHECK_STR(fdebug(val_gc(VT_SHARE, heap_new_share(&heap, 1, 64, 16, bytes, 4))),
              "Share(SecretFixedPoint { precision: FixedPointPrecision { total_bits: 64, "
              "fractional_bits: 16 } })");
}

TEST(test_print_scalars)
{
    CHECK_STR(fprint(str("a b")), "a b");
    CHECK_STR(fprint(val_i64(1)), "1");
    CHECK_STR(fprint(val_float(1.0)), "1f64");
    CHECK_STR(fprint(val_uint(VT_U8, 5)), "5u8");
    CHECK_STR(fprint(val_unit()), "()");
}

TEST(test_print_containers)
{
    Value inner = arr(1, (Value[]){ val_i64(3) });
    Value a = arr(3, (Value[]){ str("x"), val_i64(2), inner });
    CHECK_STR(fprint(a), "[x, 2, [3]]");
    CHECK_STR(fprint(arr(0, NULL)), "[]");

    /* Elements use debug text, strings stay raw. */
    CHECK_STR(fprint(arr(3, (Value[]){ val_float(1.5), val_int(VT_I32, -1), val_unit() })), "[1.5f64, -1i32, ()]");

    /* Holes print as (); extra (non-positional) keys are not shown. */
    Value h = arr(1, (Value[]){ val_i64(1) });
    array_set_index(&heap, h.as.arr, 3, val_i64(4));
    table_set(&heap, &h.as.arr->extra, str("name"), val_i64(9));
    CHECK_STR(fprint(h), "[1, (), (), 4]");

    /* A sparse array prints its positional elements too. */
    Value sp = arr(0, NULL);
    array_set_index(&heap, sp.as.arr, 100000, val_i64(7));
    CHECK(sp.as.arr->len == 100001);
    CHECK_STR(fprint(sp), "[(), (), (), (), (), (), (), (), (), (), (), (), (), (), (), (), "
                          "...(99985 more)]");

    /* 16 elements, then one more element saying how many were left out. */
    Value items[20];
    for (int i = 0; i < 20; i++) items[i] = val_i64(i);
    CHECK_STR(fprint(arr(16, items)), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]");
    CHECK_STR(fprint(arr(20, items)), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, ...(4 more)]");

    /* Objects: insertion order, string keys raw, other keys debug text. */
    Value o = obj();
    put(o, str("n"), val_i64(1));
    put(o, val_int(VT_I32, 2), str("two"));
    put(o, val_float(0.5), val_bool(true));
    put(o, str("coeffs"), arr(2, (Value[]){ val_i64(1), val_i64(10) }));
    CHECK_STR(fprint(o), "{n: 1, 2i32: two, 0.5f64: true, coeffs: [1, 10]}");
    CHECK_STR(fprint(obj()), "{}");

    Value big = obj();
    for (int i = 0; i < 18; i++) put(big, val_i64(i), val_i64(i * i));
    CHECK_STR(fprint(big), "{0: 0, 1: 1, 2: 4, 3: 9, 4: 16, 5: 25, 6: 36, 7: 49, 8: 64, 9: 81, "
                           "10: 100, 11: 121, 12: 144, 13: 169, 14: 196, 15: 225, ...(2 more)}");

    /* A container as a key prints like a value at depth 0. */
    Value ko = obj();
    put(ko, arr(2, items), val_i64(1));
    CHECK_STR(fprint(ko), "{[...2 elements]: 1}");
}

TEST(test_print_depth)
{
    /* Top level is depth 3; at depth 0 only a summary. */
    Value l0 = arr(2, (Value[]){ val_i64(1), val_i64(2) });
    Value l1 = arr(1, (Value[]){ l0 });
    Value l2 = arr(1, (Value[]){ l1 });
    Value l3 = arr(1, (Value[]){ l2 });
    CHECK_STR(fprint(l2), "[[[1, 2]]]");
    CHECK_STR(fprint(l3), "[[[[...2 elements]]]]");

    Value o0 = obj();
    put(o0, str("a"), val_i64(1));
    Value o1 = obj();
    put(o1, str("b"), o0);
    Value o2 = obj();
    put(o2, str("c"), o1);
    Value o3 = obj();
    put(o3, str("d"), o2);
    CHECK_STR(fprint(o2), "{c: {b: {a: 1}}}");
    CHECK_STR(fprint(o3), "{d: {c: {b: {...1 fields}}}}");
}

TEST(test_print_cycles)
{
    Value a = arr(1, (Value[]){ val_i64(1) });
    array_push(&heap, a.as.arr, a);
    char want[64];
    snprintf(want, sizeof want, "[1, Array(%llu) <cycle>]", (unsigned long long)a.as.arr->id);
    CHECK_STR(fprint(a), want);

    Value o = obj();
    put(o, str("self"), o);
    snprintf(want, sizeof want, "{self: Object(%llu) <cycle>}", (unsigned long long)o.as.obj->id);
    CHECK_STR(fprint(o), want);

    /* The same array twice side by side is not a cycle. */
    Value s = arr(1, (Value[]){ val_i64(5) });
    CHECK_STR(fprint(arr(2, (Value[]){ s, s })), "[[5], [5]]");
}

TEST(test_result)
{
    CHECK_STR(fresult(val_i64(-7)), "-7");
    CHECK_STR(fresult(val_int(VT_I32, 42)), "42");
    CHECK_STR(fresult(val_uint(VT_U64, UINT64_MAX)), "18446744073709551615");
    CHECK_STR(fresult(val_float(1.5)), "1.5");
    CHECK_STR(fresult(val_float(1.0)), "1");
    CHECK_STR(fresult(val_float(NAN)), "NaN");
    CHECK_STR(fresult(str("hi")), "\"hi\"");
    CHECK_STR(fresult(val_unit()), "()");
    CHECK_STR(fresult(val_bool(false)), "false");
    StClosure *c = heap_new_closure(&heap, heap_new_string(&heap, "f", 1), 0);
    CHECK_STR(fresult(val_gc(VT_CLOSURE, c)), "Function(f)");
    uint8_t bytes[1] = { 0 };
    CHECK_STR(fresult(val_gc(VT_SHARE, heap_new_share(&heap, 0, 1, 0, bytes, 1))),
              "Share(SecretInt { bit_length: 1 })");

    /* Byte arrays: every element U8, non-empty. */
    Value bytes3 = arr(3, (Value[]){ val_uint(VT_U8, 0), val_uint(VT_U8, 0xab), val_uint(VT_U8, 0x0f) });
    CHECK_STR(fresult(bytes3), "byte[3] 0x00ab0f");
    CHECK_STR(fresult(arr(0, NULL)), "[]");
    CHECK_STR(fresult(arr(2, (Value[]){ val_uint(VT_U8, 1), val_i64(2) })), "[1, 2]");
    /* A hole is not a byte. */
    Value holey = arr(1, (Value[]){ val_uint(VT_U8, 1) });
    array_set_index(&heap, holey.as.arr, 2, val_uint(VT_U8, 3));
    CHECK_STR(fresult(holey), "[1, (), 3]");
    Value sparse = arr(0, NULL);
    array_set_index(&heap, sparse.as.arr, 1000000, val_uint(VT_U8, 1));
    CHECK(strncmp(fresult(sparse), "[(), ", 5) == 0);
    /* Nested byte arrays print as plain arrays. */
    CHECK_STR(fresult(arr(1, (Value[]){ bytes3 })), "[[0, 171, 15]]");

    /* Strings quoted, also as keys. */
    Value o = obj();
    put(o, str("k"), str("v"));
    put(o, val_i64(1), val_float(2.5));
    CHECK_STR(fresult(o), "{\"k\": \"v\", 1: 2.5}");
    CHECK_STR(fresult(arr(2, (Value[]){ str("a"), val_unit() })), "[\"a\", ()]");
}

TEST(test_result_limits)
{
    Value items[70];
    for (int i = 0; i < 70; i++) items[i] = val_i64(i);
    const char *r = fresult(arr(70, items));
    CHECK(strncmp(r, "[0, 1, 2, ", 10) == 0);
    const char *tail = ", 62, 63, ...(6 more)]";
    CHECK(ends_with(r, tail));
    r = fresult(arr(64, items));
    CHECK(ends_with(r, ", 62, 63]"));
    CHECK(strstr(r, "more") == NULL);

    Value o = obj();
    for (int i = 0; i < 66; i++) put(o, val_i64(i), val_i64(i));
    r = fresult(o);
    tail = ", 63: 63, ...(2 more)}";
    CHECK(ends_with(r, tail));

    /* Depth 4 at the top; keys are formatted one level down as well. */
    Value l0 = arr(1, (Value[]){ val_i64(1) });
    Value l1 = arr(1, (Value[]){ l0 });
    Value l2 = arr(1, (Value[]){ l1 });
    Value l3 = arr(1, (Value[]){ l2 });
    Value l4 = arr(1, (Value[]){ l3 });
    CHECK_STR(fresult(l3), "[[[[1]]]]");
    CHECK_STR(fresult(l4), "[[[[[...1 elements]]]]]");
    Value oo = obj();
    put(oo, str("x"), obj());
    Value ok = obj();
    put(ok, oo, val_i64(1));
    CHECK_STR(fresult(ok), "{{\"x\": {}}: 1}");

    /* Cycles. */
    Value c = arr(0, NULL);
    array_push(&heap, c.as.arr, c);
    char want[64];
    snprintf(want, sizeof want, "[Array(%llu) <cycle>]", (unsigned long long)c.as.arr->id);
    CHECK_STR(fresult(c), want);
}

int main(void)
{
    heap_init(&heap, NULL, NULL);
    sb_init(&sb);
    RUN(test_sb);
    RUN(test_float);
    RUN(test_debug);
    RUN(test_print_scalars);
    RUN(test_print_containers);
    RUN(test_print_depth);
    RUN(test_print_cycles);
    RUN(test_result);
    RUN(test_result_limits);
    sb_free(&sb);
    heap_free_all(&heap);
    return unit_report();
}
