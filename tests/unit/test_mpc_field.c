/* test_mpc_field.c: the Field.* builtins on the session's field,
 * Share.random_int across 4 parties, and upstream's Mpc.curve / Mpc.field /
 * Mpc.has_capability / Mpc.capabilities names, with and without an engine. */
#include "unit.h"

#include <math.h>

#include "mpc/fixed.h"
#include "mpc_sim.h"
#include "vm/vm.h"
#include "vm/vm_internal.h"

/* ---- calling builtins ---------------------------------------------------------------- */

static int call(VM *vm, const char *name, const Value *args, uint32_t argc, Value *out)
{
    Value r;
    vm_clear_error(vm);
    int rc = vm_execute(vm, name, args, argc, &r);
    if (out) *out = r;
    return rc;
}

static const char *err_of(VM *vm)
{
    const VmError *e = vm_last_error(vm);
    return e && e->message ? e->message : "";
}

/* The call fails and its message contains `want`. */
#define CHECK_ERR(vm, name, args, argc, want)                                                                         \
    do {                                                                                                              \
        int rc_ = call((vm), (name), (args), (argc), NULL);                                                           \
        CHECK_MSG(rc_ != ST_OK && strstr(err_of(vm), (want)) != NULL, "%s: rc %d, error \"%s\", want \"%s\"", (name), \
                  rc_, err_of(vm), (want));                                                                           \
    } while (0)

static Value bytes_val(VM *vm, const uint8_t *b, size_t n)
{
    Value v = val_unit();
    StArray *a = heap_new_array(vm_heap(vm), (int64_t)n);
    if (!a) return v;
    v = val_gc(VT_ARRAY, a);
    for (size_t i = 0; i < n; i++) array_set_index(vm_heap(vm), a, (int64_t)i, val_uint(VT_U8, b[i]));
    return v;
}

/* A byte-array result into out[32]; 0 if it is exactly 32 bytes. */
static int as_bytes(Value v, uint8_t out[32])
{
    if (v.type != VT_ARRAY || v.as.arr->len != 32) return -1;
    for (int i = 0; i < 32; i++) {
        Value e = array_get_index(v.as.arr, i);
        if (e.type != VT_U8) return -1;
        out[i] = (uint8_t)e.as.u;
    }
    return 0;
}

static Value str_val(VM *vm, const char *s)
{
    Value v = val_unit();
    vm_new_string(vm, s, strlen(s), &v);
    return v;
}

/* Field.from_int(v) as bytes. */
static int from_int(VM *vm, int64_t v, uint8_t out[32])
{
    Value a = val_i64(v), r;
    if (call(vm, "Field.from_int", &a, 1, &r) != ST_OK) return -1;
    return as_bytes(r, out);
}

/* name(x[, y]) on byte arrays -> bytes. */
static int fop(VM *vm, const char *name, const uint8_t *x, const uint8_t *y, uint8_t out[32])
{
    Value a[2] = { bytes_val(vm, x, 32), y ? bytes_val(vm, y, 32) : val_unit() }, r;
    if (call(vm, name, a, y ? 2 : 1, &r) != ST_OK) return -1;
    return as_bytes(r, out);
}

/* ---- without an engine ------------------------------------------------------------------ */

TEST(no_engine)
{
    VM *vm = vm_new(NULL);
    uint8_t one[32] = { 1 };
    Value b = bytes_val(vm, one, 32), i = val_i64(5);
    /* arguments are checked before the engine, as upstream */
    CHECK_ERR(vm, "Field.add", &b, 1, "Field.add expects 2 arguments: a, b (field_bytes)");
    CHECK_ERR(vm, "Field.inverse", &i, 1, "Expected byte array");
    Value s = str_val(vm, "x");
    CHECK_ERR(vm, "Field.from_int", &s, 1, "value must be an integer");
    CHECK_ERR(vm, "Field.zero", &i, 1, "Field.zero expects no arguments");
    /* then the engine */
    CHECK_ERR(vm, "Field.from_int", &i, 1, "MPC engine not configured");
    CHECK_ERR(vm, "Field.one", NULL, 0, "MPC engine not configured");
    Value two[2] = { b, b };
    CHECK_ERR(vm, "Field.mul", two, 2, "MPC engine not configured");
    CHECK_ERR(vm, "Field.sqrt", &b, 1, "MPC engine not configured");
    CHECK_ERR(vm, "Share.random_int", &i, 1, "MPC engine not configured");
    /* capability names are parsed before the engine is asked */
    Value g = str_val(vm, "  garbage ");
    CHECK_ERR(vm, "Mpc.has_capability", &g, 1, "Unsupported MPC capability: garbage");
    Value c = str_val(vm, "client_output");
    CHECK_ERR(vm, "Mpc.has_capability", &c, 1, "MPC engine not configured");
    CHECK_ERR(vm, "Mpc.capabilities", NULL, 0, "MPC engine not configured");
    CHECK_ERR(vm, "Mpc.field", NULL, 0, "MPC engine not configured");
    vm_free(vm);
}

