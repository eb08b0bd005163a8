/* preproc_sign.c: per-session Ed25519 keys of preprocessing, and the
 * signatures on degree-2t openings that make an equivocating sender
 * provable (docs/mpc.md "A wrong degree-2t share").
 *
 * Keys are made only after the first fallback of a session that proved
 * nobody (an honest session never signs): every party draws a key pair
 * and announces its public key over preprocessing's reliable broadcast,
 * so all honest parties hold the same keys.  From then on every open-2t
 * message carries the sender's signature over a digest of its shares.
 * Signatures are checked lazily: only by a party whose decoding failed,
 * and by everyone on the evidence such a party broadcasts.  A validly
 * signed message whose shares differ from what its sender broadcast is a
 * proof that the sender is faulty. */
#include "mpc/engine_internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct PpSign {
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    uint8_t pk[SHAMIR_MAX_PARTIES][crypto_sign_PUBLICKEYBYTES];
    uint8_t have[SHAMIR_MAX_PARTIES]; /* a key announced by that party */
};

/* 16 bytes per element (two limbs, the rest zero): always below p, so
 * the broadcast's range check passes whatever the bytes are. */
static void bytes_to_fe16(const uint8_t *b, size_t len, Fe *out)
{
    for (size_t k = 0; k < len / 16; k++) {
        memset(&out[k], 0, sizeof out[k]);
        for (int h = 0; h < 2; h++)
            for (int i = 0; i < 8; i++) out[k].v[h] |= (uint64_t)b[16 * k + 8 * (size_t)h + (size_t)i] << (8 * i);
    }
}

/* The inverse; 0 if an element has bits beyond its 16 bytes. */
static int fe16_to_bytes(const Fe *v, size_t len, uint8_t *b)
{
    for (size_t k = 0; k < len / 16; k++) {
        if (v[k].v[2] || v[k].v[3]) return 0;
        for (int h = 0; h < 2; h++)
            for (int i = 0; i < 8; i++) b[16 * k + 8 * (size_t)h + (size_t)i] = (uint8_t)(v[k].v[h] >> (8 * i));
    }
    return 1;
}

bool preproc_sign_on(const MpcEngine *e) { return e->pp_sign != NULL; }

void preproc_sign_free(MpcEngine *e)
{
    if (!e->pp_sign) return;
    sodium_memzero(e->pp_sign, sizeof *e->pp_sign);
    free(e->pp_sign);
    e->pp_sign = NULL;
}

int preproc_sign_start(MpcEngine *e, uint64_t seq)
{
    unsigned n = e->n;
    if (e->pp_sign) return 0;
    struct PpSign *s = calloc(1, sizeof *s);
    Fe mine[2], *all = malloc(2 * (size_t)n * sizeof *all);
    uint8_t bad[SHAMIR_MAX_PARTIES];
    if (!s || !all) {
        free(s);
        free(all);
        return mpc_fail(e, "out of memory");
    }
    crypto_sign_keypair(s->pk[e->self], s->sk);
    bytes_to_fe16(s->pk[e->self], crypto_sign_PUBLICKEYBYTES, mine);
    int rc = preproc_check_exchange(e, PP_TAG(12, seq), mine, 2, all, bad);
    for (unsigned j = 0; j < n && rc == 0; j++) {
        if (e->pp_bad[j] || j == e->self) continue;
        if (!bad[j] && fe16_to_bytes(all + 2 * (size_t)j, crypto_sign_PUBLICKEYBYTES, s->pk[j])) {
            s->have[j] = 1;
            continue;
        }
        preproc_check_convict(e, j);
        preproc_check_warn(e, "triple generation (open-2t round %llu): party %u broadcast a malformed signing key",
                           (unsigned long long)seq, j);
    }
    s->have[e->self] = 1;
    free(all);
    if (rc != 0) {
        sodium_memzero(s, sizeof *s);
        free(s);
        return rc;
    }
    e->pp_sign = s;
    return 0;
}

void preproc_sign_hash_fe(crypto_generichash_state *st, const Fe *v, size_t count)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    crypto_generichash_update(st, (const uint8_t *)v, count * sizeof *v);
#else
    enum { BLOCK = 64 };
    Fe tmp[BLOCK];
    for (size_t i = 0; i < count; i += BLOCK) {
        size_t k = count - i < BLOCK ? count - i : BLOCK;
        fe_copy(tmp, v + i, k);
        wire_limbs_to_le(tmp, k);
        crypto_generichash_update(st, (const uint8_t *)tmp, k * sizeof *tmp);
    }
#endif
}

void preproc_sign_digest(const Fe *v, size_t count, uint8_t out[PP_DIGEST])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, PP_DIGEST);
    preproc_sign_hash_fe(&st, v, count);
    crypto_generichash_final(&st, out, PP_DIGEST);
}

