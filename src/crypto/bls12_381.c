/* bls12_381.c: the groups G1 (over Fp) and G2 (over Fp2) of BLS12-381,
 * their zcash/IETF encodings, and upstream's hash_to_g1 (group.h). */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "crypto/fp381.h"
#include "crypto/group.h"

/* ---- G1: y^2 = x^3 + 4 over Fp --------------------------------------------- */

static const Fp B1 = { { 0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL, 0xb1d37ebee6ba24d7ULL,
                         0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL } };

/* r = 12·a by additions (cheaper than a multiplication). */
static void fp_mul12(Fp *r, const Fp *a)
{
    Fp t;
    fp_add(&t, a, a);
    fp_add(&t, &t, a);
    fp_add(&t, &t, &t);
    fp_add(r, &t, &t);
}
static void g1_mul_b3(Fp *r, const Fp *a) { fp_mul12(r, a); }
static void fp_set_zero(Fp *r) { memset(r, 0, sizeof *r); }
static void fp_set_one(Fp *r) { *r = fp_one_m; }

#define SW_F Fp
#define SW_P G1P
#define SW_FN(n) g1p_##n
#define SW_ADD fp_add
#define SW_SUB fp_sub
#define SW_MUL fp_mul
#define SW_SQR fp_sqr
#define SW_NEG fp_neg
#define SW_INV fp_inv
#define SW_MUL_B3 g1_mul_b3
#define SW_CMOV fp_cmov
#define SW_IS_ZERO fp_is_zero
#define SW_EQ fp_equal
#define SW_SET_ZERO fp_set_zero
#define SW_SET_ONE fp_set_one
#define SW_B (&B1)
#include "crypto/sw_point.h"
#undef SW_F
#undef SW_P
#undef SW_FN
#undef SW_ADD
#undef SW_SUB
#undef SW_MUL
#undef SW_SQR
#undef SW_NEG
#undef SW_INV
#undef SW_MUL_B3
#undef SW_CMOV
#undef SW_IS_ZERO
#undef SW_EQ
#undef SW_SET_ZERO
#undef SW_SET_ONE
#undef SW_B

/* ---- G2: y^2 = x^3 + 4(1 + u) over Fp2 ------------------------------------- */

static const Fp2 B2 = { { { 0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL, 0xb1d37ebee6ba24d7ULL,
                            0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL } },
                        { { 0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL, 0xb1d37ebee6ba24d7ULL,
                            0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL } } };

/* 3b = 12 + 12u: (a0 + a1 u)(12 + 12 u) = 12(a0 - a1) + 12(a0 + a1) u. */
static void g2_mul_b3(Fp2 *r, const Fp2 *a)
{
    Fp d, s;
    fp_sub(&d, &a->c0, &a->c1);
    fp_add(&s, &a->c0, &a->c1);
    fp_mul12(&r->c0, &d);
    fp_mul12(&r->c1, &s);
}
static void fp2_set_zero(Fp2 *r) { memset(r, 0, sizeof *r); }
static void fp2_set_one(Fp2 *r)
{
    r->c0 = fp_one_m;
    fp_set_zero(&r->c1);
}

#define SW_F Fp2
#define SW_P G2P
#define SW_FN(n) g2p_##n
#define SW_ADD fp2_add
#define SW_SUB fp2_sub
#define SW_MUL fp2_mul
#define SW_SQR fp2_sqr
#define SW_NEG fp2_neg
#define SW_INV fp2_inv
#define SW_MUL_B3 g2_mul_b3
#define SW_CMOV fp2_cmov
#define SW_IS_ZERO fp2_is_zero
#define SW_EQ fp2_equal
#define SW_SET_ZERO fp2_set_zero
#define SW_SET_ONE fp2_set_one
#define SW_B (&B2)
#include "crypto/sw_point.h"

_Static_assert(sizeof(G2P) <= sizeof(GroupPoint), "GroupPoint too small for G2");

/* ---- constants ---------------------------------------------------------------- */

