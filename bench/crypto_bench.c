/* crypto_bench.c: microseconds per curve-group operation (src/crypto/):
 * the hand-written BLS12-381 and BN254 groups and the library-backed
 * ed25519 (libsodium), secp256k1 (libsecp256k1) and P-256 (OpenSSL).  Not
 * a test: it prints figures and never fails on timing.
 *
 *   make bench-crypto                 (part of `make bench`)
 *   build/crypto_bench [iterations]   (default 200 per operation)
 *
 * Each figure is the best of 5 runs of `iterations` operations, timed in
 * the thread's CPU time (the machine is shared: wall time would count the
 * time other processes ran; the minimum is the cleanest).  Scalars are random, so the
 * constant-time multiplications do their full work. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/group.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

enum { OP_MUL, OP_MUL_BASE, OP_ADD, OP_ENCODE, OP_DECODE, OP_HASH };
static const char *const OP_NAMES[] = { "mul (variable base)", "mul_base (fixed base)", "add",
                                        "encode (compressed)", "decode (checked)",      "hash_to_g1" };
static uint64_t sink;

static double run(const Group *g, int op, long iters)
{
    GroupPoint p, q;
    uint8_t k[32], enc[GROUP_MAX_ENC], w[64];
    char err[128];
    randombytes_buf(w, sizeof w);
    group_scalar_reduce(g, k, w, sizeof w);
    g->mul_base(&p, k);
    g->encode(&p, enc);
    q = p;
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double t0 = now_us();
        for (long i = 0; i < iters; i++) {
            switch (op) {
            case OP_MUL:
                g->mul(&q, &p, k);
                k[0] ^= (uint8_t)i;
                break;
            case OP_MUL_BASE:
                g->mul_base(&q, k);
                k[0] ^= (uint8_t)i;
                break;
            case OP_ADD: g->add(&q, &q, &p); break;
            case OP_ENCODE: g->encode(&q, enc); break;
            case OP_DECODE: g->decode(&q, enc, g->enc_len, err, sizeof err); break;
            case OP_HASH:
                enc[0] = (uint8_t)i;
                enc[1] = (uint8_t)(i >> 8);
                g->hash_to_group(&q, enc, 32, err, sizeof err);
                break;
            }
        }
        double dt = (now_us() - t0) / (double)iters;
        if (dt < best) best = dt;
    }
    g->encode(&q, enc);
    sink ^= enc[1];
    return best;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 200;
    if (iters < 1 || sodium_init() < 0) return 1;
    const Group *groups[] = { &group_bls12_381_g1, &group_bls12_381_g2, &group_bn254_g1,
                              &group_ed25519,      &group_secp256k1,    &group_p256 };
    printf("curve groups: microseconds of CPU time per operation (best of 5 x %ld)\n", iters);
    printf("%-16s %10s %10s %10s %10s %10s %10s\n", "group", "mul", "mul_base", "add", "encode", "decode", "hash");
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        const Group *g = groups[i];
        printf("%-16s", g->name);
        for (int op = OP_MUL; op <= OP_HASH; op++) {
            if (op == OP_HASH && !g->hash_to_group) {
                printf(" %10s", "-");
                continue;
            }
            long n = op == OP_ADD || op == OP_ENCODE ? iters * 10 : iters;
            printf(" %10.2f", run(g, op, n));
            fflush(stdout);
        }
        printf("\n");
    }
    printf("(%s; goals: bls12-381-g1 mul < 150 us, hash_to_g1 < 300 us)\n", OP_NAMES[0]);
    return (int)(sink & 0);
}
