/* randint.c: shares of uniformly random bounded integers (Share.random_int),
 * built from the preprocessed random bits, so no party learns the value and
 * no online round is needed once the bits exist. */
#include "mpc/engine_internal.h"

/* Bits are taken this many values at a time, so the pool stays small. */
#define RANDINT_CHUNK ((size_t)4096)

int mpc_random_int(MpcEngine *e, unsigned bits, Fe *out, size_t n)
{
    const Field *f = e->f;
    if (bits == 0 || bits > 64) return mpc_fail(e, "mpc_random_int: bit width %u is not between 1 and 64", bits);
    if (n && !out) return mpc_fail(e, "mpc_random_int: missing array");
    while (n) {
        size_t chunk = n < RANDINT_CHUNK ? n : RANDINT_CHUNK;
        if (ensure_bits(e, chunk * bits) != 0) return -1;
        const Fe *b = pool_head(&e->bit);
        for (size_t i = 0; i < chunk; i++) {
            const Fe *bi = b + i * bits;
            Fe acc;
            fe_zero(&acc);
            /* Horner over the low bits (at most 63): additions only */
            unsigned low = bits < 64 ? bits : 63;
            for (unsigned j = low; j-- > 0;) {
                fe_add(f, &acc, &acc, &acc);
                fe_add(f, &acc, &acc, &bi[j]);
            }
            if (bits == 64) {
                /* two's complement: the top bit weighs -2^63, so the value
                 * is uniform over the whole int64 range */
                Fe top, w;
                fe_from_i64(f, &w, INT64_MIN);
                fe_mul(f, &top, &bi[63], &w);
                fe_add(f, &acc, &acc, &top);
            }
            out[i] = acc;
        }
        pool_consume(&e->bit, chunk * bits);
        e->st.bits_used += chunk * bits;
        out += chunk;
        n -= chunk;
    }
    return 0;
}
