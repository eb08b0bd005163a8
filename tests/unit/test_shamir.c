/* test_shamir.c: Shamir sharing (src/mpc/shamir.c) and robust
 * reconstruction with online error correction (src/mpc/robust.c).
 *
 * The central property: with at most t wrong shares, robust decoding
 * returns the right secret or ROBUST_NEED_MORE, never a wrong value, and
 * it succeeds exactly when at least d+t+1 of the received shares are
 * correct.  Randomised over many trials with random and adversarial
 * (consistent wrong polynomial) errors. */
#include <sodium.h>
#include <stdlib.h>

#include "mpc/robust.h"
#include "mpc/shamir.h"
#include "unit.h"

static const Field *fields[] = { &field_bls12_381, &field_bn254, &field_ed25519 };
static const unsigned configs[][2] = { { 4, 1 }, { 7, 2 }, { 10, 3 } }; /* n, t */

static unsigned rnd(unsigned bound) { return randombytes_uniform(bound); }

/* A random subset of {0..n-1} of size k, in random order. */
static void random_subset(unsigned n, unsigned k, unsigned *out)
{
    unsigned perm[SHAMIR_MAX_PARTIES];
    for (unsigned i = 0; i < n; i++) perm[i] = i;
    for (unsigned i = n; i > 1; i--) {
        unsigned j = rnd(i), tmp = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = tmp;
    }
    memcpy(out, perm, k * sizeof *out);
}

/* ---- plain sharing ----------------------------------------------------- */

/* Every (t+1)-subset reconstructs; the coefficients are consistent. */
TEST(any_t_plus_1_shares_reconstruct)
{
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = fields[fi];
        for (int ci = 0; ci < 3; ci++) {
            unsigned n = configs[ci][0], t = configs[ci][1], k = t + 1;
            Fe secret, shares[10], coeffs[4];
            fe_random(f, &secret);
            CHECK(shamir_share(f, &secret, t, n, shares, coeffs) == 0);
            CHECK(fe_equal(&coeffs[0], &secret));
            long bad = 0, subsets = 0;
            /* all k-subsets via bitmasks */
            for (unsigned mask = 0; mask < (1u << n); mask++) {
                if ((unsigned)__builtin_popcount(mask) != k) continue;
                unsigned parties[4], j = 0;
                Fe vals[4], s, c2[4];
                for (unsigned i = 0; i < n; i++)
                    if (mask >> i & 1) {
                        parties[j] = i;
                        vals[j++] = shares[i];
                    }
                subsets++;
                bad += shamir_interpolate_at_zero(f, parties, vals, k, &s) != 0 || !fe_equal(&s, &secret);
                bad += shamir_interpolate_coeffs(f, parties, vals, k, c2) != 0;
                for (unsigned i = 0; i < k; i++) bad += !fe_equal(&c2[i], &coeffs[i]);
            }
            CHECK_MSG(bad == 0 && subsets > 0, "%s n=%u t=%u: %ld of %ld subsets wrong", f->name, n, t, bad, subsets);
            /* shares are the polynomial's values at x_i = i+1 */
            for (unsigned i = 0; i < n; i++) {
                Fe x, y;
                shamir_point(f, &x, i);
                shamir_poly_eval(f, &y, coeffs, t + 1, &x);
                CHECK(fe_equal(&y, &shares[i]));
            }
        }
    }
}

/* h(x) = Π (x - x_l) / Π (0 - x_l) over the given parties: degree cnt,
 * zero on those parties' points, h(0) = 1, nonzero at every other point. */
static void vanishing(const Field *f, const unsigned *parties, unsigned cnt, const Fe *x, Fe *out)
{
    Fe num, den, xl, tmp;
    fe_one(f, &num);
    fe_one(f, &den);
    for (unsigned l = 0; l < cnt; l++) {
        shamir_point(f, &xl, parties[l]);
        fe_sub(f, &tmp, x, &xl);
        fe_mul(f, &num, &num, &tmp);
        fe_neg(f, &tmp, &xl);
        fe_mul(f, &den, &den, &tmp);
    }
    fe_inv(f, &den, &den);
    fe_mul(f, out, &num, &den);
}

