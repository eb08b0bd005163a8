/* test_prg.c: the seed expansions' ChaCha20 keystream (prg.c, through
 * OpenSSL) against libsodium's crypto_stream_chacha20_xor_ic, which
 * defined the stream before: random keys and nonces, block counters
 * across the 32-bit boundary (OpenSSL's counter is 32 bits and carries
 * into the nonce word), whole streams and the same stream in pieces. */
#include <sodium.h>
#include <stdlib.h>

#include "mpc/prg.h"
#include "unit.h"

static int same_as_sodium(const uint8_t *got, size_t len, const uint8_t key[32], const uint8_t nonce[8], uint64_t block)
{
    uint8_t *want = calloc(1, len ? len : 1);
    if (!want) return 0;
    crypto_stream_chacha20_xor_ic(want, want, len, nonce, block, key);
    int ok = memcmp(got, want, len) == 0;
    free(want);
    return ok;
}

TEST(whole_streams)
{
    static const uint64_t blocks[] = { 0, 1, 7, 0xfffffffcULL, 0xffffffffULL, 0x100000000ULL, 0x1fffffffeULL };
    static const size_t lens[] = { 0, 1, 32, 63, 64, 65, 4095, 4096, 8192, 70000 };
    uint8_t *out = malloc(70000);
    if (!out) return;
    for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++)
        for (size_t l = 0; l < sizeof lens / sizeof *lens; l++) {
            uint8_t key[32], nonce[8];
            randombytes_buf(key, sizeof key);
            randombytes_buf(nonce, sizeof nonce);
            PrgStream s;
            prg_stream_begin(&s, key, nonce, blocks[b]);
            prg_stream_bytes(&s, out, lens[l]);
            prg_stream_end(&s);
            CHECK_MSG(same_as_sodium(out, lens[l], key, nonce, blocks[b]), "block %llu, %zu bytes",
                      (unsigned long long)blocks[b], lens[l]);
            prg_stream_once(out, lens[l], key, nonce, blocks[b]);
            CHECK_MSG(same_as_sodium(out, lens[l], key, nonce, blocks[b]), "once: block %llu, %zu bytes",
                      (unsigned long long)blocks[b], lens[l]);
        }
    free(out);
}

/* The callers' way: pieces of whole blocks, the last one any length. */
TEST(pieces)
{
    enum { LEN = 64 * 300 + 17 };
    uint8_t *out = malloc(LEN);
    if (!out) return;
    for (int rep = 0; rep < 20; rep++) {
        uint8_t key[32], nonce[8];
        randombytes_buf(key, sizeof key);
        randombytes_buf(nonce, sizeof nonce);
        uint64_t block = rep & 1 ? 0xffffffffULL - (uint64_t)randombytes_uniform(200) : randombytes_random();
        PrgStream s;
        prg_stream_begin(&s, key, nonce, block);
        size_t done = 0;
        while (done < LEN) {
            size_t step = 64 * (1 + (size_t)randombytes_uniform(40));
            if (step > LEN - done) step = LEN - done;
            prg_stream_bytes(&s, out + done, step);
            done += step;
        }
        prg_stream_end(&s);
        CHECK_MSG(same_as_sodium(out, LEN, key, nonce, block), "rep %d from block %llu", rep,
                  (unsigned long long)block);
        uint8_t zero[32] = { 0 };
        CHECK(memcmp(s.key, zero, sizeof zero) == 0); /* wiped */
    }
    free(out);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(whole_streams);
    RUN(pieces);
    return unit_report();
}
