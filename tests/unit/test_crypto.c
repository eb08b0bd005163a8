/* test_crypto.c: the curve groups of src/crypto/.
 *
 * Without arguments: BLS12-381 Fp/Fp2 arithmetic against GMP, the group
 * laws of every group, both encodings round trip, invalid encodings are
 * rejected with their reason, upstream's hash_to_g1 properties.
 *
 * With `--vectors FILE`: checks vectors made by independent implementations
 * (tests/oracle/: @noble/curves under node, python3-cryptography), one per
 * line, as tests/run.py's crypto/oracle section does:
 *   mulg GROUP K_LE_HEX STD_HEX        k·generator, standard encoding
 *   mulp GROUP P_STD K_LE_HEX STD_HEX  k·P
 *   add GROUP P_STD Q_STD STD_HEX      P + Q
 *   ark GROUP P_STD ARK_HEX            upstream's (arkworks) encoding of P
 *   unc GROUP P_STD UNCOMPRESSED_HEX   the uncompressed standard encoding
 *   h2g1 bls12-381-g1 MSG_HEX STD_HEX  upstream's hash_to_g1 ("-": empty message) */
#include <gmp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "crypto/curve.h"
#include "crypto/fp381.h"
#include "crypto/group.h"
#include "unit.h"

static const char *P_HEX =
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab";

static const Group *const ALL[] = { &group_bls12_381_g1, &group_bls12_381_g2, &group_bn254_g1,
                                    &group_ed25519,      &group_secp256k1,    &group_p256 };

static void fp_to_mpz(mpz_t r, const Fp *a)
{
    uint8_t be[48];
    fp_to_be(be, a);
    mpz_import(r, 48, 1, 1, 1, 0, be);
}

static void random_fp(Fp *r)
{
    uint8_t b[64];
    randombytes_buf(b, sizeof b);
    fp_from_be_mod(r, b, sizeof b);
}

TEST(fp_against_gmp)
{
    mpz_t p, a, b, c, t;
    mpz_inits(p, a, b, c, t, NULL);
    mpz_set_str(p, P_HEX, 16);
    int bad = 0;
    for (int i = 0; i < 2000 && !bad; i++) {
        Fp x, y, z;
        random_fp(&x);
        random_fp(&y);
        fp_to_mpz(a, &x);
        fp_to_mpz(b, &y);
        fp_mul(&z, &x, &y);
        fp_to_mpz(c, &z);
        mpz_mul(t, a, b);
        mpz_mod(t, t, p);
        bad |= mpz_cmp(t, c) != 0;
        fp_add(&z, &x, &y);
        fp_to_mpz(c, &z);
        mpz_add(t, a, b);
        mpz_mod(t, t, p);
        bad |= mpz_cmp(t, c) != 0;
        fp_sub(&z, &x, &y);
        fp_to_mpz(c, &z);
        mpz_sub(t, a, b);
        mpz_mod(t, t, p);
        bad |= mpz_cmp(t, c) != 0;
        if (i % 50 == 0) {
            fp_inv(&z, &x);
            fp_to_mpz(c, &z);
            mpz_invert(t, a, p);
            bad |= mpz_cmp(t, c) != 0;
            Fp s, s2;
            fp_sqr(&s2, &x);
            CHECK(fp_sqrt(&s, &s2) == 1);
            fp_sqr(&s, &s);
            CHECK(fp_equal(&s, &s2));
            bad |= (mpz_legendre(a, p) == 1) != fp_sqrt(&s, &x);
        }
        uint8_t be[48];
        fp_to_be(be, &x);
        bad |= fp_from_be(&z, be) != 0 || !fp_equal(&z, &x);
    }
    CHECK(!bad);
    /* p itself and the all-ones string are not canonical */
    uint8_t be[48];
    mpz_export(be, NULL, 1, 1, 1, 0, p);
    Fp z;
    CHECK(fp_from_be(&z, be) == -1);
    memset(be, 0xff, sizeof be);
    CHECK(fp_from_be(&z, be) == -1);
    mpz_clears(p, a, b, c, t, NULL);
}

TEST(fp2_laws)
{
    for (int i = 0; i < 50; i++) {
        Fp2 a, b, c, t, u;
        random_fp(&a.c0);
        random_fp(&a.c1);
        random_fp(&b.c0);
        random_fp(&b.c1);
        fp2_mul(&c, &a, &b);
        fp2_inv(&t, &b);
        fp2_mul(&u, &c, &t);
        CHECK(fp2_equal(&u, &a));
        fp2_sqr(&t, &a);
        fp2_mul(&u, &a, &a);
        CHECK(fp2_equal(&t, &u));
        Fp2 s;
        CHECK(fp2_sqrt_vartime(&s, &t));
        fp2_sqr(&s, &s);
        CHECK(fp2_equal(&s, &t));
    }
}