TEST(fewer_than_t_plus_1_shares_do_not_determine)
{
    /* Any t shares of a sharing of s are also t shares of a sharing of any
     * s2: g = f + (s2 - s)·h with h vanishing on those t parties. */
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = fields[fi];
        unsigned n = 7, t = 2, fixed[2] = { 3, 5 };
        Fe s, s2, delta, shares[7], g[7];
        fe_random(f, &s);
        fe_random(f, &s2);
        fe_sub(f, &delta, &s2, &s);
        CHECK(shamir_share(f, &s, t, n, shares, NULL) == 0);
        for (unsigned i = 0; i < n; i++) {
            Fe x, h;
            shamir_point(f, &x, i);
            vanishing(f, fixed, t, &x, &h);
            fe_mul(f, &h, &h, &delta);
            fe_add(f, &g[i], &shares[i], &h);
        }
        CHECK(fe_equal(&g[3], &shares[3]) && fe_equal(&g[5], &shares[5]));
        unsigned parties[3] = { 3, 5, 0 };
        Fe v[3] = { g[3], g[5], g[0] }, r;
        CHECK(shamir_interpolate_at_zero(f, parties, v, 3, &r) == 0 && fe_equal(&r, &s2));
        CHECK(!fe_equal(&s, &s2));
    }
}

TEST(public_constant_shares)
{
    const Field *f = &field_bls12_381;
    Fe c, shares[7], out;
    fe_from_i64(f, &c, -77);
    shamir_share_public(&c, 7, shares);
    for (unsigned i = 0; i < 7; i++) {
        unsigned p = i;
        CHECK(shamir_interpolate_at_zero(f, &p, &shares[i], 1, &out) == 0 && fe_equal(&out, &c));
    }
    /* a public constant added to a degree-t sharing shifts the secret */
    Fe s, sh[7], sum[7];
    fe_random(f, &s);
    CHECK(shamir_share(f, &s, 2, 7, sh, NULL) == 0);
    for (unsigned i = 0; i < 7; i++) fe_add(f, &sum[i], &sh[i], &shares[i]);
    unsigned parties[3] = { 6, 1, 4 };
    Fe v[3] = { sum[6], sum[1], sum[4] }, want;
    fe_add(f, &want, &s, &c);
    CHECK(shamir_interpolate_at_zero(f, parties, v, 3, &out) == 0 && fe_equal(&out, &want));
    /* robust decoding of a degree-0 sharing */
    unsigned all[7] = { 0, 1, 2, 3, 4, 5, 6 };
    CHECK(robust_decode(f, 7, 2, 0, all, shares, 7, &out, NULL) == ROBUST_OK && fe_equal(&out, &c));
}

TEST(local_operations)
{
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = fields[fi];
        unsigned n = 7, t = 2;
        Fe a, b, k, sa[7], sb[7], ssum[7], sdiff[7], sscale[7], sprod[7];
        fe_random(f, &a);
        fe_random(f, &b);
        fe_from_u64(f, &k, 1000003);
        CHECK(shamir_share(f, &a, t, n, sa, NULL) == 0);
        CHECK(shamir_share(f, &b, t, n, sb, NULL) == 0);
        for (unsigned i = 0; i < n; i++) {
            fe_add(f, &ssum[i], &sa[i], &sb[i]);
            fe_sub(f, &sdiff[i], &sa[i], &sb[i]);
            fe_mul(f, &sscale[i], &sa[i], &k);
            fe_mul(f, &sprod[i], &sa[i], &sb[i]);
        }
        unsigned p3[3] = { 2, 5, 0 }, p5[5] = { 6, 0, 3, 1, 4 };
        Fe v[5], out, want;
        for (int j = 0; j < 3; j++) v[j] = ssum[p3[j]];
        fe_add(f, &want, &a, &b);
        CHECK(shamir_interpolate_at_zero(f, p3, v, 3, &out) == 0 && fe_equal(&out, &want));
        for (int j = 0; j < 3; j++) v[j] = sdiff[p3[j]];
        fe_sub(f, &want, &a, &b);
        CHECK(shamir_interpolate_at_zero(f, p3, v, 3, &out) == 0 && fe_equal(&out, &want));
        for (int j = 0; j < 3; j++) v[j] = sscale[p3[j]];
        fe_mul(f, &want, &a, &k);
        CHECK(shamir_interpolate_at_zero(f, p3, v, 3, &out) == 0 && fe_equal(&out, &want));
        /* the product is a degree-2t sharing: 2t+1 shares needed */
        for (int j = 0; j < 5; j++) v[j] = sprod[p5[j]];
        fe_mul(f, &want, &a, &b);
        CHECK(shamir_interpolate_at_zero(f, p5, v, 5, &out) == 0 && fe_equal(&out, &want));
        CHECK(shamir_interpolate_at_zero(f, p5, v, 3, &out) == 0 && !fe_equal(&out, &want));
    }
}