/* ---- one party's VM with an engine (field operations are local) ----------------------- */

typedef struct {
    InprocHub *hub;
    MpcEngine *e;
    VM *vm;
} Solo;

static int solo_open(Solo *s, const Field *f)
{
    MpcConfig cfg = { .n = 4, .t = 1, .party = 0, .field = f, .instance_id = 7 };
    s->hub = inproc_hub_new(4, 0);
    s->e = s->hub ? mpc_engine_new(&cfg, inproc_endpoint(s->hub, 0), NULL) : NULL;
    s->vm = vm_new(NULL);
    return s->e && s->vm && vm_attach_mpc(s->vm, s->e) == ST_OK ? 0 : -1;
}

static void solo_close(Solo *s)
{
    vm_free(s->vm);
    mpc_engine_free(s->e);
    inproc_hub_free(s->hub);
}

static void field_laws(const Field *f)
{
    Solo s;
    CHECK(solo_open(&s, f) == 0);
    VM *vm = s.vm;
    uint8_t zero[32], one[32], a[32], b[32], c[32], t1[32], t2[32], t3[32], m1[32];
    Value r;
    CHECK(call(vm, "Field.zero", NULL, 0, &r) == ST_OK && as_bytes(r, zero) == 0);
    CHECK(call(vm, "Field.one", NULL, 0, &r) == ST_OK && as_bytes(r, one) == 0);
    uint8_t want_zero[32] = { 0 }, want_one[32] = { 1 };
    CHECK(memcmp(zero, want_zero, 32) == 0);
    CHECK(memcmp(one, want_one, 32) == 0);
    /* encoding: 32 bytes little-endian */
    CHECK(from_int(vm, 0x0102, a) == 0 && a[0] == 0x02 && a[1] == 0x01 && a[2] == 0);
    /* -1 is p - 1 */
    CHECK(from_int(vm, -1, m1) == 0);
    uint8_t p_le[32];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) p_le[8 * i + j] = (uint8_t)(f->p[i] >> (8 * j));
    uint8_t pm1[32];
    memcpy(pm1, p_le, 32);
    pm1[0] = (uint8_t)(pm1[0] - 1); /* p is odd: no borrow */
    CHECK(memcmp(m1, pm1, 32) == 0);
    CHECK(from_int(vm, 123456789, a) == 0 && from_int(vm, -987654321, b) == 0 && from_int(vm, 31337, c) == 0);
    /* a + b = from_int(a + b) */
    CHECK(fop(vm, "Field.add", a, b, t1) == 0 && from_int(vm, 123456789 - 987654321, t2) == 0 &&
          memcmp(t1, t2, 32) == 0);
    /* commutativity and distributivity */
    CHECK(fop(vm, "Field.mul", a, b, t1) == 0 && fop(vm, "Field.mul", b, a, t2) == 0 && memcmp(t1, t2, 32) == 0);
    CHECK(fop(vm, "Field.add", b, c, t1) == 0 && fop(vm, "Field.mul", a, t1, t2) == 0);
    CHECK(fop(vm, "Field.mul", a, b, t1) == 0 && fop(vm, "Field.mul", a, c, t3) == 0 &&
          fop(vm, "Field.add", t1, t3, t1) == 0 && memcmp(t1, t2, 32) == 0);
    /* a - a = 0, a + (-a) = 0, x * 1 = x */
    CHECK(fop(vm, "Field.sub", a, a, t1) == 0 && memcmp(t1, zero, 32) == 0);
    CHECK(fop(vm, "Field.neg", a, NULL, t1) == 0 && fop(vm, "Field.add", a, t1, t2) == 0 && memcmp(t2, zero, 32) == 0);
    CHECK(fop(vm, "Field.mul", a, one, t1) == 0 && memcmp(t1, a, 32) == 0);
    /* inverse: a * a^-1 = 1; (-1)^-1 = -1 */
    CHECK(fop(vm, "Field.inverse", a, NULL, t1) == 0 && fop(vm, "Field.mul", a, t1, t2) == 0 &&
          memcmp(t2, one, 32) == 0);
    CHECK(fop(vm, "Field.inverse", m1, NULL, t1) == 0 && memcmp(t1, m1, 32) == 0);
    Value z = bytes_val(vm, zero, 32);
    CHECK_ERR(vm, "Field.inverse", &z, 1, "field inverse is undefined for zero");
    /* predicates */
    Value args[2] = { bytes_val(vm, a, 32), bytes_val(vm, a, 32) };
    CHECK(call(vm, "Field.eq", args, 2, &r) == ST_OK && r.type == VT_BOOL && r.as.b);
    args[1] = bytes_val(vm, b, 32);
    CHECK(call(vm, "Field.eq", args, 2, &r) == ST_OK && r.type == VT_BOOL && !r.as.b);
    CHECK(call(vm, "Field.is_zero", &z, 1, &r) == ST_OK && r.type == VT_BOOL && r.as.b);
    CHECK(call(vm, "Field.is_zero", args, 1, &r) == ST_OK && r.type == VT_BOOL && !r.as.b);
    /* sqrt: sqrt(x^2) is x or -x, the same for both, in the lower half */
    CHECK(fop(vm, "Field.mul", c, c, t1) == 0 && fop(vm, "Field.sqrt", t1, NULL, t2) == 0);
    CHECK(fop(vm, "Field.neg", c, NULL, t3) == 0);
    CHECK(memcmp(t2, c, 32) == 0); /* 31337 is in the lower half */
    CHECK(fop(vm, "Field.mul", t3, t3, t1) == 0 && fop(vm, "Field.sqrt", t1, NULL, t1) == 0 && memcmp(t1, c, 32) == 0);
    CHECK(fop(vm, "Field.sqrt", zero, NULL, t1) == 0 && memcmp(t1, zero, 32) == 0);
    /* a non-residue: the first n with no root (some n <= 100 for these fields) */
    int found = 0;
    for (int64_t v = 2; v < 100 && !found; v++) {
        uint8_t x[32], sq[32];
        if (from_int(vm, v, x) != 0) break;
        if (fop(vm, "Field.sqrt", x, NULL, sq) != 0) {
            found = strstr(err_of(vm), "value is not a quadratic residue") != NULL;
        } else {
            uint8_t back[32];
            CHECK(fop(vm, "Field.mul", sq, sq, back) == 0 && memcmp(back, x, 32) == 0);
        }
    }
    CHECK_MSG(found, "no non-residue below 100 reported with upstream's error");
    /* malformed elements */
    Value shortv = bytes_val(vm, a, 31);
    CHECK_ERR(vm, "Field.neg", &shortv, 1, "deserialize field element: expected 32 bytes, got 31");
    Value pv = bytes_val(vm, p_le, 32);
    CHECK_ERR(vm, "Field.neg", &pv, 1, "deserialize field element: value is not below the field modulus");
    Value three[3] = { z, z, z };
    CHECK_ERR(vm, "Field.eq", three, 3, "Field.eq expects 2 arguments: a, b (field_bytes)");
    solo_close(&s);
}