static void random_scalar(const Group *g, uint8_t k[32])
{
    uint8_t w[64];
    randombytes_buf(w, sizeof w);
    group_scalar_reduce(g, k, w, sizeof w);
}

static void scalar_add(const Group *g, uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    Fe x, y;
    fe_from_bytes(g->scalar_field, &x, a);
    fe_from_bytes(g->scalar_field, &y, b);
    fe_add(g->scalar_field, &x, &x, &y);
    fe_to_bytes(g->scalar_field, r, &x);
}

TEST(group_laws)
{
    for (size_t gi = 0; gi < sizeof ALL / sizeof ALL[0]; gi++) {
        const Group *g = ALL[gi];
        unit_current = g->name;
        GroupPoint G, O, A, B, C, D;
        uint8_t a[32], b[32], ab[32], zero[32] = { 0 };
        g->generator(&G);
        g->identity(&O);
        CHECK(g->is_identity(&O) && !g->is_identity(&G));
        for (int i = 0; i < 3; i++) {
            random_scalar(g, a);
            random_scalar(g, b);
            scalar_add(g, ab, a, b);
            CHECK(g->mul_base(&A, a) == 0 && g->mul(&C, &G, a) == 0);
            CHECK(g->equal(&A, &C));
            CHECK(g->mul_base(&B, b) == 0 && g->add(&C, &A, &B) == 0 && g->mul_base(&D, ab) == 0);
            CHECK(g->equal(&C, &D));                                                     /* aG + bG = (a+b)G */
            CHECK(g->add(&D, &B, &A) == 0 && g->equal(&C, &D));                          /* commutative */
            CHECK(g->mul(&C, &A, b) == 0 && g->mul(&D, &B, a) == 0 && g->equal(&C, &D)); /* b(aG) = a(bG) */
            CHECK(g->add(&C, &A, &A) == 0);
            uint8_t two[32] = { 2 };
            CHECK(g->mul(&D, &A, two) == 0 && g->equal(&C, &D)); /* doubling */
            CHECK(g->neg(&C, &A) == 0 && g->add(&D, &A, &C) == 0 && g->is_identity(&D));
            CHECK(g->add(&D, &A, &O) == 0 && g->equal(&D, &A));
            CHECK(g->mul(&D, &A, zero) == 0 && g->is_identity(&D));
            CHECK(g->mul(&D, &O, a) == 0 && g->is_identity(&D));
            /* encodings round trip */
            uint8_t enc[GROUP_MAX_ENC];
            char err[128];
            CHECK(g->encode(&A, enc) == 0 && g->decode(&D, enc, g->enc_len, err, sizeof err) == 0 && g->equal(&D, &A));
            CHECK(g->encode_ark(&A, enc) == 0 && g->decode_ark(&D, enc, g->ark_len, err, sizeof err) == 0 &&
                  g->equal(&D, &A));
            CHECK(g->encode_ark(&C, enc) == 0 && g->decode_ark(&D, enc, g->ark_len, err, sizeof err) == 0 &&
                  g->equal(&D, &C));
            if (g->enc_uncompressed_len) {
                CHECK(g->encode_uncompressed(&A, enc) == 0 &&
                      g->decode(&D, enc, g->enc_uncompressed_len, err, sizeof err) == 0 && g->equal(&D, &A));
            }
        }
        /* the order annihilates the generator: (r-1)·G + G = O */
        uint8_t rm1[32];
        Fe m1;
        fe_from_i64(g->scalar_field, &m1, -1);
        fe_to_bytes(g->scalar_field, rm1, &m1);
        CHECK(g->mul_base(&A, rm1) == 0 && g->add(&A, &A, &G) == 0 && g->is_identity(&A));
        CHECK(g->mul(&A, &G, rm1) == 0 && g->add(&A, &A, &G) == 0 && g->is_identity(&A));
        /* the identity round trips */
        uint8_t enc[GROUP_MAX_ENC];
        char err[128];
        CHECK(g->encode(&O, enc) == 0 && g->decode(&D, enc, g->enc_len, err, sizeof err) == 0 && g->is_identity(&D));
        CHECK(g->encode_ark(&O, enc) == 0 && g->decode_ark(&D, enc, g->ark_len, err, sizeof err) == 0 &&
              g->is_identity(&D));
        /* wrong length */
        CHECK(g->decode(&D, enc, g->enc_len - 1, err, sizeof err) == -1 && strstr(err, "bytes"));
    }
    unit_current = "group_laws";
}