TEST(lagrange_weights_and_basis)
{
    const Field *f = &field_bn254;
    Fe coeffs[5], vals[5], w[5], z, want, got, basis[25];
    unsigned parties[5] = { 9, 0, 4, 2, 7 };
    for (int i = 0; i < 5; i++) fe_random(f, &coeffs[i]);
    for (int j = 0; j < 5; j++) {
        Fe x;
        shamir_point(f, &x, parties[j]);
        shamir_poly_eval(f, &vals[j], coeffs, 5, &x);
    }
    for (int it = 0; it < 20; it++) {
        fe_random(f, &z);
        if (it == 0) shamir_point(f, &z, 4); /* z on a point */
        if (it == 1) shamir_point(f, &z, 3); /* z a non-member party */
        CHECK(shamir_lagrange_weights(f, parties, 5, &z, w) == 0);
        shamir_combine(f, &got, w, vals, 5);
        shamir_poly_eval(f, &want, coeffs, 5, &z);
        CHECK(fe_equal(&got, &want));
    }
    CHECK(shamir_lagrange_basis(f, parties, 5, basis) == 0);
    /* L_j(x_i) = [i == j] */
    long bad = 0;
    for (int j = 0; j < 5; j++)
        for (int i = 0; i < 5; i++) {
            Fe x, y, one;
            fe_one(f, &one);
            shamir_point(f, &x, parties[i]);
            shamir_poly_eval(f, &y, &basis[j * 5], 5, &x);
            bad += i == j ? !fe_equal(&y, &one) : !fe_is_zero(&y);
        }
    CHECK(bad == 0);
    /* shamir_poly_eval with no coefficients is 0 */
    shamir_poly_eval(f, &got, coeffs, 0, &z);
    CHECK(fe_is_zero(&got));
}

TEST(invalid_arguments)
{
    const Field *f = &field_bls12_381;
    Fe w[4], s, shares[4];
    unsigned dup[3] = { 1, 2, 1 }, big[2] = { 0, SHAMIR_MAX_PARTIES };
    CHECK(shamir_lagrange_at_zero(f, dup, 3, w) == -1);
    CHECK(shamir_lagrange_at_zero(f, big, 2, w) == -1);
    CHECK(shamir_lagrange_at_zero(f, dup, 0, w) == -1);
    fe_zero(&s);
    CHECK(shamir_share(f, &s, 1, 0, shares, NULL) == -1);
    CHECK(shamir_share(f, &s, SHAMIR_MAX_PARTIES, 4, shares, NULL) == -1);
    CHECK(shamir_interpolate_coeffs(f, dup, shares, 3, w) == -1);
    /* a field too small for distinct points: p = 7 and parties 0 and 7 */
    Field small;
    uint8_t p7[32] = { 7 };
    CHECK(field_init(&small, p7, "p7") == 0);
    unsigned clash[2] = { 0, 7 };
    CHECK(shamir_lagrange_at_zero(&small, clash, 2, w) == -1);
    /* robust parameter checks */
    unsigned all[4] = { 0, 1, 2, 3 }, dup4[4] = { 0, 1, 1, 3 }, out4[4] = { 0, 1, 2, 4 };
    Fe sec;
    CHECK(shamir_share(f, &s, 1, 4, shares, NULL) == 0);
    CHECK(robust_decode(f, 3, 1, 1, all, shares, 3, &sec, NULL) == ROBUST_EINVAL); /* n < 3t+1 */
    CHECK(robust_decode(f, 4, 1, 3, all, shares, 4, &sec, NULL) == ROBUST_EINVAL); /* d+t+1 > n */
    CHECK(robust_decode(f, 4, 1, 1, dup4, shares, 4, &sec, NULL) == ROBUST_EINVAL);
    CHECK(robust_decode(f, 4, 1, 1, out4, shares, 4, &sec, NULL) == ROBUST_EINVAL);
    CHECK(robust_decode(f, 4, 1, 1, all, shares, 5, &sec, NULL) == ROBUST_EINVAL); /* m > n */
    RobustBatch *b = (RobustBatch *)1;
    CHECK(robust_batch_new(&b, f, 4, 1, 1, dup4, 4) == ROBUST_EINVAL && b == NULL);
    CHECK(robust_decode(f, 4, 1, 1, all, shares, 4, &sec, NULL) == ROBUST_OK && fe_is_zero(&sec));
}

/* ---- robust decoding ---------------------------------------------------- */

/* One trial: share with degree d among n, receive m random shares of which
 * e are corrupted (random or adversarial), decode, and check both safety
 * (never wrong) and liveness (decodes iff at least d+t+1 correct). */
typedef struct {
    long trials, wrong, missed, spurious, ok;
} Tally;

