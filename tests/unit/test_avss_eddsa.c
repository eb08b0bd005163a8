/* test_avss_eddsa.c: the threshold EdDSA program (tests/avss/threshold_eddsa.s,
 * upstream's threshold_eddsa_ed25519 without a client) checked with
 * libsodium, independently of our ed25519 code.
 *
 * The program returns R ‖ s ‖ pk with R and pk in upstream's (arkworks)
 * encoding, and its challenge is SHA-512 over those bytes.  The test turns
 * each point into its RFC 8032 encoding (the x root recomputed with OpenSSL
 * bignums, not our group code) and checks every signature with libsodium's
 * point arithmetic: s·B = R + e·A.  Where the two encodings of R and pk
 * coincide (about one run in four: arkworks' sign bit is x > -x, RFC 8032's
 * is x odd) the bytes hashed are exactly RFC 8032's, so the result is a
 * standard Ed25519 signature: crypto_sign_verify_detached must accept it
 * and reject it tampered.  Sessions run until one such signature came. */
#include <openssl/bn.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stoffel.h"
#include "unit.h"

static const char *MSG = "test message for eddsa";

/* The RFC 8032 encoding of the arkworks-encoded point `ark` (y little-endian,
 * bit 255 set when x > p - x): the same y, bit 255 = x odd.  0, or -1 when
 * y is no curve point. */
static int ark_to_rfc(const uint8_t ark[32], uint8_t rfc[32])
{
    uint8_t be[32];
    for (int i = 0; i < 32; i++) be[i] = ark[31 - i];
    be[0] &= 0x7f;
    int big = (ark[31] & 0x80) != 0, rc = -1;
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *p = BN_new(), *d = BN_new(), *y = BN_bin2bn(be, 32, NULL), *u = BN_new(), *v = BN_new(), *x = BN_new(),
           *half = BN_new();
    if (!ctx || !p || !d || !y || !u || !v || !x || !half) goto out;
    /* p = 2^255 - 19, d = -121665/121666 */
    BN_set_bit(p, 255);
    BN_sub_word(p, 19);
    BIGNUM *num = BN_new(), *den = BN_new();
    if (!num || !den) {
        BN_free(num);
        BN_free(den);
        goto out;
    }
    BN_set_word(num, 121665);
    BN_sub(num, p, num);
    BN_set_word(den, 121666);
    BN_mod_inverse(den, den, p, ctx);
    BN_mod_mul(d, num, den, p, ctx);
    /* x^2 = (y^2 - 1) / (d y^2 + 1) */
    BN_mod_sqr(u, y, p, ctx);
    BN_mod_mul(v, d, u, p, ctx);
    BN_add_word(v, 1);
    BN_sub_word(u, 1); /* y^2 >= 1 unless y = 0, a point with x^2 = -1: no root */
    BN_mod_inverse(v, v, p, ctx);
    BN_mod_mul(u, u, v, p, ctx);
    BN_free(num);
    BN_free(den);
    if (BN_is_zero(u) || !BN_mod_sqrt(x, u, p, ctx)) goto out;
    /* the root with arkworks' flag: x > (p-1)/2 exactly when big */
    BN_rshift1(half, p);
    if ((BN_cmp(x, half) > 0) != big) BN_sub(x, p, x);
    memcpy(rfc, ark, 32);
    rfc[31] = (uint8_t)((ark[31] & 0x7f) | (BN_is_odd(x) ? 0x80 : 0));
    rc = 0;
out:
    BN_free(p);
    BN_free(d);
    BN_free(y);
    BN_free(u);
    BN_free(v);
    BN_free(x);
    BN_free(half);
    BN_CTX_free(ctx);
    return rc;
}

/* One 5-party session of the program: 0 with sig = R ‖ s ‖ pk. */
static int sign_once(const StoffelProgram *p, uint8_t sig[96])
{
    StoffelLocalMpcOptions o;
    stoffel_local_mpc_options_init(&o);
    o.n_parties = 5;
    o.threshold = 1;
    o.curve = "ed25519";
    o.backend = "avss";
    char *err = NULL, *result = NULL, *outputs = NULL;
    int rc = -1;
    if (stoffel_run_local_mpc_program(p, &o, &result, &outputs, &err) == STOFFEL_OK) {
        const char *hex = strstr(result, "0x");
        if (hex && strlen(hex + 2) >= 192 && sodium_hex2bin(sig, 96, hex + 2, 192, NULL, NULL, NULL) == 0) rc = 0;
        if (rc) fprintf(stderr, "  unexpected result: %s\n", result);
    } else {
        fprintf(stderr, "  session: %s\n", err ? err : "?");
    }
    stoffel_free_text(err);
    stoffel_free_text(result);
    stoffel_free_text(outputs);
    return rc;
}