static int decode_hex(uint8_t *out, size_t max, const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > max) return -1;
    return sodium_hex2bin(out, max, hex, n, NULL, len, NULL);
}

/* Expects decode to fail with a message containing want. */
static void expect_reject(const Group *g, const char *hex, const char *want)
{
    uint8_t b[GROUP_MAX_ENC];
    size_t n;
    char err[160] = "";
    GroupPoint p;
    CHECK(decode_hex(b, sizeof b, hex, &n) == 0);
    int rc = g->decode(&p, b, n, err, sizeof err);
    CHECK_MSG(rc == -1 && strstr(err, want), "%s: %s -> rc %d, '%s' (want '%s')", g->name, hex, rc, err, want);
}

TEST(invalid_encodings)
{
    const Group *g1 = &group_bls12_381_g1, *g2 = &group_bls12_381_g2;
    uint8_t enc[GROUP_MAX_ENC];
    char hex[2 * GROUP_MAX_ENC + 1];
    GroupPoint G;
    g1->generator(&G);
    g1->encode(&G, enc);
    /* compressed flag cleared */
    enc[0] &= 0x7f;
    sodium_bin2hex(hex, sizeof hex, enc, 48);
    expect_reject(g1, hex, "compression flag not set");
    /* x = p (not canonical) */
    expect_reject(g1,
                  "9a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
                  "not below the field modulus");
    /* infinity with extra bits; infinity with the sort flag */
    expect_reject(g1,
                  "c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
                  "non-zero coordinate bits");
    expect_reject(g1,
                  "e00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
                  "sort flag");
    /* x = 1: x^3 + 4 = 5 is not a square mod p */
    expect_reject(g1,
                  "800000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
                  "not on the curve");
    /* x = 0: y^2 = 4 is on the curve but (0, 2) has order 3, outside the subgroup */
    expect_reject(g1,
                  "800000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
                  "not in the prime-order subgroup");
    /* uncompressed generator with its y changed is off the curve */
    g1->encode_uncompressed(&G, enc);
    enc[95] ^= 1;
    sodium_bin2hex(hex, sizeof hex, enc, 96);
    expect_reject(g1, hex, "not on the curve");
    /* G2: an x with a point outside the subgroup (found by search below) */
    {
        uint8_t b[96] = { 0 };
        GroupPoint p;
        char err[160] = "";
        int found = 0;
        for (int x = 1; x < 64 && !found; x++) {
            b[0] = 0x80;
            b[95] = (uint8_t)x;
            if (g2->decode(&p, b, 96, err, sizeof err) == -1 && strstr(err, "subgroup")) found = 1;
        }
        CHECK_MSG(found, "no small x gave a G2 curve point outside the subgroup");
    }
    g2->generator(&G);
    g2->encode(&G, enc);
    enc[0] &= 0x7f;
    sodium_bin2hex(hex, sizeof hex, enc, 96);
    expect_reject(g2, hex, "compression flag not set");
    /* other groups */
    expect_reject(&group_bn254_g1, "0100000000000000000000000000000000000000000000000000000000000000c0", "bytes");
    expect_reject(&group_bn254_g1, "00000000000000000000000000000000000000000000000000000000000000c0",
                  "both flag bits");
    expect_reject(&group_bn254_g1, "0400000000000000000000000000000000000000000000000000000000000000",
                  "not on the curve");
    expect_reject(&group_ed25519, "0200000000000000000000000000000000000000000000000000000000000000", "not a valid");
    expect_reject(&group_ed25519, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "not a valid");
    expect_reject(&group_secp256k1, "050000000000000000000000000000000000000000000000000000000000000001",
                  "not a valid");
    expect_reject(&group_secp256k1, "02fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
                  "not a valid");
    expect_reject(&group_p256, "050000000000000000000000000000000000000000000000000000000000000001", "prefix");
    expect_reject(&group_p256, "02ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", "not a valid");
}

/* The endomorphism subgroup checks of decode (bls12_381.c): curve points
 * at small x (almost surely outside G1/G2, the cofactors being huge) are
 * all refused, random multiples of the generators all accepted. */