static void corrupt(const Field *f, unsigned d, const unsigned *parties, Fe *vals, unsigned m, unsigned e,
                    int adversarial)
{
    /* received positions 0..e-1 are the corrupt ones (the order of parties
     * is random, so these are random parties); e..m-1 stay honest */
    if (!adversarial || m - e < d || d == 0) {
        for (unsigned j = 0; j < e; j++) {
            Fe delta;
            do fe_random(f, &delta);
            while (fe_is_zero(&delta));
            fe_add(f, &vals[j], &vals[j], &delta);
        }
        return;
    }
    /* The strongest lie: all corrupt parties send shares of one wrong
     * polynomial g = f + h that agrees with d honest received shares (h
     * vanishes there, h(0) = 1).  Then g agrees with d+e received shares. */
    for (unsigned j = 0; j < e; j++) {
        Fe x, h;
        shamir_point(f, &x, parties[j]);
        vanishing(f, parties + e, d, &x, &h);
        fe_add(f, &vals[j], &vals[j], &h);
    }
}

static void robust_trial(const Field *f, unsigned n, unsigned t, unsigned d, unsigned m, unsigned e, int adversarial,
                         Tally *tl)
{
    Fe secret, shares[SHAMIR_MAX_PARTIES], coeffs[SHAMIR_MAX_PARTIES], vals[SHAMIR_MAX_PARTIES];
    unsigned parties[SHAMIR_MAX_PARTIES];
    fe_random(f, &secret);
    if (shamir_share(f, &secret, d, n, shares, coeffs) != 0) {
        tl->wrong++;
        return;
    }
    random_subset(n, m, parties);
    for (unsigned j = 0; j < m; j++) vals[j] = shares[parties[j]];
    corrupt(f, d, parties, vals, m, e, adversarial);
    /* count the shares that are actually wrong */
    unsigned bad = 0;
    for (unsigned j = 0; j < m; j++) bad += !fe_equal(&vals[j], &shares[parties[j]]);
    Fe out, oc[SHAMIR_MAX_PARTIES];
    RobustStatus st = robust_decode(f, n, t, d, parties, vals, m, &out, oc);
    tl->trials++;
    int should = m - bad >= d + t + 1;
    if (st == ROBUST_OK) {
        int right = fe_equal(&out, &secret);
        for (unsigned i = 0; i <= d; i++) right &= fe_equal(&oc[i], &coeffs[i]);
        if (!right)
            tl->wrong++;
        else
            tl->ok++;
        if (!should) tl->spurious++;
    } else if (st == ROBUST_NEED_MORE) {
        if (should) tl->missed++;
    } else
        tl->wrong++; /* unexpected error code */
}

TEST(robust_never_wrong_randomised)
{
    int trials = 1000;
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = fields[fi];
        for (int ci = 0; ci < 3; ci++) {
            unsigned n = configs[ci][0], t = configs[ci][1];
            for (unsigned d = t; d <= 2 * t; d += t) {
                Tally tl = { 0 };
                for (int it = 0; it < trials; it++) {
                    /* half the trials near the decoding threshold */
                    unsigned m = it & 1 ? rnd(n + 1) : d + t + 1 + rnd(n - d - t);
                    unsigned e = rnd((m < t ? m : t) + 1);
                    robust_trial(f, n, t, d, m, e, (int)rnd(2), &tl);
                }
                CHECK_MSG(tl.wrong == 0 && tl.missed == 0 && tl.spurious == 0,
                          "%s n=%u t=%u d=%u: %ld trials, %ld wrong, %ld missed, %ld spurious", f->name, n, t, d,
                          tl.trials, tl.wrong, tl.missed, tl.spurious);
                CHECK(tl.ok > 0);
            }
        }
    }
}

TEST(robust_corrects_t_errors)
{
    /* d = t, all n = 3t+1 shares, exactly t wrong (random positions): the
     * decoder must correct them; d+2t+1 = n shares are enough. */
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = fields[fi];
        for (int ci = 0; ci < 3; ci++) {
            unsigned n = configs[ci][0], t = configs[ci][1];
            Tally tl = { 0 };
            for (int it = 0; it < 100; it++) robust_trial(f, n, t, t, n, t, it & 1, &tl);
            CHECK_MSG(tl.ok == tl.trials && tl.wrong == 0, "%s n=%u t=%u: %ld/%ld decoded", f->name, n, t, tl.ok,
                      tl.trials);
            /* with t errors and only d+2t shares: need more, never wrong */
            Tally t2 = { 0 };
            for (int it = 0; it < 100; it++) robust_trial(f, n, t, t, 3 * t, t, it & 1, &t2);
            CHECK_MSG(t2.ok == 0 && t2.wrong == 0 && t2.missed == 0, "%s n=%u t=%u short: %ld ok", f->name, n, t,
                      t2.ok);
            /* e < t errors: decodes with d+t+1+e shares */
            for (unsigned e = 0; e < t; e++) {
                Tally t3 = { 0 };
                for (int it = 0; it < 50; it++) robust_trial(f, n, t, t, 2 * t + 1 + e, e, it & 1, &t3);
                CHECK_MSG(t3.ok == t3.trials, "%s n=%u t=%u e=%u: %ld/%ld", f->name, n, t, e, t3.ok, t3.trials);
            }
        }
    }
}

