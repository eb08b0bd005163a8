/* field_batch.c: the batch API of field.h (vectors of multiplications)
 * and the run-time choice of its routine: AVX-512 IFMA (field_ifma.c, eight
 * products at once) when the CPU and the OS support it, else a loop over
 * fe_mul (MULX/ADX or portable, as fe_mul chose). */
#include "mpc/field_batch_internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#if FE_HAVE_IFMA_PATH
#include <cpuid.h>
#endif

static int fe_use_ifma_;

static int env_set(const char *name)
{
    const char *e = getenv(name);
    return e && *e && strcmp(e, "0") != 0;
}

#if FE_HAVE_IFMA_PATH
/* AVX512F (leaf 7 EBX bit 16), AVX512_IFMA (bit 21) and AVX512VL (bit 31),
 * and the OS saving the opmask and zmm state (XCR0 bits 1, 2, 5, 6, 7,
 * readable when CPUID.1:ECX.OSXSAVE, bit 27, is set). */
static int cpu_has_ifma(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c >> 27 & 1u)) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xe6u) != 0xe6u) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 16 & 1u) && (b >> 21 & 1u) && (b >> 31 & 1u);
}
#else
static int cpu_has_ifma(void) { return 0; }
#endif

/* Runs at load time, before any thread exists. */
__attribute__((constructor)) static void fe_pick_batch(void)
{
    fe_use_ifma_ = cpu_has_ifma() && !env_set("STOFFEL_FIELD_PORTABLE") && !env_set("STOFFEL_FIELD_NO_IFMA");
}

int fe_batch_ifma_available(void) { return cpu_has_ifma(); }

int fe_batch_impl(void) { return fe_use_ifma_; }

int fe_batch_set_impl(int ifma)
{
    if (ifma && !cpu_has_ifma()) return -1;
    fe_use_ifma_ = ifma != 0;
    return 0;
}

/* out[i] = a[i]·(b[i] | *s | a[i]) (+ c[i]). */
static void batch(const Field *f, Fe *out, const Fe *a, const Fe *b, const Fe *s, const Fe *c, size_t n)
{
#if FE_HAVE_IFMA_PATH
    if (fe_use_ifma_) {
        if (n) fe_ifma_batch_(f, out, a, b, s, c, n);
        return;
    }
#endif
    for (size_t i = 0; i < n; i++) {
        Fe t;
        fe_mul(f, &t, &a[i], b ? &b[i] : s ? s : &a[i]);
        if (c) fe_add(f, &t, &t, &c[i]);
        out[i] = t;
    }
}

void fe_mul_batch(const Field *f, Fe *out, const Fe *a, const Fe *b, size_t n) { batch(f, out, a, b, NULL, NULL, n); }

void fe_sqr_batch(const Field *f, Fe *out, const Fe *a, size_t n) { batch(f, out, a, NULL, NULL, NULL, n); }

void fe_mul_scalar_batch(const Field *f, Fe *out, const Fe *a, const Fe *s, size_t n)
{
    batch(f, out, a, NULL, s, NULL, n);
}

void fe_muladd_batch(const Field *f, Fe *out, const Fe *a, const Fe *b, const Fe *c, size_t n)
{
    batch(f, out, a, b, NULL, c, n);
}

void fe_muladd_scalar_batch(const Field *f, Fe *out, const Fe *a, const Fe *s, const Fe *c, size_t n)
{
    batch(f, out, a, NULL, s, c, n);
}

void fe_dot_add_shifted_(uint64_t acc[9], unsigned __int128 x, unsigned shift)
{
    unsigned q = shift / 64, r = shift % 64;
    uint64_t w[3] = { (uint64_t)(x << r), (uint64_t)(x >> (64 - r)), r ? (uint64_t)(x >> (128 - r)) : 0 };
    unsigned __int128 carry = 0;
    for (unsigned i = q; i < 9; i++) {
        carry += (unsigned __int128)acc[i] + (i - q < 3 ? w[i - q] : 0);
        acc[i] = (uint64_t)carry;
        carry >>= 64;
    }
}