/* What is signed: the domain (what the shares are), the instance, the
 * round, the sender and receiver (ALL: every party), the number of shares
 * and their digest (so a signature is never valid for another session,
 * round, party or kind of message). */
enum { SIGNED_LEN = 52 + PP_DIGEST, ALL = 0xffffffffu };
static void signed_bytes(const MpcEngine *e, const char dom[16], unsigned from, unsigned to, uint64_t seq, size_t T,
                         const uint8_t dig[PP_DIGEST], uint8_t *m)
{
    memcpy(m, dom, 16);
    for (int i = 0; i < 8; i++) {
        m[16 + i] = (uint8_t)(e->instance >> (8 * i));
        m[24 + i] = (uint8_t)(seq >> (8 * i));
        m[32 + i] = (uint8_t)((uint64_t)T >> (8 * i));
    }
    for (int i = 0; i < 4; i++) {
        m[40 + i] = (uint8_t)(from >> (8 * i));
        m[44 + i] = (uint8_t)(to >> (8 * i));
        m[48 + i] = 0;
    }
    memcpy(m + 52, dig, PP_DIGEST);
}
static const char DOM_OPEN[16] = "stoffel open2t1", DOM_ROW[16] = "stoffel dealrow";

static void sign_any(const MpcEngine *e, const char dom[16], unsigned to, uint64_t seq, const Fe *v, size_t T,
                     Fe sig[PP_SIG_FE])
{
    uint8_t dig[PP_DIGEST], m[SIGNED_LEN], s[crypto_sign_BYTES];
    preproc_sign_digest(v, T, dig);
    signed_bytes(e, dom, e->self, to, seq, T, dig, m);
    crypto_sign_detached(s, NULL, m, sizeof m, e->pp_sign->sk);
    bytes_to_fe16(s, sizeof s, sig);
    sodium_memzero(dig, sizeof dig);
}

static int check_any(const MpcEngine *e, const char dom[16], unsigned from, unsigned to, uint64_t seq, const Fe *v,
                     size_t T, const Fe sig[PP_SIG_FE], uint8_t dig[PP_DIGEST])
{
    uint8_t m[SIGNED_LEN], s[crypto_sign_BYTES];
    preproc_sign_digest(v, T, dig);
    if (!e->pp_sign || from >= e->n || !e->pp_sign->have[from] || !fe16_to_bytes(sig, sizeof s, s)) return 0;
    signed_bytes(e, dom, from, to, seq, T, dig, m);
    return crypto_sign_verify_detached(s, m, sizeof m, e->pp_sign->pk[from]) == 0;
}

void preproc_sign_shares(const MpcEngine *e, uint64_t seq, const Fe *v, size_t T, Fe sig[PP_SIG_FE])
{
    sign_any(e, DOM_OPEN, ALL, seq, v, T, sig);
}

int preproc_sign_check(const MpcEngine *e, unsigned from, uint64_t seq, const Fe *v, size_t T, const Fe sig[PP_SIG_FE],
                       uint8_t dig[PP_DIGEST])
{
    return check_any(e, DOM_OPEN, from, ALL, seq, v, T, sig, dig);
}

void preproc_sign_row(const MpcEngine *e, uint64_t deal_seq, unsigned to, const Fe *row, size_t count,
                      Fe sig[PP_SIG_FE])
{
    sign_any(e, DOM_ROW, to, deal_seq, row, count, sig);
    if ((e->test_fault == TEST_BAD_OPEN2T_NOSIG && to == (e->self + 1) % e->n) ||
        (e->test_fault == TEST_BAD_OPEN2T_LIE3 && to == 0)) /* a test cheater's bad signature */
        sig[0].v[0] ^= 1;
}

int preproc_sign_row_check(const MpcEngine *e, uint64_t deal_seq, unsigned from, unsigned to, const Fe *row,
                           size_t count, const Fe sig[PP_SIG_FE])
{
    uint8_t dig[PP_DIGEST];
    int ok = check_any(e, DOM_ROW, from, to, deal_seq, row, count, sig, dig);
    sodium_memzero(dig, sizeof dig);
    return ok;
}

void preproc_sign_dealing_check(MpcEngine *e, uint64_t deal_seq, unsigned from, Fe *row, size_t count)
{
    if (preproc_sign_row_check(e, deal_seq, from, e->self, row, count, row + count)) return;
    /* unprovable as it stands: make this party's check value about the
     * dealer wrong, so that the dealer has to open the row it committed
     * to, which this party then holds (preproc_check.c) */
    Fe one;
    fe_one(e->f, &one);
    fe_add(e->f, &row[count - 1], &row[count - 1], &one);
    preproc_check_warn(e, "preprocessing (deal round %llu): party %u's dealing to party %u is not validly signed",
                       (unsigned long long)deal_seq, from, e->self);
}