TEST(bls_subgroup_checks)
{
    const Group *gs[2] = { &group_bls12_381_g1, &group_bls12_381_g2 };
    for (int gi = 0; gi < 2; gi++) {
        const Group *g = gs[gi];
        size_t len = gi ? 96 : 48;
        uint8_t b[96], k[32], enc[96];
        char err[160];
        GroupPoint p, q;
        int on_curve = 0, refused = 0;
        for (int x = 0; x < 100; x++) {
            memset(b, 0, sizeof b);
            b[0] = 0x80;
            b[len - 1] = (uint8_t)x;
            if (g->decode(&p, b, len, err, sizeof err) == 0 || !strstr(err, "not on the curve")) on_curve++;
            if (g->decode(&p, b, len, err, sizeof err) == -1 && strstr(err, "subgroup")) refused++;
        }
        CHECK_MSG(on_curve >= 20 && refused == on_curve, "%s: %d of %d curve points refused", g->name, refused,
                  on_curve);
        for (int i = 0; i < 20; i++) {
            randombytes_buf(k, sizeof k);
            k[31] &= 0x3f;
            g->mul_base(&p, k);
            g->encode(&p, enc);
            CHECK(g->decode(&q, enc, len, err, sizeof err) == 0 && g->equal(&p, &q));
        }
    }
}

TEST(hash_to_g1)
{
    const Group *g = &group_bls12_381_g1;
    GroupPoint a, b;
    char err[128];
    uint8_t r_le[32];
    CHECK(g->hash_to_group(&a, (const uint8_t *)"abc", 3, err, sizeof err) == 0);
    CHECK(g->hash_to_group(&b, (const uint8_t *)"abc", 3, err, sizeof err) == 0 && g->equal(&a, &b));
    CHECK(g->hash_to_group(&b, (const uint8_t *)"abd", 3, err, sizeof err) == 0 && !g->equal(&a, &b));
    CHECK(!g->is_identity(&a));
    /* in the prime-order subgroup: its encoding decodes (decode checks) */
    uint8_t enc[48];
    g->encode(&a, enc);
    CHECK(g->decode(&b, enc, 48, err, sizeof err) == 0);
    CHECK(g->hash_to_group(&a, NULL, 0, err, sizeof err) == 0);
    (void)r_le;
}

/* crypto_field_from_be_mod (hash_to_field) for every length up to 100
 * bytes against GMP, and the curve-name parser's aliases. */
TEST(field_from_bytes_and_names)
{
    const Field *fields[] = { &field_bls12_381, &field_bn254, &field_ed25519, &field_secp256k1_n, &field_p256_n };
    mpz_t p, a, c;
    mpz_inits(p, a, c, NULL);
    int bad = 0;
    for (size_t fi = 0; fi < sizeof fields / sizeof fields[0]; fi++) {
        const Field *f = fields[fi];
        uint8_t pl[32];
        for (int i = 0; i < 32; i++) pl[i] = (uint8_t)(f->p[i / 8] >> (8 * (i % 8)));
        mpz_import(p, 32, -1, 1, 1, 0, pl);
        for (size_t len = 0; len <= 100; len++) {
            uint8_t in[100], out[32];
            randombytes_buf(in, len);
            if (len % 7 == 0) memset(in, 0xff, len);
            Fe x;
            crypto_field_from_be_mod(f, &x, in, len);
            fe_to_bytes(f, out, &x);
            mpz_import(a, len, 1, 1, 1, 0, in);
            mpz_mod(a, a, p);
            mpz_import(c, 32, -1, 1, 1, 0, out);
            bad |= mpz_cmp(a, c) != 0;
        }
    }
    CHECK(!bad);
    mpz_clears(p, a, c, NULL);
    CHECK(crypto_curve_by_name(" BLS12_381\t") == crypto_curve_by_name("bls12-381"));
    CHECK(crypto_curve_by_name("secp256r1")->group == &group_p256);
    CHECK(crypto_curve_by_name("curve-25519")->group == NULL);
    CHECK(crypto_curve_by_name("p-521") == NULL);
    char msg[200];
    crypto_curve_unknown(msg, sizeof msg, "  P-521 ");
    CHECK_STR(msg,
              "Unknown MPC curve 'p-521'. Supported curves: bls12-381, bn254, curve25519, ed25519, secp256k1, p-256");
    CHECK(group_by_name("Secp256R1-G1") == &group_p256 && group_by_name("bls12-381") == NULL);
}

/* ---- vectors from independent implementations ------------------------------ */

