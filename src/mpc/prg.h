/* prg.h: the ChaCha20 keystream of the preprocessing's seed expansions
 * (docs/mpc.md "Seeded rows").  The stream is Bernstein's original
 * ChaCha20 (64-bit nonce, 64-bit block counter), byte for byte what
 * libsodium's crypto_stream_chacha20_xor_ic gives; it is computed by
 * OpenSSL's implementation, which uses AVX-512 where the CPU has it (2.4
 * times libsodium 1.0.18's on the machine of docs/benchmarks.md
 * "Triples, third pass"), and by libsodium when OpenSSL's cannot be set
 * up.  Keys come from libsodium's randomness or from public challenges;
 * this only stretches them. */
#ifndef STOFFEL_MPC_PRG_H
#define STOFFEL_MPC_PRG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    void *ctx;       /* OpenSSL's cipher context; NULL: libsodium computes it */
    uint8_t key[32]; /* for libsodium (wiped by prg_stream_end) */
    uint8_t nonce[8];
    uint64_t block; /* the next 64-byte block (libsodium) */
} PrgStream;

/* Starts the keystream of (key, nonce) at 64-byte block `block`. */
void prg_stream_begin(PrgStream *s, const uint8_t key[32], const uint8_t nonce[8], uint64_t block);

/* The next len bytes of the keystream into out.  Every call but the
 * stream's last gives a multiple of 64 bytes. */
void prg_stream_bytes(PrgStream *s, uint8_t *out, size_t len);

/* Wipes the key and frees the context. */
void prg_stream_end(PrgStream *s);

/* len bytes of the keystream from block `block` on, in one call: short
 * ones by libsodium (setting up OpenSSL's context costs more than it
 * saves below a few kilobytes). */
void prg_stream_once(uint8_t *out, size_t len, const uint8_t key[32], const uint8_t nonce[8], uint64_t block);

#endif
