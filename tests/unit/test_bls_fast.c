/* test_bls_fast.c: the fast paths of the BLS12-381 arithmetic against the
 * plain ones: the dedicated Fp squaring against multiplication, the
 * windowed exponentiation (inversion) against a·a^-1 = 1, and the groups'
 * variable-time multiplication by public scalars (width-4 NAF) against the
 * constant-time one, for random, small, zero and all-ones scalars, and the
 * uncompressed wire form the MPC protocols send. */
#include <sodium.h>

#include "crypto/fp381.h"
#include "crypto/group.h"
#include "unit.h"

static void random_fp(Fp *r)
{
    uint8_t b[64];
    randombytes_buf(b, sizeof b);
    fp_from_be_mod(r, b, sizeof b);
}

TEST(fp_sqr_matches_mul)
{
    int bad = 0;
    for (int i = 0; i < 2000; i++) {
        Fp a, s, m;
        random_fp(&a);
        if (i == 0) memset(&a, 0, sizeof a);
        fp_sqr(&s, &a);
        fp_mul(&m, &a, &a);
        bad += !fp_equal(&s, &m);
    }
    CHECK(bad == 0);
}

TEST(fp_inv_is_inverse)
{
    int bad = 0;
    for (int i = 0; i < 50; i++) {
        Fp a, inv, p;
        random_fp(&a);
        fp_inv(&inv, &a);
        fp_mul(&p, &a, &inv);
        bad += !fp_equal(&p, &fp_one_m);
    }
    CHECK(bad == 0);
}

static void check_group(const Group *g)
{
    GroupPoint P, a, b;
    uint8_t k[32], enc[GROUP_MAX_ENC];
    randombytes_buf(k, sizeof k);
    g->mul_base(&P, k);
    CHECK(g->mul_vartime != NULL);
    int bad = 0;
    for (int i = 0; i < 60; i++) {
        size_t len = 32;
        memset(k, 0, sizeof k);
        if (i < 20) { /* small: 0..19 */
            k[0] = (uint8_t)i;
            len = 1;
        } else if (i < 25) {
            memset(k, 0xff, 8 * (size_t)(i - 19) > 31 ? 31 : 8 * (size_t)(i - 19));
        } else {
            randombytes_buf(k, 31); /* below the group order */
        }
        g->mul_vartime(&a, &P, k, len);
        g->mul(&b, &P, k);
        bad += !g->equal(&a, &b);
    }
    CHECK_MSG(bad == 0, "%s: %d of 60 differ", g->name, bad);
    /* the wire form (uncompressed) decodes to the same point */
    char why[128];
    CHECK(group_wire_len(g) == g->enc_uncompressed_len);
    CHECK(group_wire_encode(g, &P, enc) == 0 && group_wire_decode(g, &a, enc, why, sizeof why) == 0 &&
          g->equal(&a, &P));
    enc[group_wire_len(g) - 1] ^= 1; /* off the curve */
    CHECK(group_wire_decode(g, &a, enc, why, sizeof why) != 0);
}

TEST(vartime_mul_matches_ct)
{
    check_group(&group_bls12_381_g1);
    check_group(&group_bls12_381_g2);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(fp_sqr_matches_mul);
    RUN(fp_inv_is_inverse);
    RUN(vartime_mul_matches_ct);
    return unit_report();
}