/* Generators (Montgomery form), from the curve's specification. */
static const Fp G1X = { { 0x5cb38790fd530c16ULL, 0x7817fc679976fff5ULL, 0x154f95c7143ba1c1ULL, 0xf0ae6acdf3d0e747ULL,
                          0xedce6ecc21dbf440ULL, 0x120177419e0bfb75ULL } };
static const Fp G1Y = { { 0xbaac93d50ce72271ULL, 0x8c22631a7918fd8eULL, 0xdd595f13570725ceULL, 0x51ac582950405194ULL,
                          0x0e1c8c3fad0059c0ULL, 0x0bbc3efc5008a26aULL } };
static const Fp2 G2X = { { { 0xf5f28fa202940a10ULL, 0xb3f5fb2687b4961aULL, 0xa1a893b53e2ae580ULL, 0x9894999d1a3caee9ULL,
                             0x6f67b7631863366bULL, 0x058191924350bcd7ULL } },
                         { { 0xa5a9c0759e23f606ULL, 0xaaa0c59dbccd60c3ULL, 0x3bb17e18e2867806ULL, 0x1b1ab6cc8541b367ULL,
                             0xc2b6ed0ef2158547ULL, 0x11922a097360edf3ULL } } };
static const Fp2 G2Y = { { { 0x4c730af860494c4aULL, 0x597cfa1f5e369c5aULL, 0xe7e6856caa0a635aULL, 0xbbefb5e96e0d495fULL,
                             0x07d3a975f0ef25a2ULL, 0x0083fd8e7e80dae5ULL } },
                         { { 0xadc0fc92df64b05dULL, 0x18aa270a2b1461dcULL, 0x86adac6a3be4eba0ULL, 0x79495c4ec93da33aULL,
                             0xe7175850a43ccaedULL, 0x0b2bc2a163de1bf2ULL } } };

/* Fast subgroup checks (Bowe, eprint 2019/814; Scott, eprint 2021/1130):
 * on E(Fp), P is in G1 iff φ(P) = -x²·P with φ(X:Y:Z) = (βX:Y:Z), β the
 * cube root of unity BETA_CHECK (the GLV multiplication's BETA squared);
 * on E'(Fp2), P is in G2 iff ψ(P) = x·P with ψ the untwist-Frobenius-twist
 * (conjugate each coordinate, times PSI_X and PSI_Y).  A 128- or 64-bit multiplication instead of one by the 255-bit
 * r; the constants were checked on the generators, and test_crypto.c
 * compares the checks with multiplication by r. */
static const Fp BETA_CHECK = { { 0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL,
                                 0xc26a2ff874fd029bULL, 0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL } };
static const uint8_t X2_LE[16] = { 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                   0x02, 0xa4, 0x01, 0x00, 0x01, 0xa4, 0x45, 0xac };   /* x² */
static const uint8_t ABS_X_LE[8] = { 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0xd2 }; /* -x */
static const Fp PSI_X1 = { { 0x890dc9e4867545c3ULL, 0x2af322533285a5d5ULL, 0x50880866309b7e2cULL, 0xa20d1b8c7e881024ULL,
                             0x14e4f04fe2db9068ULL, 0x14e56d3f1564853aULL } }; /* PSI_X = PSI_X1·u */
static const Fp2 PSI_Y = { { { 0x3e2f585da55c9ad1ULL, 0x4294213d86c18183ULL, 0x382844c88b623732ULL,
                               0x92ad2afd19103e18ULL, 0x1d794e4fac7cf0b9ULL, 0x0bd592fc7d825ec8ULL } },
                           { { 0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL,
                               0xd1ca2087da74d4a7ULL, 0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL } } };

/* P in G1: φ(P) + x²·P is the identity.  Variable time: points checked
 * are public. */