TEST(robust_degree_2t)
{
    /* d = 2t, n = 3t+1: every share must be present and correct */
    for (int ci = 0; ci < 3; ci++) {
        unsigned n = configs[ci][0], t = configs[ci][1];
        Tally ok = { 0 }, one_bad = { 0 }, short_ = { 0 };
        for (int it = 0; it < 50; it++) {
            robust_trial(&field_bls12_381, n, t, 2 * t, n, 0, 0, &ok);
            robust_trial(&field_bls12_381, n, t, 2 * t, n, 1, it & 1, &one_bad);
            robust_trial(&field_bls12_381, n, t, 2 * t, n - 1, 0, 0, &short_);
        }
        CHECK(ok.ok == ok.trials && ok.wrong == 0);
        CHECK(one_bad.ok == 0 && one_bad.wrong == 0 && one_bad.missed == 0);
        CHECK(short_.ok == 0 && short_.wrong == 0);
    }
    /* with n larger than 3t+1, degree 2t tolerates errors: n=10, t=2 */
    Tally tl = { 0 };
    for (int it = 0; it < 100; it++) robust_trial(&field_bn254, 10, 2, 4, 10, 2, it & 1, &tl);
    CHECK_MSG(tl.ok == tl.trials && tl.wrong == 0, "n=10 t=2 d=4: %ld/%ld", tl.ok, tl.trials);
}

TEST(robust_online_error_correction)
{
    /* Shares arrive one at a time, t of the first ones wrong: the status
     * is NEED_MORE until exactly d+t+1+t shares are in, then the secret. */
    const Field *f = &field_ed25519;
    for (int ci = 0; ci < 3; ci++) {
        unsigned n = configs[ci][0], t = configs[ci][1], d = t;
        Fe secret, shares[10], vals[10], out;
        unsigned parties[10];
        fe_random(f, &secret);
        CHECK(shamir_share(f, &secret, d, n, shares, NULL) == 0);
        random_subset(n, n, parties);
        for (unsigned j = 0; j < n; j++) vals[j] = shares[parties[j]];
        corrupt(f, d, parties, vals, n, t, 1);
        unsigned first_ok = 0;
        int wrong = 0;
        for (unsigned m = 0; m <= n; m++) {
            RobustStatus st = robust_decode(f, n, t, d, parties, vals, m, &out, NULL);
            if (st == ROBUST_OK) {
                wrong |= !fe_equal(&out, &secret);
                if (!first_ok) first_ok = m;
            }
        }
        CHECK(!wrong);
        CHECK_MSG(first_ok == d + 2 * t + 1, "n=%u t=%u: first decoded at %u", n, t, first_ok);
    }
}

/* ---- batches ------------------------------------------------------------ */

