/* test_packed_array.c: arrays of I64 values, and arrays of floats, stay
 * packed (8 bytes per element) and every store of another kind of value
 * boxes them, keeping each element (src/core/heap.c). */
#include <math.h>
#include <string.h>

#include "core/heap.h"
#include "unit.h"

static Heap heap;

static StArray *ints(int64_t n)
{
    StArray *a = heap_new_array(&heap, 0);
    for (int64_t i = 0; i < n; i++) array_push(&heap, a, val_i64(i * 7 - 3));
    return a;
}

static bool holds_ints(const StArray *a, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        Value v = array_get_index(a, i);
        if (v.type != VT_I64 || v.as.i != i * 7 - 3) return false;
    }
    return a->len == n;
}

TEST(integers_stay_packed)
{
    size_t before = heap.bytes;
    StArray *a = ints(100000);
    CHECK(a->packed);
    CHECK(holds_ints(a, 100000));
    /* the dense part: capacity (a power of two) x 8 bytes, not 16 */
    CHECK(heap.bytes - before <= sizeof(StArray) + 16 + (size_t)a->cap * 8);
    CHECK(array_set_index(&heap, a, 5, val_i64(-9)));
    CHECK(a->packed && array_get_index(a, 5).as.i == -9);
}

TEST(each_other_value_boxes)
{
    Value others[] = { val_float(2.5), val_bool(true), val_unit(), val_uint(VT_U8, 7),
                       val_gc(VT_STRING, heap_new_string(&heap, "s", 1)) };
    for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
        StArray *a = ints(1000);
        CHECK(array_set_index(&heap, a, 10, others[k])); /* in range */
        CHECK(!a->packed);
        CHECK(val_equal(array_get_index(a, 10), others[k]));
        CHECK(array_get_index(a, 999).as.i == 999 * 7 - 3 && array_get_index(a, 0).as.i == -3);
        StArray *b = ints(1000);
        CHECK(array_push(&heap, b, others[k])); /* at the end */
        CHECK(!b->packed && b->len == 1001 && val_equal(array_get_index(b, 1000), others[k]));
        CHECK(array_get_index(b, 999).as.i == 999 * 7 - 3 && array_get_index(b, 0).as.i == -3);
    }
}

TEST(holes_box)
{
    StArray *a = ints(3);
    CHECK(array_set_index(&heap, a, 6, val_i64(1)));
    CHECK(!a->packed && a->len == 7);
    CHECK(array_get_index(a, 4).type == VT_UNIT && array_get_index(a, 6).as.i == 1);
    CHECK(array_get_index(a, 2).as.i == 11);
}

TEST(sparse_keys_absorbed)
{
    /* a[G] (G past the sparse gap) first goes to the extra table; filling
     * 3..G-1 in order then absorbs it without a hole */
    const int64_t g = ARRAY_SPARSE_GAP + 10;
    StArray *a = ints(3);
    CHECK(array_set_index(&heap, a, g, val_i64(77)));
    CHECK(a->packed && a->dlen == 3);
    bool ok = true;
    for (int64_t i = 3; i < g; i++) ok &= array_set_index(&heap, a, i, val_i64(i));
    CHECK(ok);
    CHECK(a->packed && a->dlen == g + 1 && array_get_index(a, g).as.i == 77);
    StArray *b = ints(3);
    CHECK(array_set_index(&heap, b, 4, val_float(1.5))); /* a hole at 3 */
    CHECK(!b->packed);
    CHECK(array_set_index(&heap, b, 3, val_i64(3)));
    CHECK(array_get_index(b, 4).type == VT_FLOAT && array_get_index(b, 3).as.i == 3);
}

TEST(unpack_keeps_values)
{
    StArray *a = ints(4097);
    CHECK(array_unpack(&heap, a) && !a->packed);
    CHECK(holds_ints(a, 4097));
    CHECK(array_unpack(&heap, a)); /* already boxed: nothing to do */
    StArray *e = heap_new_array(&heap, 0);
    CHECK(array_unpack(&heap, e) && !e->packed && e->len == 0);
}

static StArray *floats(int64_t n)
{
    StArray *a = heap_new_array(&heap, 0);
    for (int64_t i = 0; i < n; i++) array_push(&heap, a, val_float((double)i * 0.5 - 1.25));
    return a;
}

static bool holds_floats(const StArray *a, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        Value v = array_get_index(a, i);
        if (v.type != VT_FLOAT || v.as.f != (double)i * 0.5 - 1.25) return false;
    }
    return a->len == n;
}

TEST(floats_stay_packed)
{
    size_t before = heap.bytes;
    StArray *a = floats(100000);
    CHECK(a->packed == VT_FLOAT);
    CHECK(holds_floats(a, 100000));
    CHECK(heap.bytes - before <= sizeof(StArray) + 16 + (size_t)a->cap * 8);
    /* -0.0 and NaN keep their bits */
    CHECK(array_set_index(&heap, a, 7, val_float(-0.0)));
    CHECK(a->packed == VT_FLOAT && array_get_index(a, 7).type == VT_FLOAT && signbit(array_get_index(a, 7).as.f));
    CHECK(array_set_index(&heap, a, 8, val_float(NAN)));
    CHECK(isnan(array_get_index(a, 8).as.f));
}

TEST(float_then_int_boxes)
{
    /* an integer into a float array, a float into an integer array: boxed
     * with every element kept (no conversion between 1 and 1.0) */
    StArray *a = floats(1000);
    CHECK(array_push(&heap, a, val_i64(5)));
    CHECK(!a->packed && a->len == 1001 && array_get_index(a, 1000).type == VT_I64);
    CHECK(array_get_index(a, 999).type == VT_FLOAT && array_get_index(a, 999).as.f == 999 * 0.5 - 1.25);
    StArray *b = ints(1);
    CHECK(array_push(&heap, b, val_float(1.0)));
    CHECK(!b->packed && array_get_index(b, 0).type == VT_I64 && array_get_index(b, 1).type == VT_FLOAT);
    /* only an empty array takes the first element's type */
    StArray *c = heap_new_array(&heap, 0);
    CHECK(c->packed == VT_I64);
    CHECK(array_set_index(&heap, c, 0, val_float(3.5)) && c->packed == VT_FLOAT);
    CHECK(array_unpack(&heap, c) && !c->packed && array_get_index(c, 0).as.f == 3.5);
    StArray *d = floats(4097);
    CHECK(array_unpack(&heap, d) && holds_floats(d, 4097));
}

static void no_roots(Heap *h, void *ud) {}

TEST(collector_frees_both_forms)
{
    heap_collect(&heap);
    CHECK(heap.objects == NULL);
}

int main(void)
{
    heap_init(&heap, NULL, NULL);
    heap.mark_roots = no_roots;
    RUN(integers_stay_packed);
    RUN(each_other_value_boxes);
    RUN(holes_box);
    RUN(sparse_keys_absorbed);
    RUN(unpack_keeps_values);
    RUN(floats_stay_packed);
    RUN(float_then_int_boxes);
    RUN(collector_frees_both_forms);
    heap_free_all(&heap);
    return unit_report();
}