static int run_vectors(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 2;
    }
    char line[4096];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char op[16], gname[32], x1[1024], x2[1024], x3[1024];
        int n = sscanf(line, "%15s %31s %1023s %1023s %1023s", op, gname, x1, x2, x3);
        if (n < 2 || op[0] == '#') continue;
        uint8_t b1[512], b2[512], b3[512], out[GROUP_MAX_ENC];
        size_t l1 = 0, l2 = 0, l3 = 0;
        char err[160] = "";
        GroupPoint P, Q, R;
        if (strcmp(op, "h2g1") == 0) {
            const Group *g = &group_bls12_381_g1;
            if (strcmp(x1, "-") != 0) decode_hex(b1, sizeof b1, x1, &l1);
            decode_hex(b2, sizeof b2, x2, &l2);
            int ok = g->hash_to_group(&P, b1, l1, err, sizeof err) == 0 && g->encode(&P, out) == 0 && l2 == 48 &&
                     memcmp(out, b2, 48) == 0;
            CHECK_MSG(ok, "line %d: h2g1 %s", lineno, x1);
            continue;
        }
        const Group *g = group_by_name(gname);
        CHECK_MSG(g != NULL, "line %d: unknown group %s", lineno, gname);
        if (!g) continue;
        int ok = 0;
        if (strcmp(op, "mulg") == 0 && n >= 4) {
            decode_hex(b1, sizeof b1, x1, &l1);
            decode_hex(b2, sizeof b2, x2, &l2);
            ok = l1 == 32 && g->mul_base(&P, b1) == 0 && g->encode(&P, out) == 0 && l2 == g->enc_len &&
                 memcmp(out, b2, l2) == 0;
            GroupPoint G;
            g->generator(&G);
            ok = ok && g->mul(&Q, &G, b1) == 0 && g->equal(&P, &Q);
        } else if (strcmp(op, "mulp") == 0 && n >= 5) {
            decode_hex(b1, sizeof b1, x1, &l1);
            decode_hex(b2, sizeof b2, x2, &l2);
            decode_hex(b3, sizeof b3, x3, &l3);
            ok = g->decode(&P, b1, l1, err, sizeof err) == 0 && l2 == 32 && g->mul(&Q, &P, b2) == 0 &&
                 g->encode(&Q, out) == 0 && l3 == g->enc_len && memcmp(out, b3, l3) == 0;
        } else if (strcmp(op, "add") == 0 && n >= 5) {
            decode_hex(b1, sizeof b1, x1, &l1);
            decode_hex(b2, sizeof b2, x2, &l2);
            decode_hex(b3, sizeof b3, x3, &l3);
            ok = g->decode(&P, b1, l1, err, sizeof err) == 0 && g->decode(&Q, b2, l2, err, sizeof err) == 0 &&
                 g->add(&R, &P, &Q) == 0 && g->encode(&R, out) == 0 && l3 == g->enc_len && memcmp(out, b3, l3) == 0;
        } else if (strcmp(op, "ark") == 0 && n >= 4) {
            decode_hex(b1, sizeof b1, x1, &l1);
            decode_hex(b2, sizeof b2, x2, &l2);
            ok = g->decode(&P, b1, l1, err, sizeof err) == 0 && g->encode_ark(&P, out) == 0 && l2 == g->ark_len &&
                 memcmp(out, b2, l2) == 0 && g->decode_ark(&Q, b2, l2, err, sizeof err) == 0 && g->equal(&P, &Q);
        } else if (strcmp(op, "unc") == 0 && n >= 4) {
            decode_hex(b1, sizeof b1, x1, &l1);
            decode_hex(b2, sizeof b2, x2, &l2);
            ok = g->decode(&P, b1, l1, err, sizeof err) == 0 && g->encode_uncompressed &&
                 g->encode_uncompressed(&P, out) == 0 && l2 == g->enc_uncompressed_len && memcmp(out, b2, l2) == 0 &&
                 g->decode(&Q, b2, l2, err, sizeof err) == 0 && g->equal(&P, &Q);
        }
        CHECK_MSG(ok, "line %d: %s %s failed %s", lineno, op, gname, err);
    }
    fclose(f);
    return unit_report();
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) return 1;
    if (argc == 3 && strcmp(argv[1], "--vectors") == 0) return run_vectors(argv[2]);
    RUN(fp_against_gmp);
    RUN(fp2_laws);
    RUN(group_laws);
    RUN(invalid_encodings);
    RUN(bls_subgroup_checks);
    RUN(hash_to_g1);
    RUN(field_from_bytes_and_names);
    return unit_report();
}