/* s·B = R + e·A with libsodium's group, e = SHA-512(Rark ‖ Aark ‖ m) mod l. */
static int equation_holds(const uint8_t sig[96], const uint8_t R[32], const uint8_t A[32])
{
    uint8_t h[64], e[32], sB[32], eA[32], rhs[32];
    crypto_hash_sha512_state st;
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, sig, 32);
    crypto_hash_sha512_update(&st, sig + 64, 32);
    crypto_hash_sha512_update(&st, (const uint8_t *)MSG, strlen(MSG));
    crypto_hash_sha512_final(&st, h);
    crypto_core_ed25519_scalar_reduce(e, h);
    return crypto_scalarmult_ed25519_base_noclamp(sB, sig + 32) == 0 &&
           crypto_scalarmult_ed25519_noclamp(eA, e, A) == 0 && crypto_core_ed25519_add(rhs, R, eA) == 0 &&
           sodium_memcmp(sB, rhs, 32) == 0;
}

TEST(eddsa_verified_by_libsodium)
{
    StoffelProgram *p = NULL;
    char *err = NULL;
    if (stoffel_program_read("tests/avss/threshold_eddsa.s", &p, &err) != STOFFEL_OK) {
        fprintf(stderr, "  tests/avss/threshold_eddsa.s: %s\n", err ? err : "?");
        stoffel_free_text(err);
        CHECK(0);
        return;
    }
    int standard = 0, runs = 0, differ = 0;
    /* (3/4)^40: a spurious failure once in 100,000 suites */
    while (!standard && runs < 40) {
        uint8_t sig[96], R[32], A[32];
        runs++;
        if (sign_once(p, sig) != 0) {
            CHECK(0);
            break;
        }
        CHECK(ark_to_rfc(sig, R) == 0 && ark_to_rfc(sig + 64, A) == 0);
        CHECK(crypto_core_ed25519_is_valid_point(R) && crypto_core_ed25519_is_valid_point(A));
        CHECK(equation_holds(sig, R, A));
        if (memcmp(R, sig, 32) != 0 || memcmp(A, sig + 64, 32) != 0) {
            differ++;
            continue;
        }
        standard = 1;
        uint8_t rfc_sig[64];
        memcpy(rfc_sig, R, 32);
        memcpy(rfc_sig + 32, sig + 32, 32);
        const uint8_t *m = (const uint8_t *)MSG;
        CHECK(crypto_sign_verify_detached(rfc_sig, m, strlen(MSG), A) == 0);
        /* tampered: s, R, the message, the key */
        rfc_sig[40] ^= 1;
        CHECK(crypto_sign_verify_detached(rfc_sig, m, strlen(MSG), A) != 0);
        rfc_sig[40] ^= 1;
        rfc_sig[3] ^= 1;
        CHECK(crypto_sign_verify_detached(rfc_sig, m, strlen(MSG), A) != 0);
        rfc_sig[3] ^= 1;
        CHECK(crypto_sign_verify_detached(rfc_sig, m, strlen(MSG) - 1, A) != 0);
        uint8_t other[32];
        crypto_core_ed25519_random(other);
        CHECK(crypto_sign_verify_detached(rfc_sig, m, strlen(MSG), other) != 0);
    }
    CHECK(standard);
    printf("eddsa: %d sessions, %d with arkworks encodings unlike RFC 8032 (checked by equation only)\n", runs, differ);
    stoffel_program_free(p);
}

/* The conversion on RFC 8032's base point B: its x is even and below
 * (p-1)/2, so arkworks' flag is clear for B and set for -B, whose x is odd
 * (RFC 8032 sets bit 255). */
TEST(conversion_of_the_base_point)
{
    uint8_t b[32], nb[32], ark[32], rfc[32];
    uint8_t one[32] = { 1 };
    CHECK(crypto_scalarmult_ed25519_base_noclamp(b, one) == 0);
    CHECK((b[31] & 0x80) == 0);
    memcpy(nb, b, 32);
    nb[31] |= 0x80;
    memcpy(ark, b, 32);
    CHECK(ark_to_rfc(ark, rfc) == 0 && memcmp(rfc, b, 32) == 0);
    ark[31] |= 0x80;
    CHECK(ark_to_rfc(ark, rfc) == 0 && memcmp(rfc, nb, 32) == 0);
    /* y = 2 is on no point: refused */
    uint8_t two[32] = { 2 };
    CHECK(ark_to_rfc(two, rfc) != 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(conversion_of_the_base_point);
    RUN(eddsa_verified_by_libsodium);
    return unit_report();
}