void fe_dot_small(const Field *f, Fe *out, const Fe *v, const uint64_t *c52, size_t stride, size_t n)
{
    uint64_t acc[9] = { 0 };
#if FE_HAVE_IFMA_PATH
    if (fe_use_ifma_) {
        fe_ifma_dot_(v, c52, stride, n, acc);
        goto done;
    }
#endif
    /* six 128-bit column sums of 64-bit halves of products, radix 2^64;
     * at most 4n terms of < 2^64 each per column */
    unsigned __int128 col[6] = { 0 };
    for (size_t k = 0; k < n; k++) {
        uint64_t c0 = c52[k], c1 = c52[stride + k], c2 = c52[2 * stride + k];
        uint64_t c[2] = { c0 | c1 << 52, c1 >> 12 | c2 << 40 };
        for (int j = 0; j < 2; j++)
            for (int i = 0; i < 4; i++) {
                unsigned __int128 p = (unsigned __int128)v[k].v[i] * c[j];
                col[i + j] += (uint64_t)p;
                col[i + j + 1] += (uint64_t)(p >> 64);
            }
    }
    for (unsigned i = 0; i < 6; i++) fe_dot_add_shifted_(acc, col[i], 64 * i);
    sodium_memzero(col, sizeof col);
#if FE_HAVE_IFMA_PATH
done :
#endif
{
    uint8_t b[64];
    for (int i = 0; i < 64; i++) b[i] = (uint8_t)(acc[i / 8] >> (8 * (i % 8))); /* acc[8] = 0: below 2^448 */
    fe_reduce64(f, out, b);
    sodium_memzero(b, sizeof b);
    sodium_memzero(acc, sizeof acc);
}
}

/* Lanes of the wide batch inversion: 16 independent prefix products, so
 * each step is one batch call of two full vectors. */
#define INV_LANES 16

int fe_batch_inv_wide_(const Field *f, Fe *out, const Fe *in, size_t n)
{
    /* Montgomery's trick per lane l (the inputs i ≡ l mod 16).  Forward:
     * out[i] = product of the earlier inputs of i's lane. */
    Fe acc[INV_LANES], inv[INV_LANES], pre[INV_LANES + 1], t[INV_LANES], all;
    for (int l = 0; l < INV_LANES; l++) fe_one(f, &acc[l]);
    for (size_t i = 0; i < n; i += INV_LANES) {
        size_t m = n - i < INV_LANES ? n - i : INV_LANES;
        memcpy(out + i, acc, m * sizeof *acc);
        fe_mul_batch(f, acc, acc, in + i, m);
    }
    /* one inversion for all lanes, then each lane's inverse as
     * all^-1 · (product of the lanes before) · (product of those after) */
    fe_one(f, &pre[0]);
    for (int l = 0; l < INV_LANES; l++) fe_mul(f, &pre[l + 1], &pre[l], &acc[l]);
    int bad = fe_is_zero(&pre[INV_LANES]);
    fe_inv(f, &all, &pre[INV_LANES]);
    for (int l = INV_LANES; l-- > 0;) {
        fe_mul(f, &inv[l], &all, &pre[l]);
        fe_mul(f, &all, &all, &acc[l]);
    }
    /* Backward, a row of lanes at a time: inv[l] is the inverse of the
     * lane's inputs up to the current row. */
    size_t rows = (n + INV_LANES - 1) / INV_LANES;
    for (size_t r = rows; r-- > 0;) {
        size_t i = r * INV_LANES, m = n - i < INV_LANES ? n - i : INV_LANES;
        fe_mul_batch(f, t, inv, out + i, m);
        fe_mul_batch(f, inv, inv, in + i, m);
        memcpy(out + i, t, m * sizeof *t);
    }
    sodium_memzero(acc, sizeof acc);
    sodium_memzero(inv, sizeof inv);
    sodium_memzero(pre, sizeof pre);
    sodium_memzero(t, sizeof t);
    sodium_memzero(&all, sizeof all);
    return bad ? -1 : 0;
}

void fe_pow_batch(const Field *f, Fe *out, const Fe *a, const uint64_t e[4], size_t n)
{
    /* The same fixed 4-bit window as fe_pow, 32 elements at a
     * time: the exponent is public, so every element takes the same table
     * row and the squarings and multiplications are batch calls. */
    enum { CHUNK = 32 };
    Fe tab[16][CHUNK], acc[CHUNK];
    int top = 63;
    while (top >= 0 && ((e[top / 16] >> (4 * (top % 16))) & 15) == 0) top--;
    for (size_t i0 = 0; i0 < n; i0 += CHUNK) {
        size_t m = n - i0 < CHUNK ? n - i0 : CHUNK;
        memcpy(tab[1], a + i0, m * sizeof(Fe));
        for (int k = 2; k < 16; k++) fe_mul_batch(f, tab[k], tab[k - 1], tab[1], m);
        if (top < 0) {
            for (size_t j = 0; j < m; j++) fe_one(f, &acc[j]);
        } else {
            unsigned nib = (unsigned)(e[top / 16] >> (4 * (top % 16))) & 15; /* not 0 */
            memcpy(acc, tab[nib], m * sizeof(Fe));
        }
        for (int i = top - 1; i >= 0; i--) {
            for (int k = 0; k < 4; k++) fe_sqr_batch(f, acc, acc, m);
            unsigned nib = (unsigned)(e[i / 16] >> (4 * (i % 16))) & 15;
            if (nib) fe_mul_batch(f, acc, acc, tab[nib], m);
        }
        memcpy(out + i0, acc, m * sizeof(Fe));
    }
    sodium_memzero(tab, sizeof tab);
    sodium_memzero(acc, sizeof acc);
}