TEST(robust_batch_matches_single)
{
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = fields[fi];
        for (int ci = 0; ci < 3; ci++) {
            unsigned n = configs[ci][0], t = configs[ci][1];
            for (unsigned d = t; d <= 2 * t; d += t) {
                enum { COUNT = 300 };
                unsigned m = d + t + 1 + rnd(n - d - t), parties[10];
                random_subset(n, m, parties);
                static Fe rows_mem[10][COUNT], secrets[COUNT], truth[COUNT], coeffs[COUNT * 7], tcoeffs[COUNT * 7];
                const Fe *rows[10];
                unsigned errs[COUNT];
                long share_failures = 0;
                for (int c = 0; c < COUNT; c++) {
                    Fe sh[10], vals[10];
                    fe_random(f, &truth[c]);
                    if (shamir_share(f, &truth[c], d, n, sh, &tcoeffs[c * (d + 1)]) != 0) share_failures++;
                    for (unsigned j = 0; j < m; j++) vals[j] = sh[parties[j]];
                    /* a third of the codewords get errors, at random senders */
                    unsigned e = c % 3 == 0 ? rnd(t + 1) : 0;
                    unsigned pos[10];
                    random_subset(m, e, pos);
                    for (unsigned k = 0; k < e; k++) {
                        Fe one;
                        fe_one(f, &one);
                        fe_add(f, &vals[pos[k]], &vals[pos[k]], &one);
                    }
                    errs[c] = e;
                    for (unsigned j = 0; j < m; j++) rows_mem[j][c] = vals[j];
                }
                for (unsigned j = 0; j < m; j++) rows[j] = rows_mem[j];
                RobustBatch *b;
                CHECK(robust_batch_new(&b, f, n, t, d, parties, m) == ROBUST_OK);
                if (!b) continue;
                signed char status[COUNT];
                RobustStatus all = robust_batch_decode(b, rows, COUNT, secrets, coeffs, status);
                long wrong = 0, mismatch = 0, ok = 0;
                int any_need = 0;
                for (int c = 0; c < COUNT; c++) {
                    Fe vals[10], s1, c1[7];
                    for (unsigned j = 0; j < m; j++) vals[j] = rows_mem[j][c];
                    RobustStatus st = robust_decode(f, n, t, d, parties, vals, m, &s1, c1);
                    mismatch += st != status[c];
                    mismatch += (m - errs[c] >= d + t + 1) != (status[c] == ROBUST_OK);
                    any_need |= status[c] != ROBUST_OK;
                    if (status[c] == ROBUST_OK) {
                        ok++;
                        wrong += !fe_equal(&secrets[c], &truth[c]);
                        for (unsigned i = 0; i <= d; i++)
                            wrong += !fe_equal(&coeffs[c * (d + 1) + i], &tcoeffs[c * (d + 1) + i]);
                    }
                }
                CHECK_MSG(wrong == 0 && mismatch == 0,
                          "%s n=%u t=%u d=%u m=%u: %ld wrong, %ld "
                          "differ from single decode",
                          f->name, n, t, d, m, wrong, mismatch);
                CHECK(all == (any_need ? ROBUST_NEED_MORE : ROBUST_OK));
                CHECK(ok > 0 && share_failures == 0);
                /* without coefficient or status output */
                all = robust_batch_decode(b, rows, COUNT, secrets, NULL, NULL);
                CHECK(all == (any_need ? ROBUST_NEED_MORE : ROBUST_OK));
                robust_batch_free(b);
            }
        }
    }
}

/* d = 1 (t = 1): the decoder's pair path computes the checks and the
 * secret from one difference per value, without coefficient output.  For
 * every ordered choice of senders (consecutive ones take the pair path,
 * others the general one), with a wrong share at every position in some
 * blocks, the secrets and statuses must be those of the single decoder,
 * with and without status output. */
TEST(robust_batch_pair_path)
{
    enum { COUNT = 3 * 256 + 17 };
    static Fe rows_mem[5][COUNT], truth[COUNT], secrets[COUNT], again[COUNT];
    const Field *f = fields[0];
    long checked = 0, wrong = 0, share_failures = 0;
    for (unsigned n = 4; n <= 5; n++) {
        for (unsigned m = 3; m <= n; m++) {
            for (int trial = 0; trial < 12; trial++) {
                unsigned parties[5];
                if (trial == 0)
                    for (unsigned j = 0; j < m; j++) parties[j] = j; /* 0,1,2(,3): the pair path */
                else
                    random_subset(n, m, parties);
                for (int c = 0; c < COUNT; c++) {
                    Fe sh[5];
                    fe_random(f, &truth[c]);
                    share_failures += shamir_share(f, &truth[c], 1, n, sh, NULL) != 0;
                    for (unsigned j = 0; j < m; j++) rows_mem[j][c] = sh[parties[j]];
                }
                /* block 0 clean; blocks 1 and 2 and the tail: one wrong
                 * share at sender trial % m, (trial + 1) % m, and a random one */
                Fe one;
                fe_one(f, &one);
                unsigned bad[3] = { (unsigned)trial % m, (unsigned)(trial + 1) % m, rnd(m) };
                for (int k = 0; k < 3; k++) {
                    size_t c = 256 * (size_t)(k + 1) + rnd(k == 2 ? 17 : 256);
                    fe_add(f, &rows_mem[bad[k]][c], &rows_mem[bad[k]][c], &one);
                }
                const Fe *rows[5];
                for (unsigned j = 0; j < m; j++) rows[j] = rows_mem[j];
                RobustBatch *b;
                CHECK(robust_batch_new(&b, f, n, 1, 1, parties, m) == ROBUST_OK);
                if (!b) continue;
                signed char status[COUNT];
                RobustStatus all = robust_batch_decode(b, rows, COUNT, secrets, NULL, status);
                RobustStatus all2 = robust_batch_decode(b, rows, COUNT, again, NULL, NULL);
                int any_need = 0;
                for (int c = 0; c < COUNT; c++) {
                    Fe vals[5], s1;
                    for (unsigned j = 0; j < m; j++) vals[j] = rows_mem[j][c];
                    RobustStatus st = robust_decode(f, n, 1, 1, parties, vals, m, &s1, NULL);
                    any_need |= st != ROBUST_OK;
                    wrong += st != status[c];
                    if (st == ROBUST_OK)
                        wrong += !fe_equal(&secrets[c], &s1) || !fe_equal(&again[c], &s1) || !fe_equal(&s1, &truth[c]);
                    checked++;
                }
                CHECK(all == all2 && all == (any_need ? ROBUST_NEED_MORE : ROBUST_OK));
                /* with every share (m = n = 5) one wrong share is corrected */
                if (m == 5) CHECK(!any_need);
                robust_batch_free(b);
            }
        }
    }
    CHECK_MSG(wrong == 0 && checked > 0 && share_failures == 0, "%ld of %ld values differ from the single decoder",
              wrong, checked);
}