static int g1p_in_subgroup(const G1P *p)
{
    G1P a, phi = *p;
    g1p_mul_vartime(&a, p, X2_LE, sizeof X2_LE);
    fp_mul(&phi.X, &phi.X, &BETA_CHECK);
    g1p_add(&a, &a, &phi);
    return g1p_is_identity(&a);
}

/* P in G2: ψ(P) + |x|·P is the identity (x < 0). */
static int g2p_in_subgroup(const G2P *p)
{
    G2P a, psi;
    Fp t;
    g2p_mul_vartime(&a, p, ABS_X_LE, sizeof ABS_X_LE);
    /* conj(X)·(PSI_X1·u) = (c0 - c1·u)·PSI_X1·u = PSI_X1·c1 + PSI_X1·c0·u */
    fp_mul(&t, &p->X.c0, &PSI_X1);
    fp_mul(&psi.X.c0, &p->X.c1, &PSI_X1);
    psi.X.c1 = t;
    psi.Y = p->Y;
    fp_neg(&psi.Y.c1, &psi.Y.c1);
    fp2_mul(&psi.Y, &psi.Y, &PSI_Y);
    psi.Z = p->Z;
    fp_neg(&psi.Z.c1, &psi.Z.c1);
    g2p_add(&a, &a, &psi);
    return g2p_is_identity(&a);
}

/* 1 - x for the curve parameter x = -0xd201000000010000: the effective
 * cofactor arkworks' G1 clear_cofactor multiplies by (eprint 2019/403 §5). */
static const uint8_t H_EFF_LE[8] = { 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0xd2 };

/* zcash flag bits in the first byte of an encoding */
#define FLAG_COMPRESSED 0x80
#define FLAG_INFINITY 0x40
#define FLAG_LARGEST 0x20

static G1P g1_table[64][16];
static G2P g2_table[64][16];
static pthread_once_t g1_once = PTHREAD_ONCE_INIT, g2_once = PTHREAD_ONCE_INIT;

static void g1_gen(G1P *r) { g1p_from_affine(r, &G1X, &G1Y); }
static void g2_gen(G2P *r) { g2p_from_affine(r, &G2X, &G2Y); }
static void g1_table_init(void)
{
    G1P g;
    g1_gen(&g);
    g1p_fixed_init(g1_table, &g);
}
static void g2_table_init(void)
{
    G2P g;
    g2_gen(&g);
    g2p_fixed_init(g2_table, &g);
}

/* ---- G1 vtable ---------------------------------------------------------------- */

static void g1_identity(GroupPoint *r) { g1p_identity((G1P *)r); }
static void g1_generator(GroupPoint *r) { g1_gen((G1P *)r); }
static int g1_add(GroupPoint *r, const GroupPoint *a, const GroupPoint *b)
{
    g1p_add((G1P *)r, (const G1P *)a, (const G1P *)b);
    return 0;
}
static int g1_neg(GroupPoint *r, const GroupPoint *a)
{
    g1p_neg((G1P *)r, (const G1P *)a);
    return 0;
}
/* ---- G1 scalar multiplication with the GLV endomorphism -------------------- *
 * On G1, phi(x, y) = (beta·x, y) for a cube root of unity beta equals
 * multiplication by lambda = z^2 - 1 (z the curve parameter), and
 * r = lambda^2 + lambda + 1.  So k = k1 + k2·lambda with k2 = k div lambda,
 * k1 = k mod lambda, both below 2^128, and k·P = k1·P + k2·phi(P): half the
 * doublings of the plain 256-bit window method (Gallant, Lambert and
 * Vanstone, CRYPTO 2001). */

static const Fp BETA = { { 0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL, 0x8eb60ebe01bacb9eULL,
                           0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL } };
static const uint64_t LAMBDA[2] = { 0x00000000ffffffffULL, 0xac45a4010001a402ULL };

/* k (reduced mod r, 4 limbs) = k1 + k2·lambda, by a constant-time
 * shift-and-subtract division: every step does the same operations. */