TEST(laws_bls12_381) { field_laws(&field_bls12_381); }
TEST(laws_bn254) { field_laws(&field_bn254); }
TEST(laws_ed25519) { field_laws(&field_ed25519); }

/* Mpc.curve / Mpc.field / capabilities with an engine. */
static void names(const Field *f, const char *curve, const char *field)
{
    Solo s;
    CHECK(solo_open(&s, f) == 0);
    VM *vm = s.vm;
    Value r;
    CHECK(call(vm, "Mpc.curve", NULL, 0, &r) == ST_OK && r.type == VT_STRING);
    CHECK_STR(r.type == VT_STRING ? r.as.str->chars : "", curve);
    CHECK(call(vm, "Mpc.field", NULL, 0, &r) == ST_OK && r.type == VT_STRING);
    CHECK_STR(r.type == VT_STRING ? r.as.str->chars : "", field);
    static const struct {
        const char *name;
        bool has;
    } caps[] = {
        { "client-output", true }, { "client_output", true },  { "CLIENT-INPUT", true }, { "client_inputs", true },
        { "randomness", true },    { "random", true },         { "field-open", true },   { "field_open", true },
        { "open_field", true },    { "multiplication", true }, { " mul ", true },        { "reservation", false },
    };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        Value a = str_val(vm, caps[i].name);
        int rc = call(vm, "Mpc.has_capability", &a, 1, &r);
        CHECK_MSG(rc == ST_OK && r.type == VT_BOOL && r.as.b == caps[i].has, "has_capability(%s)", caps[i].name);
    }
    Value bad = str_val(vm, "client-outputz");
    CHECK_ERR(vm, "Mpc.has_capability", &bad, 1, "Unsupported MPC capability: client-outputz");
    Value num = val_i64(1);
    CHECK_ERR(vm, "Mpc.has_capability", &num, 1, "capability must be a string");
    /* Mpc.capabilities lists exactly the names has_capability accepts as true */
    CHECK(call(vm, "Mpc.capabilities", NULL, 0, &r) == ST_OK && r.type == VT_ARRAY);
    if (r.type == VT_ARRAY) {
        StArray *arr = r.as.arr;
        CHECK(arr->len >= 5);
        const char *want[] = { "multiplication", "client-input", "client-output", "randomness", "field-open" };
        for (size_t i = 0; i < 5; i++) {
            Value e = array_get_index(arr, (int64_t)i);
            CHECK_STR(e.type == VT_STRING ? e.as.str->chars : "", want[i]);
        }
        for (int64_t i = 0; i < arr->len; i++) {
            Value e = array_get_index(arr, i), got;
            CHECK(call(vm, "Mpc.has_capability", &e, 1, &got) == ST_OK && got.type == VT_BOOL && got.as.b);
        }
    }
    solo_close(&s);
}