/* Large n: the batch decoder checks a block of values with one random
 * combination.  A block with one wrong share among the first d+1 senders
 * (the ones the secret is computed from) must still decode right: the
 * combined check has to catch it and send the block to the per-value path. */
TEST(robust_batch_block_check)
{
    enum { N = 16, T = 5, COUNT = 700 };
    static Fe rows_mem[N][COUNT], truth[COUNT], secrets[COUNT];
    const Field *f = fields[0];
    unsigned parties[N];
    const Fe *rows[N];
    for (unsigned j = 0; j < N; j++) {
        parties[j] = j;
        rows[j] = rows_mem[j];
    }
    for (unsigned d = T; d <= 2 * T; d += T) {
        long share_failures = 0;
        for (int c = 0; c < COUNT; c++) {
            Fe sh[N];
            fe_random(f, &truth[c]);
            share_failures += shamir_share(f, &truth[c], d, N, sh, NULL) != 0;
            for (unsigned j = 0; j < N; j++) rows_mem[j][c] = sh[j];
        }
        /* block 1: sender 0 is off in one codeword; block 2: sender d */
        Fe one;
        fe_one(f, &one);
        fe_add(f, &rows_mem[0][300], &rows_mem[0][300], &one);
        fe_add(f, &rows_mem[d][600], &rows_mem[d][600], &one);
        RobustBatch *b;
        CHECK(robust_batch_new(&b, f, N, T, d, parties, N) == ROBUST_OK);
        if (!b) continue;
        /* d = 2t with n = 3t+1 leaves no room to correct: those two
         * codewords must come back undecoded, never wrong */
        int corrects = N - 1 >= d + T + 1;
        signed char status[COUNT];
        CHECK(robust_batch_decode(b, rows, COUNT, secrets, NULL, status) == (corrects ? ROBUST_OK : ROBUST_NEED_MORE));
        long wrong = 0;
        for (int c = 0; c < COUNT; c++) {
            if (!corrects && (c == 300 || c == 600))
                wrong += status[c] != ROBUST_NEED_MORE;
            else
                wrong += status[c] != ROBUST_OK || !fe_equal(&secrets[c], &truth[c]);
        }
        CHECK_MSG(wrong == 0 && share_failures == 0, "n=%d t=%d d=%u: %ld values wrong", N, T, d, wrong);
        robust_batch_free(b);
    }
}

TEST(robust_batch_too_few_senders)
{
    const Field *f = &field_bls12_381;
    unsigned parties[3] = { 0, 2, 3 }; /* n=4, t=1, d=1: need 3 -> ok */
    Fe r0[2], r1[2], r2[2], sh[4], out[2];
    for (int c = 0; c < 2; c++) {
        Fe s;
        fe_from_u64(f, &s, (uint64_t)c + 5);
        CHECK(shamir_share(f, &s, 1, 4, sh, NULL) == 0);
        r0[c] = sh[0];
        r1[c] = sh[2];
        r2[c] = sh[3];
    }
    const Fe *rows[3] = { r0, r1, r2 };
    signed char st[2];
    RobustBatch *b;
    CHECK(robust_batch_new(&b, f, 4, 1, 1, parties, 3) == ROBUST_OK);
    CHECK(robust_batch_decode(b, rows, 2, out, NULL, st) == ROBUST_OK);
    int64_t v0 = 0, v1 = 0;
    CHECK(fe_to_i64_signed(f, &v0, &out[0]) == 0 && v0 == 5);
    CHECK(fe_to_i64_signed(f, &v1, &out[1]) == 0 && v1 == 6);
    robust_batch_free(b);
    /* two senders for need = 3 */
    CHECK(robust_batch_new(&b, f, 4, 1, 1, parties, 2) == ROBUST_OK);
    CHECK(robust_batch_decode(b, rows, 2, out, NULL, st) == ROBUST_NEED_MORE);
    CHECK(st[0] == ROBUST_NEED_MORE && st[1] == ROBUST_NEED_MORE);
    robust_batch_free(b);
    /* zero senders, zero codewords */
    CHECK(robust_batch_new(&b, f, 4, 1, 1, parties, 0) == ROBUST_OK);
    CHECK(robust_batch_decode(b, rows, 0, out, NULL, NULL) == ROBUST_OK);
    robust_batch_free(b);
    robust_batch_free(NULL);
}