static void glv_split(const uint64_t k[4], uint64_t k1[2], uint64_t k2[2])
{
    uint64_t r0 = 0, r1 = 0, r2 = 0, q[4] = { 0 };
    for (int i = 255; i >= 0; i--) {
        uint64_t bit = (k[i / 64] >> (i % 64)) & 1;
        r2 = (r2 << 1) | (r1 >> 63);
        r1 = (r1 << 1) | (r0 >> 63);
        r0 = (r0 << 1) | bit;
        uint64_t b = 0, d0, d1, d2;
        __extension__ unsigned __int128 t = (unsigned __int128)r0 - LAMBDA[0];
        d0 = (uint64_t)t;
        b = (uint64_t)(t >> 64) & 1;
        t = (unsigned __int128)r1 - LAMBDA[1] - b;
        d1 = (uint64_t)t;
        b = (uint64_t)(t >> 64) & 1;
        t = (unsigned __int128)r2 - b;
        d2 = (uint64_t)t;
        b = (uint64_t)(t >> 64) & 1;
        uint64_t ge = b ^ 1, m = (uint64_t)0 - ge;
        __asm__("" : "+r"(m));
        r0 = (d0 & m) | (r0 & ~m);
        r1 = (d1 & m) | (r1 & ~m);
        r2 = (d2 & m) | (r2 & ~m);
        q[i / 64] |= ge << (i % 64);
    }
    k1[0] = r0;
    k1[1] = r1;
    k2[0] = q[0];
    k2[1] = q[1];
}

static unsigned nibble128(const uint64_t v[2], int w) { return (unsigned)(v[w / 16] >> (4 * (w % 16))) & 15; }

static int g1_mul(GroupPoint *gr, const GroupPoint *gp, const uint8_t k[32])
{
    const G1P *p = (const G1P *)gp;
    uint8_t kr[32];
    uint64_t kl[4], k1[2], k2[2];
    group_scalar_reduce(&group_bls12_381_g1, kr, k, 32);
    for (int i = 0; i < 4; i++) {
        kl[i] = 0;
        for (int j = 7; j >= 0; j--) kl[i] = (kl[i] << 8) | kr[8 * i + j];
    }
    glv_split(kl, k1, k2);
    G1P t1[16], t2[16], acc, sel;
    g1p_identity(&t1[0]);
    t1[1] = *p;
    for (int i = 2; i < 16; i++) g1p_add(&t1[i], &t1[i - 1], p);
    for (int i = 0; i < 16; i++) {
        t2[i] = t1[i];
        fp_mul(&t2[i].X, &t1[i].X, &BETA); /* phi on projective points */
    }
    g1p_identity(&acc);
    for (int w = 31; w >= 0; w--) {
        for (int d = 0; d < 4; d++) g1p_dbl(&acc, &acc);
        g1p_select(&sel, t1, nibble128(k1, w));
        g1p_add(&acc, &acc, &sel);
        g1p_select(&sel, t2, nibble128(k2, w));
        g1p_add(&acc, &acc, &sel);
    }
    *(G1P *)gr = acc;
    sodium_memzero(kr, sizeof kr);
    sodium_memzero(kl, sizeof kl);
    sodium_memzero(k1, sizeof k1);
    sodium_memzero(k2, sizeof k2);
    return 0;
}
static int g1_mul_vt(GroupPoint *r, const GroupPoint *p, const uint8_t *k, size_t klen)
{
    g1p_mul_vartime((G1P *)r, (const G1P *)p, k, klen);
    return 0;
}
static int g1_mul_base(GroupPoint *r, const uint8_t k[32])
{
    pthread_once(&g1_once, g1_table_init);
    g1p_mul_fixed((G1P *)r, g1_table, k);
    return 0;
}
static int g1_equal(const GroupPoint *a, const GroupPoint *b) { return g1p_equal((const G1P *)a, (const G1P *)b); }
static int g1_is_identity(const GroupPoint *a) { return g1p_is_identity((const G1P *)a); }

