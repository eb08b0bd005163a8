/* prg.c: ChaCha20 keystreams through OpenSSL, the same bytes as
 * libsodium's (prg.h). */
#include "mpc/prg.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

void prg_stream_begin(PrgStream *s, const uint8_t key[32], const uint8_t nonce[8], uint64_t block)
{
    memcpy(s->key, key, sizeof s->key);
    memcpy(s->nonce, nonce, sizeof s->nonce);
    s->block = block;
    /* OpenSSL's IV is the state's words 12..15: a 32-bit counter and a
     * 96-bit nonce.  Its counter carries into word 13 (the provider
     * handles the overflow), so the low and high halves of the 64-bit
     * block counter and the 64-bit nonce are the original ChaCha20. */
    uint8_t iv[16];
    for (int i = 0; i < 8; i++) iv[i] = (uint8_t)(block >> (8 * i));
    memcpy(iv + 8, nonce, 8);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx && EVP_EncryptInit_ex(ctx, EVP_chacha20(), NULL, key, iv) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        ctx = NULL;
    }
    s->ctx = ctx;
}

void prg_stream_bytes(PrgStream *s, uint8_t *out, size_t len)
{
    memset(out, 0, len); /* the keystream is the encryption of zeros */
    while (s->ctx && len) {
        int step = len > (1u << 30) ? 1 << 30 : (int)len, got = 0;
        if (EVP_EncryptUpdate(s->ctx, out, &got, out, step) != 1 || got != step) {
            /* cannot happen for a stream cipher; go on with libsodium from
             * the next whole block (the callers ask for whole blocks) */
            EVP_CIPHER_CTX_free(s->ctx);
            s->ctx = NULL;
            memset(out, 0, len);
            break;
        }
        out += step;
        len -= (size_t)step;
        s->block += (uint64_t)step / 64;
    }
    if (!len) return;
    crypto_stream_chacha20_xor_ic(out, out, len, s->nonce, s->block, s->key);
    s->block += (len + 63) / 64;
}

void prg_stream_end(PrgStream *s)
{
    EVP_CIPHER_CTX_free(s->ctx); /* OpenSSL wipes the key schedule */
    s->ctx = NULL;
    sodium_memzero(s->key, sizeof s->key);
}

void prg_stream_once(uint8_t *out, size_t len, const uint8_t key[32], const uint8_t nonce[8], uint64_t block)
{
    if (len < 4096) {
        memset(out, 0, len);
        crypto_stream_chacha20_xor_ic(out, out, len, nonce, block, key);
        return;
    }
    PrgStream s;
    prg_stream_begin(&s, key, nonce, block);
    prg_stream_bytes(&s, out, len);
    prg_stream_end(&s);
}