TEST(mpc_names)
{
    names(&field_bls12_381, "bls12-381", "bls12-381-fr");
    names(&field_bn254, "bn254", "bn254-fr");
    names(&field_ed25519, "curve25519", "curve25519-fr");
}

/* ---- Share.random_int across 4 parties --------------------------------------------------- */

static const unsigned widths[] = { 1, 3, 8, 20, 63, 64 };
#define N_WIDTHS (sizeof widths / sizeof widths[0])
#define SAMPLES 40

/* Each party draws SAMPLES values per width and opens them; out[k] holds
 * the opened value in v[0] and its VM type in v[1]. */
static void randint_party(Node *p)
{
    VM *vm = vm_new(NULL);
    if (!vm || vm_attach_mpc(vm, p->e) != ST_OK) {
        p->rc = -1;
        snprintf(p->err, sizeof p->err, "vm setup");
        vm_free(vm);
        return;
    }
    p->nout = N_WIDTHS * SAMPLES;
    p->out = calloc(p->nout, sizeof(Fe));
    for (size_t w = 0; w < N_WIDTHS && p->rc == 0; w++) {
        for (size_t k = 0; k < SAMPLES; k++) {
            Value bits = val_i64(widths[w]), sh, v, fb;
            uint8_t b[32];
            /* open_field gives the integer itself (Share.open reads an
             * 8-, 16- or 32-bit share as a signed integer of that width) */
            if (call(vm, "Share.random_int", &bits, 1, &sh) != ST_OK || sh.type != VT_SHARE ||
                call(vm, "Share.open", &sh, 1, &v) != ST_OK || call(vm, "Share.open_field", &sh, 1, &fb) != ST_OK ||
                as_bytes(fb, b) != 0) {
                p->rc = -1;
                snprintf(p->err, sizeof p->err, "width %u: %s", widths[w], err_of(vm));
                break;
            }
            Fe *o = &p->out[w * SAMPLES + k];
            for (int j = 0; j < 8; j++) o->v[0] |= (uint64_t)b[j] << (8 * j);
            for (int j = 8; j < 32; j++) o->v[2] |= b[j];
            o->v[1] = v.type;
            o->v[3] = v.type == VT_BOOL ? v.as.b : (uint64_t)v.as.i;
        }
    }
    p->st = mpc_stats(p->e);
    vm_free(vm);
}