static void g1_write(const G1P *p, uint8_t *out, int compressed)
{
    size_t len = compressed ? 48 : 96;
    memset(out, 0, len);
    if (g1p_is_identity(p)) { /* encodings are public */
        out[0] = compressed ? FLAG_COMPRESSED | FLAG_INFINITY : FLAG_INFINITY;
        return;
    }
    Fp x, y;
    g1p_to_affine(&x, &y, p);
    fp_to_be(out, &x);
    if (compressed)
        out[0] |= (uint8_t)(FLAG_COMPRESSED | (fp_lex_largest(&y) ? FLAG_LARGEST : 0));
    else
        fp_to_be(out + 48, &y);
}
static int g1_encode(const GroupPoint *p, uint8_t *out)
{
    g1_write((const G1P *)p, out, 1);
    return 0;
}
static int g1_encode_unc(const GroupPoint *p, uint8_t *out)
{
    g1_write((const G1P *)p, out, 0);
    return 0;
}

/* Checks the flag bits of a zcash encoding of len bytes (compressed when
 * len is the compressed length); returns 1 for the identity, 0 for a
 * finite point, -1 on error. */
static int check_flags(const uint8_t *in, size_t len, int compressed, char *err, size_t errlen)
{
    uint8_t f = in[0];
    if (!!(f & FLAG_COMPRESSED) != compressed)
        return group_fail(err, errlen,
                          compressed ? "compression flag not set in a compressed encoding"
                                     : "compression flag set in an uncompressed encoding");
    if (!compressed && (f & FLAG_LARGEST)) return group_fail(err, errlen, "sort flag set in an uncompressed encoding");
    if (f & FLAG_INFINITY) {
        if (f & FLAG_LARGEST) return group_fail(err, errlen, "sort flag set on the point at infinity");
        uint8_t acc = f & 0x1f;
        for (size_t i = 1; i < len; i++) acc |= in[i];
        if (acc) return group_fail(err, errlen, "point at infinity with non-zero coordinate bits");
        return 1;
    }
    return 0;
}

static int g1_decode(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    if (len != 48 && len != 96) return group_fail(err, errlen, "BLS12-381 G1 point must be 48 or 96 bytes");
    int compressed = len == 48;
    int inf = check_flags(in, len, compressed, err, errlen);
    if (inf < 0) return -1;
    if (inf) {
        g1p_identity((G1P *)r);
        return 0;
    }
    uint8_t buf[48];
    memcpy(buf, in, 48);
    buf[0] &= 0x1f;
    Fp x, y;
    if (fp_from_be(&x, buf) != 0) return group_fail(err, errlen, "x coordinate is not below the field modulus");
    if (compressed) {
        Fp rhs;
        fp_sqr(&rhs, &x);
        fp_mul(&rhs, &rhs, &x);
        fp_add(&rhs, &rhs, &B1);
        if (!fp_sqrt(&y, &rhs)) return group_fail(err, errlen, "not on the curve (no point has this x)");
        if (fp_lex_largest(&y) != !!(in[0] & FLAG_LARGEST)) fp_neg(&y, &y);
    } else {
        if (fp_from_be(&y, in + 48) != 0) return group_fail(err, errlen, "y coordinate is not below the field modulus");
        if (!g1p_affine_on_curve(&x, &y)) return group_fail(err, errlen, "not on the curve");
    }
    G1P p;
    g1p_from_affine(&p, &x, &y);
    if (!g1p_in_subgroup(&p)) return group_fail(err, errlen, "not in the prime-order subgroup");
    *(G1P *)r = p;
    return 0;
}

static int g1_decode_compressed(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    if (len != 48) return group_fail(err, errlen, "BLS12-381 G1 point must be 48 bytes (compressed)");
    return g1_decode(r, in, len, err, errlen);
}

/* Upstream's Crypto.hash_to_g1 (try and increment, not RFC 9380): for
 * counter = 0, 1, ... 255, x = SHA-256(msg || counter as u32 little-endian)
 * as a big-endian integer mod p; the first x with a point takes the smaller
 * of the two y (arkworks' get_point_from_x_unchecked(x, false)), and the
 * point is multiplied by the effective cofactor 1 - x_BLS. */