/* ---- distribution of shares ---------------------------------------------- */

/* Chi-square statistic of the low bits of canonical shares: 16 bins. */
static double chi_square_16(const unsigned *counts, unsigned total)
{
    double e = total / 16.0, x = 0;
    for (int i = 0; i < 16; i++) x += (counts[i] - e) * (counts[i] - e) / e;
    return x;
}

/* P(chi2 with 15 df > 70) is 4.5e-9: a correct implementation fails one of
 * these checks with probability below 1e-7 in all. */
#define CHI2_15_LIMIT 70.0

static double share_chi2(const Field *f, unsigned n, unsigned t, const Fe *secret, unsigned party, int public_sharing,
                         unsigned samples)
{
    unsigned counts[16] = { 0 };
    for (unsigned s = 0; s < samples; s++) {
        Fe sh[10];
        uint8_t b[32];
        if (public_sharing)
            shamir_share_public(secret, n, sh);
        else if (shamir_share(f, secret, t, n, sh, NULL) != 0)
            return 1e9;
        fe_to_bytes(f, b, &sh[party]);
        counts[b[0] & 15]++;
    }
    return chi_square_16(counts, samples);
}

TEST(single_share_is_uniform)
{
    const unsigned samples = 8000;
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = fields[fi];
        Fe s0, s1;
        fe_zero(&s0);
        fe_from_i64(f, &s1, -1); /* p - 1: low bits all set */
        for (int ci = 0; ci < 3; ci++) {
            unsigned n = configs[ci][0], t = configs[ci][1];
            unsigned party = fi == 0 ? 0 : n - 1;
            double x0 = share_chi2(f, n, t, &s0, party, 0, samples);
            double x1 = share_chi2(f, n, t, &s1, party, 0, samples);
            CHECK_MSG(x0 < CHI2_15_LIMIT, "%s n=%u party %u secret 0: chi2 %.1f", f->name, n, party, x0);
            CHECK_MSG(x1 < CHI2_15_LIMIT, "%s n=%u party %u secret -1: chi2 %.1f", f->name, n, party, x1);
        }
    }
    /* the statistic has power: a degree-0 sharing is caught at once */
    Fe c;
    fe_from_u64(&field_bls12_381, &c, 3);
    CHECK(share_chi2(&field_bls12_381, 4, 1, &c, 0, 1, 1000) > 1000);
}

TEST(t_shares_jointly_uniform)
{
    /* n=7, t=2: parties 1 and 5 together, 2 low bits each -> 16 bins */
    const Field *f = &field_bls12_381;
    const unsigned samples = 8000;
    Fe secrets[2];
    fe_zero(&secrets[0]);
    fe_from_u64(f, &secrets[1], 12345);
    for (int si = 0; si < 2; si++) {
        unsigned counts[16] = { 0 };
        for (unsigned s = 0; s < samples; s++) {
            Fe sh[7];
            uint8_t b1[32], b5[32];
            if (shamir_share(f, &secrets[si], 2, 7, sh, NULL) != 0) break;
            fe_to_bytes(f, b1, &sh[1]);
            fe_to_bytes(f, b5, &sh[5]);
            counts[(b1[0] & 3) | (b5[0] & 3) << 2]++;
        }
        double x = chi_square_16(counts, samples);
        CHECK_MSG(x < CHI2_15_LIMIT, "secret %d: chi2 %.1f", si, x);
    }
}

int main(void)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    RUN(any_t_plus_1_shares_reconstruct);
    RUN(fewer_than_t_plus_1_shares_do_not_determine);
    RUN(public_constant_shares);
    RUN(local_operations);
    RUN(lagrange_weights_and_basis);
    RUN(invalid_arguments);
    RUN(robust_never_wrong_randomised);
    RUN(robust_corrects_t_errors);
    RUN(robust_degree_2t);
    RUN(robust_online_error_correction);
    RUN(robust_batch_matches_single);
    RUN(robust_batch_pair_path);
    RUN(robust_batch_block_check);
    RUN(robust_batch_too_few_senders);
    RUN(single_share_is_uniform);
    RUN(t_shares_jointly_uniform);
    return unit_report();
}
