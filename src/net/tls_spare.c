/* tls_spare.c: the TLS transport's reused buffers (tls_internal.h): sends
 * go into an acknowledged batch's buffer, received frames given back take
 * later frames of their size, so a round touches no fresh pages.  Wiped
 * when freed, not on each reuse. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "net/frame.h"
#include "net/net_util.h"
#include "net/reconnect.h"
#include "net/tls_internal.h"

/* The next sends go into an acknowledged batch's buffer, if one is kept
 * (p->mu held).  At most one such idle buffer per peer: while the queue
 * is empty the kept one replaces its buffer if larger, else it is freed. */
void tls_settle_spare(Peer *p)
{
    if (!p->rs.spare || (p->out && p->out_len)) return;
    size_t cap;
    uint8_t *s = net_resend_take_spare(&p->rs, &cap);
    if (p->out && p->out_cap >= cap) {
        net_wipe_free(s, cap);
        return;
    }
    net_wipe_free(p->out, p->out_cap);
    p->out = s;
    p->out_cap = cap;
}

/* A kept buffer of cap bytes serves a need of need bytes: it holds them
 * without wasting most of itself. */
static bool fits(size_t cap, size_t need) { return cap >= need && cap / 4 <= need; }

/* Removes and returns the spare given back longest ago (n->mu held,
 * n_spare > 0). */
static uint8_t *remove_oldest(Net *n)
{
    unsigned old = 0;
    for (unsigned i = 1; i < n->n_spare; i++)
        if (n->spare[i].since < n->spare[old].since) old = i;
    uint8_t *b = n->spare[old].buf;
    n->spare[old] = n->spare[--n->n_spare];
    return b;
}

/* The decoder's take (frame.h): the smallest recycled frame that holds
 * len bytes without wasting most of it.  When none does, the traffic has
 * changed size (preprocessing's rows, then the online phase's openings):
 * the oldest spare, of the old size, goes, so the old size's spares do
 * not hold the places the new size needs (each round would then map and
 * fault in fresh frames). */
uint8_t *tls_take_spare(void *ctx, size_t len, size_t *cap)
{
    Net *n = ctx;
    if (len < TLS_SPARE_MIN) return NULL;
    uint8_t *b = NULL, *stale = NULL;
    pthread_mutex_lock(&n->mu);
    unsigned best = n->n_spare;
    for (unsigned i = 0; i < n->n_spare; i++)
        if (fits(n->spare[i].cap, len) && (best == n->n_spare || n->spare[i].cap < n->spare[best].cap)) best = i;
    if (best < n->n_spare) {
        b = n->spare[best].buf;
        *cap = n->spare[best].cap;
        n->spare[best] = n->spare[--n->n_spare];
    } else if (n->n_spare) {
        stale = remove_oldest(n);
    }
    pthread_mutex_unlock(&n->mu);
    free(stale); /* wiped by who gave it back */
    return b;
}

/* TransportOps.recycle: keeps a received message for a later frame of a
 * similar size (its pages stay mapped); the caller wiped it if it held
 * secrets.  At most two per peer are kept (a round's frames, and the next
 * round's, which other parties may send before this one is done); when
 * the places are full, the one given back longest ago goes. */
void tls_recycle(Transport *t, uint8_t *msg, size_t len)
{
    Net *n = t->impl;
    if (!msg || len < TLS_SPARE_MIN) {
        free(msg);
        return;
    }
    uint8_t *drop = NULL;
    pthread_mutex_lock(&n->mu);
    if (n->closed) {
        drop = msg;
    } else {
        unsigned keep = 2 * tls_nodes(n) < TLS_SPARES ? 2 * tls_nodes(n) : TLS_SPARES;
        if (n->n_spare >= keep) drop = remove_oldest(n);
        n->spare[n->n_spare++] = (TlsSpare){ msg, len, n->recycled++ };
    }
    pthread_mutex_unlock(&n->mu);
    free(drop);
}

/* TransportOps.discard: a received message that may hold secrets (an
 * opening's shares) is wiped and kept like a recycled one.  Received TLS
 * frames are private to their receiver, never shared.  Without this the
 * engine freed every round's frames, and each round's new ones faulted in
 * fresh pages (a 1.6 MB frame per peer and round: 800 page faults each). */
void tls_discard(Transport *t, uint8_t *msg, size_t len)
{
    if (!msg) return;
    sodium_memzero(msg, len);
    tls_recycle(t, msg, len);
}

static void shared_free(NetShared *sh)
{
    if (sh) {
        net_wipe_free(sh->buf, sh->cap);
        free(sh);
    }
}

/* NetShared.release: the last peer let go of a shared frame.  The
 * TLS_SHARED_SPARES largest are kept for the next send_many (not wiped:
 * each held one opening's message, and later ones overwrite it), the
 * other wiped and freed. */
static void shared_release(NetShared *sh)
{
    Net *n = sh->ctx;
    NetShared *drop = sh;
    pthread_mutex_lock(&n->sh_mu);
    if (n->n_sh_spare < TLS_SHARED_SPARES) {
        n->sh_spare[n->n_sh_spare++] = sh;
        drop = NULL;
    } else {
        unsigned small = 0;
        for (unsigned i = 1; i < n->n_sh_spare; i++)
            if (n->sh_spare[i]->cap < n->sh_spare[small]->cap) small = i;
        if (n->sh_spare[small]->cap < sh->cap) {
            drop = n->sh_spare[small];
            n->sh_spare[small] = sh;
        }
    }
    pthread_mutex_unlock(&n->sh_mu);
    shared_free(drop);
}

NetShared *tls_shared_new(Net *n, const uint8_t *msg, size_t len, unsigned refs)
{
    size_t need = len + 4;
    NetShared *sh = NULL;
    pthread_mutex_lock(&n->sh_mu);
    unsigned best = n->n_sh_spare; /* the smallest that fits without wasting most of it */
    for (unsigned i = 0; i < n->n_sh_spare; i++) {
        size_t cap = n->sh_spare[i]->cap;
        if (fits(cap, need) && (best == n->n_sh_spare || cap < n->sh_spare[best]->cap)) best = i;
    }
    if (best < n->n_sh_spare) {
        sh = n->sh_spare[best];
        n->sh_spare[best] = n->sh_spare[--n->n_sh_spare];
    }
    pthread_mutex_unlock(&n->sh_mu);
    if (!sh) {
        sh = calloc(1, sizeof *sh);
        uint8_t *b = sh ? malloc(need) : NULL;
        if (!b) {
            free(sh);
            return NULL;
        }
        sh->buf = b;
        sh->cap = need;
        sh->release = shared_release;
        sh->ctx = n;
    }
    net_frame_header(sh->buf, (uint32_t)len);
    if (len) memcpy(sh->buf + 4, msg, len);
    sh->len = need;
    atomic_store(&sh->refs, refs);
    return sh;
}

void tls_shared_free_spare(Net *n)
{
    pthread_mutex_lock(&n->sh_mu);
    unsigned k = n->n_sh_spare;
    NetShared *sh[TLS_SHARED_SPARES];
    memcpy(sh, n->sh_spare, k * sizeof *sh);
    n->n_sh_spare = 0;
    pthread_mutex_unlock(&n->sh_mu);
    for (unsigned i = 0; i < k; i++) shared_free(sh[i]);
}