static int g1_hash(GroupPoint *r, const uint8_t *msg, size_t len, char *err, size_t errlen)
{
    crypto_hash_sha256_state st0;
    crypto_hash_sha256_init(&st0);
    crypto_hash_sha256_update(&st0, msg, len);
    for (uint32_t counter = 0; counter < 256; counter++) {
        crypto_hash_sha256_state st = st0;
        uint8_t ctr[4] = { (uint8_t)counter, (uint8_t)(counter >> 8), (uint8_t)(counter >> 16),
                           (uint8_t)(counter >> 24) };
        uint8_t h[32];
        crypto_hash_sha256_update(&st, ctr, sizeof ctr);
        crypto_hash_sha256_final(&st, h);
        Fp x, y, rhs;
        fp_from_be_mod(&x, h, sizeof h);
        fp_sqr(&rhs, &x);
        fp_mul(&rhs, &rhs, &x);
        fp_add(&rhs, &rhs, &B1);
        if (!fp_sqrt(&y, &rhs)) continue;
        if (fp_lex_largest(&y)) fp_neg(&y, &y);
        G1P p;
        g1p_from_affine(&p, &x, &y);
        g1p_mul_vartime(&p, &p, H_EFF_LE, sizeof H_EFF_LE);
        if (g1p_is_identity(&p)) continue;
        *(G1P *)r = p;
        return 0;
    }
    return group_fail(err, errlen, "hash_to_g1: failed to find valid point after 256 attempts");
}

/* ---- G2 vtable ---------------------------------------------------------------- */

static void g2_identity(GroupPoint *r) { g2p_identity((G2P *)r); }
static void g2_generator(GroupPoint *r) { g2_gen((G2P *)r); }
static int g2_add(GroupPoint *r, const GroupPoint *a, const GroupPoint *b)
{
    g2p_add((G2P *)r, (const G2P *)a, (const G2P *)b);
    return 0;
}
static int g2_neg(GroupPoint *r, const GroupPoint *a)
{
    g2p_neg((G2P *)r, (const G2P *)a);
    return 0;
}
static int g2_mul(GroupPoint *r, const GroupPoint *p, const uint8_t k[32])
{
    g2p_mul_ct((G2P *)r, (const G2P *)p, k);
    return 0;
}
static int g2_mul_vt(GroupPoint *r, const GroupPoint *p, const uint8_t *k, size_t klen)
{
    g2p_mul_vartime((G2P *)r, (const G2P *)p, k, klen);
    return 0;
}
static int g2_mul_base(GroupPoint *r, const uint8_t k[32])
{
    pthread_once(&g2_once, g2_table_init);
    g2p_mul_fixed((G2P *)r, g2_table, k);
    return 0;
}
static int g2_equal(const GroupPoint *a, const GroupPoint *b) { return g2p_equal((const G2P *)a, (const G2P *)b); }
static int g2_is_identity(const GroupPoint *a) { return g2p_is_identity((const G2P *)a); }

/* An Fp2 element is written c1 || c0, each 48 bytes big-endian. */
static void fp2_to_be(uint8_t out[96], const Fp2 *a)
{
    fp_to_be(out, &a->c1);
    fp_to_be(out + 48, &a->c0);
}

static int fp2_from_be(Fp2 *r, const uint8_t in[96]) { return fp_from_be(&r->c1, in) | fp_from_be(&r->c0, in + 48); }