TEST(random_int)
{
    Sim s = { .n = 4, .t = 1, .party_fn = randint_party };
    CHECK(sim_run(&s) == 0);
    for (uint32_t i = 0; i < 4; i++) CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
    if (s.node[0].rc == 0) {
        for (size_t w = 0; w < N_WIDTHS; w++) {
            unsigned bits = widths[w];
            const Fe *v0 = &s.node[0].out[w * SAMPLES];
            int all_equal = 1, in_range = 1, agree = 1, typed = 1;
            uint64_t or_bits = 0, and_bits = ~(uint64_t)0;
            for (size_t k = 0; k < SAMPLES; k++) {
                uint64_t v = v0[k].v[0];
                all_equal &= v == v0[0].v[0];
                /* 64 bits: the whole int64 range, as field elements v or p - |v| */
                if (bits < 64) in_range &= v0[k].v[2] == 0 && v < ((uint64_t)1 << bits);
                ValueType want = bits == 1 ? VT_BOOL : bits == 8 ? VT_I8 : VT_I64;
                typed &= v0[k].v[1] == want;
                if (bits == 20 || bits == 63) typed &= v0[k].v[3] == v;
                if (bits == 1) typed &= v0[k].v[3] == v;
                for (uint32_t i = 1; i < 4; i++) agree &= s.node[i].out[w * SAMPLES + k].v[0] == v;
                if (bits == 64) v = v0[k].v[3];
                or_bits |= v;
                and_bits &= v;
            }
            CHECK_MSG(in_range, "width %u: a value is not below 2^%u", bits, bits);
            CHECK_MSG(!all_equal, "width %u: all %d values equal", bits, SAMPLES);
            CHECK_MSG(agree, "width %u: parties opened different values", bits);
            CHECK_MSG(typed, "width %u: wrong value type", bits);
            /* the top bit is used: some value has it, some lacks it */
            uint64_t top = (uint64_t)1 << (bits - 1);
            CHECK_MSG((or_bits & top) && !(and_bits & top), "width %u: top bit never varies", bits);
        }
        /* the bits come from preprocessing, one per bit of each value */
        uint64_t want = 0;
        for (size_t w = 0; w < N_WIDTHS; w++) want += (uint64_t)widths[w] * SAMPLES;
        CHECK_MSG(s.node[0].st.bits_used >= want, "bits used %llu < %llu", (unsigned long long)s.node[0].st.bits_used,
                  (unsigned long long)want);
    }
    sim_free(&s);
}

TEST(random_int_bad_width)
{
    Solo s;
    CHECK(solo_open(&s, &field_bls12_381) == 0);
    Value z = val_i64(0), big = val_i64(65), neg = val_i64(-1);
    CHECK_ERR(s.vm, "Share.random_int", &z, 1, "bit_length must be between 1 and 64, got 0");
    CHECK_ERR(s.vm, "Share.random_int", &big, 1, "bit_length must be between 1 and 64, got 65");
    CHECK_ERR(s.vm, "Share.random_int", &neg, 1, "bit_length must be a non-negative integer");
    CHECK_ERR(s.vm, "Share.random_int", NULL, 0, "Share.random_int expects 1 argument: bit_length");
    solo_close(&s);
}

/* Clear numbers to fixed point round to nearest, halves away from zero. */
TEST(fixed_rounding)
{
    int64_t v = 0;
    CHECK(fixed_from_double(0.3, 16, &v) == 0 && v == 19661);
    CHECK(fixed_from_double(-0.3, 16, &v) == 0 && v == -19661);
    CHECK(fixed_from_double(0.1, 16, &v) == 0 && v == 6554);       /* 6553.6 */
    CHECK(fixed_from_double(1.0 / 131072, 16, &v) == 0 && v == 1); /* exactly half */
    CHECK(fixed_from_double(-1.0 / 131072, 16, &v) == 0 && v == -1);
    CHECK(fixed_from_double(0.4 / 65536, 16, &v) == 0 && v == 0);
    CHECK(fixed_from_double(2.5, 0, &v) == 0 && v == 3);
    CHECK(fixed_from_double(-140737488355328.0, 16, &v) == 0 && v == INT64_MIN); /* -2^47 */
    CHECK(fixed_from_double(140737488355328.0, 16, &v) != 0);                    /* 2^47: 2^63 */
    CHECK(fixed_from_double(NAN, 16, &v) != 0);
    CHECK(fixed_from_double(INFINITY, 16, &v) != 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(no_engine);
    RUN(laws_bls12_381);
    RUN(laws_bn254);
    RUN(laws_ed25519);
    RUN(mpc_names);
    RUN(random_int);
    RUN(random_int_bad_width);
    RUN(fixed_rounding);
    return unit_report();
}