static void g2_write(const G2P *p, uint8_t *out, int compressed)
{
    size_t len = compressed ? 96 : 192;
    memset(out, 0, len);
    if (g2p_is_identity(p)) {
        out[0] = compressed ? FLAG_COMPRESSED | FLAG_INFINITY : FLAG_INFINITY;
        return;
    }
    Fp2 x, y;
    g2p_to_affine(&x, &y, p);
    fp2_to_be(out, &x);
    if (compressed)
        out[0] |= (uint8_t)(FLAG_COMPRESSED | (fp2_lex_largest(&y) ? FLAG_LARGEST : 0));
    else
        fp2_to_be(out + 96, &y);
}
static int g2_encode(const GroupPoint *p, uint8_t *out)
{
    g2_write((const G2P *)p, out, 1);
    return 0;
}
static int g2_encode_unc(const GroupPoint *p, uint8_t *out)
{
    g2_write((const G2P *)p, out, 0);
    return 0;
}

static int g2_decode(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    if (len != 96 && len != 192) return group_fail(err, errlen, "BLS12-381 G2 point must be 96 or 192 bytes");
    int compressed = len == 96;
    int inf = check_flags(in, len, compressed, err, errlen);
    if (inf < 0) return -1;
    if (inf) {
        g2p_identity((G2P *)r);
        return 0;
    }
    uint8_t buf[96];
    memcpy(buf, in, 96);
    buf[0] &= 0x1f;
    Fp2 x, y;
    if (fp2_from_be(&x, buf) != 0) return group_fail(err, errlen, "x coordinate is not below the field modulus");
    if (compressed) {
        Fp2 rhs;
        fp2_sqr(&rhs, &x);
        fp2_mul(&rhs, &rhs, &x);
        fp2_add(&rhs, &rhs, &B2);
        if (!fp2_sqrt_vartime(&y, &rhs)) return group_fail(err, errlen, "not on the curve (no point has this x)");
        if (fp2_lex_largest(&y) != !!(in[0] & FLAG_LARGEST)) fp2_neg(&y, &y);
    } else {
        if (fp2_from_be(&y, in + 96) != 0)
            return group_fail(err, errlen, "y coordinate is not below the field modulus");
        if (!g2p_affine_on_curve(&x, &y)) return group_fail(err, errlen, "not on the curve");
    }
    G2P p;
    g2p_from_affine(&p, &x, &y);
    if (!g2p_in_subgroup(&p)) return group_fail(err, errlen, "not in the prime-order subgroup");
    *(G2P *)r = p;
    return 0;
}

static int g2_decode_compressed(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    if (len != 96) return group_fail(err, errlen, "BLS12-381 G2 point must be 96 bytes (compressed)");
    return g2_decode(r, in, len, err, errlen);
}

const Group group_bls12_381_g1 = {
    .name = "bls12-381-g1",
    .scalar_field = &field_bls12_381,
    .enc_len = 48,
    .enc_uncompressed_len = 96,
    .ark_len = 48,
    .identity = g1_identity,
    .generator = g1_generator,
    .add = g1_add,
    .neg = g1_neg,
    .mul = g1_mul,
    .mul_base = g1_mul_base,
    .equal = g1_equal,
    .is_identity = g1_is_identity,
    .encode = g1_encode,
    .encode_uncompressed = g1_encode_unc,
    .decode = g1_decode,
    .encode_ark = g1_encode,
    .decode_ark = g1_decode_compressed,
    .hash_to_group = g1_hash,
    .mul_vartime = g1_mul_vt,
};

const Group group_bls12_381_g2 = {
    .name = "bls12-381-g2",
    .scalar_field = &field_bls12_381,
    .enc_len = 96,
    .enc_uncompressed_len = 192,
    .ark_len = 96,
    .identity = g2_identity,
    .generator = g2_generator,
    .add = g2_add,
    .neg = g2_neg,
    .mul = g2_mul,
    .mul_base = g2_mul_base,
    .equal = g2_equal,
    .is_identity = g2_is_identity,
    .encode = g2_encode,
    .encode_uncompressed = g2_encode_unc,
    .decode = g2_decode,
    .encode_ark = g2_encode,
    .decode_ark = g2_decode_compressed,
    .hash_to_group = NULL,
    .mul_vartime = g2_mul_vt,
};
