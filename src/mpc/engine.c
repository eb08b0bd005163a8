/* engine.c: the engine object, message plumbing (send, receive, stash of
 * early messages, collection of one round) and the robust opening round
 * every protocol uses.  Protocols: preproc.c, online.c, client.c. */
#include "mpc/engine_internal.h"
#include "mpc/prg.h"
#include "mpc/rbc.h"

#include "core/clock.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mpc_fail(MpcEngine *e, const char *fmt, ...)
{
    if (e->mem_failed) return -1; /* the limit error is the reason, whatever failed after it */
    va_list ap;
    va_start(ap, fmt);
    int k = snprintf(e->err, sizeof e->err, "party %u: ", e->self);
    if (k < 0 || (size_t)k >= sizeof e->err) k = 0;
    vsnprintf(e->err + k, sizeof e->err - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- memory accounting ---------------------------------------------------- */

int mpc_mem_charge(MpcEngine *e, size_t old_bytes, size_t new_bytes, const char *what)
{
    if (e->mem_failed && new_bytes > old_bytes) return -1;
    if (e->charge && !e->charge(e->charge_ud, old_bytes, new_bytes)) {
        mpc_fail(e, "Heap limit exceeded (%zu bytes): %s needs %zu bytes more", e->mem_limit, what,
                 new_bytes - old_bytes);
        e->mem_failed = true;
        return -1;
    }
    e->charged = e->charged - old_bytes + new_bytes;
    if (e->charged > e->charged_peak) e->charged_peak = e->charged;
    return 0;
}

void mpc_set_mem_cap(MpcEngine *e, MpcChargeFn charge, void *ud, size_t limit)
{
    if (e->charge) e->charge(e->charge_ud, e->charged, 0);
    e->charge = charge;
    e->charge_ud = ud;
    e->mem_limit = limit;
    if (charge && e->charged && !charge(ud, 0, e->charged)) {
        mpc_fail(e, "Heap limit exceeded (%zu bytes): the MPC engine already holds %zu bytes", limit, e->charged);
        e->mem_failed = true;
        e->charge = NULL; /* nothing was charged */
    }
}

size_t mpc_mem_charged(const MpcEngine *e, size_t *peak)
{
    if (peak) *peak = e->charged_peak;
    return e->charged;
}

/* ---- time ---------------------------------------------------------------- */

void deadline_in(struct timespec *dl, int ms) { mono_deadline(dl, ms); }

int ms_left(const struct timespec *dl)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(dl->tv_sec - now.tv_sec) * 1000 + (dl->tv_nsec - now.tv_nsec) / 1000000;
    if (ms <= 0) {
        /* round a partial millisecond up so the last wait still happens */
        if (dl->tv_sec > now.tv_sec || (dl->tv_sec == now.tv_sec && dl->tv_nsec > now.tv_nsec)) return 1;
        return 0;
    }
    return ms > 1000000000 ? 1000000000 : (int)ms;
}

/* ---- pools ---------------------------------------------------------------- */

void *pool_head(const Pool *p) { return p->mem ? p->mem + p->head * p->esz : NULL; }

void *mpc_pool_take(Pool *p, size_t k)
{
    void *first = pool_head(p);
    p->head += k;
    p->n -= k;
    if (!p->n) p->head = 0;
    return first;
}

void pool_consume(Pool *p, size_t k)
{
    if (k) sodium_memzero(mpc_pool_take(p, k), k * p->esz);
}

/* Room for k more records at the tail.  Moves never leave a copy of a
 * secret behind: vacated bytes are wiped, and growing copies into a fresh
 * block and wipes the old one (realloc would free it unwiped). */
int pool_append(Pool *p, size_t k, void **where)
{
    if (p->head + p->n + k > p->cap && p->head) {
        memmove(p->mem, p->mem + p->head * p->esz, p->n * p->esz);
        /* the old places of the moved records that the move did not
         * cover; below head the taken records were wiped when taken (a
         * second wipe of a whole triple batch was 2 % of a run) */
        size_t stale_from = p->n > p->head ? p->n : p->head, stale_to = p->head + p->n;
        sodium_memzero(p->mem + stale_from * p->esz, (stale_to - stale_from) * p->esz);
        p->head = 0;
    }
    if (p->n + k > p->cap) {
        size_t ncap = p->cap ? p->cap : 1024;
        while (ncap < p->n + k) ncap *= 2;
        if (p->acct && mpc_mem_charge(p->acct, p->cap * p->esz, ncap * p->esz, p->what) != 0) return -1;
        uint8_t *nm = malloc(ncap * p->esz);
        if (!nm) {
            if (p->acct) mpc_mem_charge(p->acct, ncap * p->esz, p->cap * p->esz, NULL);
            return -1;
        }
        if (p->mem) {
            memcpy(nm, p->mem, p->n * p->esz);
            sodium_memzero(p->mem, p->touched * p->esz);
            free(p->mem);
        }
        p->mem = nm;
        p->cap = ncap;
        p->touched = p->n;
    }
    *where = p->mem + (p->head + p->n) * p->esz;
    p->n += k;
    if (p->head + p->n > p->touched) p->touched = p->head + p->n;
    return 0;
}

void pool_free(Pool *p)
{
    if (p->mem) {
        /* beyond `touched` nothing was ever written: wiping it would only
         * fault never-used pages in */
        sodium_memzero(p->mem, p->touched * p->esz);
        free(p->mem);
        if (p->acct) mpc_mem_release(p->acct, p->cap * p->esz);
    }
    p->mem = NULL;
    p->head = p->n = p->cap = p->touched = 0;
}

/* ---- randomness ----------------------------------------------------------- */

/* Uniform elements < p: keystream masked to p's bit length, values >= p
 * dropped (about 10% for BLS12-381 Fr; how many were dropped, and where,
 * says nothing about the values kept).  The kept values move down over the
 * dropped ones and the rest is drawn again in one call, so a rejection
 * costs no keystream call of its own.  A uniform integer below p is also
 * a uniform Montgomery form, so no conversion is needed. */
void prg_fe(MpcEngine *e, Fe *out, size_t count)
{
    const Field *f = e->f;
    unsigned top = f->bits > 192 ? f->bits - 192 : 0;
    uint64_t mask = top >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << top) - 1);
    uint8_t nonce[8];
    size_t done = 0;
    while (done < count) {
        size_t chunk = count - done;
        if (chunk > ((size_t)1 << 20)) chunk = (size_t)1 << 20;
        for (int i = 0; i < 8; i++) nonce[i] = (uint8_t)(e->prg_nonce >> (8 * i));
        e->prg_nonce++;
        prg_stream_once((uint8_t *)(out + done), chunk * sizeof(Fe), e->prg_key, nonce, 0);
        size_t kept = done;
        for (size_t i = done; i < done + chunk; i++) {
            out[i].v[3] &= mask;
            uint64_t v3 = out[i].v[3];
            if (v3 < f->p[3] || (v3 == f->p[3] && wire_check_raw(f, &out[i], 1))) out[kept++] = out[i];
        }
        done = kept;
    }
}

/* ---- buffers ---------------------------------------------------------------- */

int grow_buf(MpcEngine *e, uint8_t **buf, size_t *cap, size_t bytes)
{
    if (bytes <= *cap) return 0;
    size_t ncap = *cap ? *cap : 4096;
    while (ncap < bytes) ncap *= 2;
    if (mpc_mem_charge(e, *cap, ncap, "a round's message") != 0) return -1;
    uint8_t *nb = malloc(ncap);
    if (!nb) {
        mpc_mem_charge(e, ncap, *cap, NULL);
        return -1;
    }
    if (*buf) {
        sodium_memzero(*buf, *cap);
        free(*buf);
    }
    *buf = nb;
    *cap = ncap;
    return 0;
}

Fe *msg_begin(MpcEngine *e, uint8_t kind, uint64_t seq, size_t count)
{
    if (count > MPC_MAX_ELEMS || grow_buf(e, &e->sbuf, &e->sbuf_cap, MPC_HDR + count * MPC_ELEM) != 0) return NULL;
    wire_put_hdr(e->sbuf, kind, (uint32_t)count, e->instance, seq);
    return (Fe *)(void *)(e->sbuf + MPC_HDR);
}

Fe *dec_buf(MpcEngine *e, size_t count)
{
    if (count > e->dec_cap) {
        size_t ncap = e->dec_cap ? e->dec_cap : 1024;
        while (ncap < count) ncap *= 2;
        if (mpc_mem_charge(e, e->dec_cap * sizeof(Fe), ncap * sizeof(Fe), "a round's results") != 0) return NULL;
        Fe *nd = malloc(ncap * sizeof *nd);
        if (!nd) {
            mpc_mem_charge(e, ncap * sizeof(Fe), e->dec_cap * sizeof(Fe), NULL);
            return NULL;
        }
        free(e->dec);
        e->dec = nd;
        e->dec_cap = ncap;
    }
    return e->dec;
}

/* ---- sending ---------------------------------------------------------------- */

/* A send's outcome: 0, or -1 (mpc_fail) if the transport was closed. */
static int sent(MpcEngine *e, int rc, size_t len)
{
    if (rc == TRANSPORT_OK) {
        e->st.bytes_sent += len;
        return 0;
    }
    if (rc == TRANSPORT_CLOSED) return mpc_fail(e, "transport closed");
    /* the receiver's queue is full or it is gone: its problem, not ours */
    e->st.send_failures++;
    return 0;
}

int send_node(MpcEngine *e, uint32_t to, const uint8_t *buf, size_t len)
{
    return sent(e, transport_send(e->tr, to, buf, len), len);
}

int send_parties(MpcEngine *e, const uint8_t *buf, size_t len)
{
    for (uint32_t j = 0; j < e->n; j++)
        if (j != e->self && send_node(e, j, buf, len) != 0) return -1;
    return 0;
}

/* send_parties with one copy the receivers share, where the transport
 * can.  Only for messages no receiver writes to: big-endian receivers
 * swap the limbs of raw elements in place, so there each gets its own. */
static int send_shared(MpcEngine *e, const uint32_t *to, size_t k, const uint8_t *buf, size_t len)
{
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
    if (e->tr->ops->send_many) {
        size_t failed = 0;
        if (e->tr->ops->send_many(e->tr, to, k, buf, len, &failed) == TRANSPORT_CLOSED)
            return mpc_fail(e, "transport closed");
        e->st.bytes_sent += (k - failed) * len;
        e->st.send_failures += failed;
        return 0;
    }
#endif
    for (size_t i = 0; i < k; i++)
        if (send_node(e, to[i], buf, len) != 0) return -1;
    return 0;
}

static int send_parties_shared(MpcEngine *e, const uint8_t *buf, size_t len)
{
    uint32_t to[SHAMIR_MAX_PARTIES];
    size_t k = 0;
    for (uint32_t j = 0; j < e->n; j++)
        if (j != e->self) to[k++] = j;
    return send_shared(e, to, k, buf, len);
}

/* ---- openings' shares: the ring at once, the rest held back ----------------- */

/* A receiver decodes a degree-d opening from d+t shares besides its own.
 * Every party sends its share at once to the d+t parties after it, so each
 * receiver gets those of the d+t parties before it (its ring), and sends
 * the rest with send_later: at n = 3t+1 and d = t, t of the 3t messages
 * leave the critical path and go out later, several in one write (over TLS
 * with 4 parties on 2 cores, one multiplication 0.106 -> 0.09 ms with 14 %
 * less CPU: docs/benchmarks.md, "Waiting without sleeping").  A receiver
 * whose ring lets it down (a share missing or wrong) still gets the others'
 * within TRANSPORT_LATER_MS, decodes as before, and asks them for every
 * share at once from then on (MK_EAGER, note_ring). */
static bool ring_applies(const MpcEngine *e, unsigned d, size_t len)
{
    return e->tr->ops->send_later && len <= MPC_LATER_MAX_BYTES && d + e->t + 1 < e->n;
}

/* Whether `to` is in the ring of the party `from`'s shares go to at once. */
static bool in_ring(const MpcEngine *e, unsigned d, uint32_t from, uint32_t to)
{
    uint32_t k = (to + e->n - from) % e->n; /* steps from `from` to `to` */
    return k >= 1 && k <= d + e->t;
}

/* Whether this party sends j its share of degree-d opening `seq` at once:
 * j is in its ring, asked for everything, or asked for this one. */
static bool gets_now(const MpcEngine *e, unsigned d, uint32_t j, uint64_t seq)
{
    return in_ring(e, d, e->self, j) || e->eager[j] || seq < e->want_below[j];
}

static int send_opening(MpcEngine *e, uint8_t kind, unsigned d, uint64_t seq, const uint8_t *buf, size_t len)
{
    bool hold = mpc_hold_applies(e, kind, d, len);
    if (!hold && !ring_applies(e, d, len)) return send_parties_shared(e, buf, len);
    uint32_t now[SHAMIR_MAX_PARTIES];
    size_t k = 0;
    for (uint32_t j = 0; j < e->n; j++)
        if (j != e->self && gets_now(e, d, j, seq)) now[k++] = j;
    if (send_shared(e, now, k, buf, len) != 0) return -1;
    k = 0;
    for (uint32_t j = 0; j < e->n; j++)
        if (j != e->self && !gets_now(e, d, j, seq)) now[k++] = j;
    if (hold) return mpc_hold_put(e, seq, now, k, buf, len);
    for (size_t i = 0; i < k; i++)
        if (sent(e, transport_send_later(e->tr, now[i], buf, len), len) != 0) return -1;
    return 0;
}

/* A large opening this party cannot decode yet from its ring: it asks the
 * parties that hold their shares back for them (MK_WANT, hold.c). */
static void ask_held(MpcEngine *e, unsigned d, uint64_t seq)
{
    uint8_t hdr[MPC_HDR];
    wire_put_hdr(hdr, MK_WANT, 0, e->instance, seq);
    for (uint32_t j = 0; j < e->n; j++) {
        if (j == e->self || e->excluded[j] || e->asked_eager[j] || in_ring(e, d, j, e->self)) continue;
        e->st.shares_asked++;
        if (send_node(e, j, hdr, sizeof hdr) != 0) return; /* closed: the next step fails */
    }
}

/* How long a large opening waits for its ring before asking for the
 * held-back shares: MPC_ASK_MS more than twice what the ring took lately
 * (a party on a loaded machine is often that slow: an ask it did not need
 * costs the bytes holding back saves), within the timeout. */
static int ask_after_ms(const MpcEngine *e)
{
    int64_t ms = MPC_ASK_MS + 2 * (int64_t)e->ring_wait_us / 1000;
    return ms < e->timeout_ms ? (int)ms : e->timeout_ms;
}

/* A large opening decoded from the ring alone after `us`: the estimate
 * follows a slower ring at once and a faster one by an eighth per opening. */
static void note_ring_wait(MpcEngine *e, int64_t us)
{
    uint64_t decayed = e->ring_wait_us - e->ring_wait_us / 8;
    e->ring_wait_us = us > 0 && (uint64_t)us > decayed ? (uint64_t)us : decayed;
}

/* Whether a share this party's ring owes it for the opening is still to come. */
static bool ring_pending(const MpcEngine *e, unsigned d)
{
    for (uint32_t j = 0; j < e->n; j++)
        if (j != e->self && in_ring(e, d, j, e->self) && !e->rows[j] && !e->excluded[j]) return true;
    return false;
}

/* After an opening this party decoded with the ring in use: if a share its
 * ring owes it was missing or its sender is excluded, it asks the parties
 * that hold theirs back for every share at once - right away for an
 * excluded party (that is for good), after `after` such openings in a row
 * otherwise (a silent party; a slow one rarely misses that often). */
static void note_ring(MpcEngine *e, unsigned d, unsigned after)
{
    bool missed = false, excluded = false;
    for (uint32_t j = 0; j < e->n; j++)
        if (in_ring(e, d, j, e->self)) {
            excluded |= e->excluded[j] != 0;
            missed |= !e->rows[j];
        }
    e->ring_misses = missed || excluded ? e->ring_misses + 1 : 0;
    if (!excluded && e->ring_misses < after) return;
    uint8_t hdr[MPC_HDR];
    wire_put_hdr(hdr, MK_EAGER, 0, e->instance, 0);
    for (uint32_t j = 0; j < e->n; j++) {
        if (j == e->self || e->asked_eager[j] || in_ring(e, d, j, e->self)) continue;
        e->asked_eager[j] = 1;
        e->st.eager_asked++;
        if (send_node(e, j, hdr, sizeof hdr) != 0) return; /* closed: the next step fails */
    }
}

/* ---- receiving ---------------------------------------------------------------- */

static bool party_kind(uint8_t kind)
{
    return kind == MK_OPEN || kind == MK_DEAL || kind == MK_SEED || kind == MK_CHECK || kind == MK_OPEN2T ||
           kind == MK_ECHO || kind == MK_ROOT || kind == MK_EXP || kind == MK_AVSS || kind == MK_EAGER ||
           kind == MK_WANT;
}

/* Dropped messages are wiped: a late or misrouted deal still holds shares
 * (transport_discard: a buffer other receivers share is only released). */
static void drop_bad(MpcEngine *e, uint8_t *msg, size_t len)
{
    e->st.bad_messages++;
    transport_discard(e->tr, msg, len);
}

/* A message of the round being collected: validate and keep, or drop. */
static int accept_current(MpcEngine *e, uint32_t from, uint8_t *msg, const MsgHdr *h)
{
    Gather *g = &e->g;
    uint32_t want = g->counts ? g->counts[from] : g->count;
    if (g->buf[from]) { /* a second message for the same round */
        drop_bad(e, msg, MPC_HDR + (size_t)h->count * MPC_ELEM);
        return 0;
    }
    if (h->count != want) {
        drop_bad(e, msg, MPC_HDR + (size_t)h->count * MPC_ELEM);
        return 0;
    }
    if (g->raw) {
        Fe *v = (Fe *)(void *)(msg + MPC_HDR);
        wire_limbs_from_le(v, want);
        if (!g->check_later && !wire_check_raw(e->f, v, want)) {
            drop_bad(e, msg, MPC_HDR + (size_t)h->count * MPC_ELEM);
            return 0;
        }
    }
    if (mpc_mem_charge(e, 0, MPC_HDR + (size_t)want * MPC_ELEM, "a received message") != 0) {
        transport_discard(e->tr, msg, MPC_HDR + (size_t)want * MPC_ELEM);
        return 0;
    }
    g->buf[from] = msg;
    g->nrecv++;
    return 1;
}

/* Where a message from `from` of kind h->kind is allowed at all. */
static bool sender_ok(const MpcEngine *e, uint32_t from, const MsgHdr *h)
{
    if (from >= e->n_nodes || from == e->self) return false;
    if (party_kind(h->kind)) return from < e->n;
    if (h->kind == MK_MASKED) return from >= e->n;
    return false; /* MK_MASK / MK_OUTPUT go to clients */
}

static void stash_put(MpcEngine *e, uint32_t from, uint8_t *msg, size_t len, const MsgHdr *h)
{
    if (e->stash_cnt[from] >= STASH_MAX_PER_SENDER || len > STASH_BYTES_PER_SENDER - e->stash_bytes[from]) {
        drop_bad(e, msg, len);
        return;
    }
    if (e->stash_n == e->stash_cap) {
        size_t ncap = e->stash_cap ? 2 * e->stash_cap : 64;
        Stashed *ns = realloc(e->stash, ncap * sizeof *ns);
        if (!ns) {
            drop_bad(e, msg, len);
            return;
        }
        e->stash = ns;
        e->stash_cap = ncap;
    }
    if (mpc_mem_charge(e, 0, len, "an early message") != 0) {
        transport_discard(e->tr, msg, len);
        return;
    }
    e->stash[e->stash_n++] = (Stashed){ msg, len, from, *h };
    e->stash_cnt[from]++;
    e->stash_bytes[from] += len;
}

/* A round whose messages are no longer needed.  While a round of the same
 * kind is gathered, the ones after it are still to come even when this
 * party has sent them already (round_internal sends a round's next
 * message before it gathers the one before). */
static bool round_over(const MpcEngine *e, uint8_t kind, uint64_t seq)
{
    return seq < (e->g.kind == kind ? e->g.seq : e->seq[kind]);
}

/* Routes one received message: 1 if it completed a sender of the current
 * round, 0 otherwise (stashed, late or dropped). */
int mpc_route_message(MpcEngine *e, uint32_t from, uint8_t *msg, size_t len)
{
    MsgHdr h;
    bool ours = wire_get_hdr(msg, len, &h) == 0 && h.instance == e->instance;
    if (ours && h.kind == MK_RBC) {
        rbc_route(e, from, msg, len); /* checks the sender itself, naming it */
        return 0;
    }
    if (!ours || !sender_ok(e, from, &h) || ((h.kind == MK_EAGER || h.kind == MK_WANT) && h.count)) {
        drop_bad(e, msg, len);
        return 0;
    }
    if (h.kind == MK_EAGER || h.kind == MK_WANT) {
        if (h.kind == MK_EAGER) /* from now on `from` gets every opening share at once */
            e->eager[from] = 1;
        else if (h.seq >= e->want_below[from]) /* and those of openings up to h.seq */
            e->want_below[from] = h.seq == UINT64_MAX ? UINT64_MAX : h.seq + 1;
        transport_recycle(e->tr, msg, len);
        uint64_t below = e->eager[from] ? UINT64_MAX : e->want_below[from];
        (void)mpc_hold_send(e, from, below); /* transport closed: the next step fails */
        return 0;
    }
    if (h.kind == MK_OPEN) mpc_hold_seen(e, from, h.seq);
    Gather *g = &e->g;
    if (g->kind && h.kind == g->kind && h.seq == g->seq) {
        if (g->from_clients != (from >= e->n)) {
            drop_bad(e, msg, len);
            return 0;
        }
        return accept_current(e, from, msg, &h);
    }
    if (round_over(e, h.kind, h.seq)) { /* a round already over: normal */
        if (h.kind == MK_OPEN) {
            /* shares of opened values are public (open_round does not wipe
             * them either): the transport may reuse the buffer */
            transport_recycle(e->tr, msg, len);
            return 0;
        }
        transport_discard(e->tr, msg, len);
        return 0;
    }
    if (h.seq >= e->seq[h.kind] && h.seq - e->seq[h.kind] >= STASH_MAX_AHEAD) {
        drop_bad(e, msg, len);
        return 0;
    }
    stash_put(e, from, msg, len, &h);
    return 0;
}

void gather_begin(MpcEngine *e, uint8_t kind, uint64_t seq, uint32_t count, bool raw)
{
    Gather *g = &e->g;
    g->kind = kind;
    g->seq = seq;
    g->from_clients = kind == MK_MASKED;
    g->raw = raw;
    g->check_later = false;
    g->counts = NULL;
    g->count = count;
    g->nrecv = 0;
    memset(g->buf, 0, e->n_nodes * sizeof *g->buf);
}

/* Takes the stashed messages of the current round, and drops those of
 * rounds that ended without needing them. */
static int gather_from_stash(MpcEngine *e)
{
    Gather *g = &e->g;
    int got = 0;
    size_t keep = 0;
    for (size_t i = 0; i < e->stash_n; i++) {
        Stashed *s = &e->stash[i];
        bool current = s->h.kind == g->kind && s->h.seq == g->seq;
        if (current || round_over(e, s->h.kind, s->h.seq)) {
            e->stash_cnt[s->from]--;
            e->stash_bytes[s->from] -= s->len;
            mpc_mem_release(e, s->len);
            if (current) {
                got += accept_current(e, s->from, s->msg, &s->h);
            } else {
                transport_discard(e->tr, s->msg, s->len);
            }
        } else {
            e->stash[keep++] = *s;
        }
    }
    e->stash_n = keep;
    return got;
}

int gather_one(MpcEngine *e, const struct timespec *dl)
{
    if (e->stash_n && gather_from_stash(e)) return 1;
    for (;;) {
        int ms = ms_left(dl);
        if (ms == 0) return 0;
        uint32_t from;
        uint8_t *msg;
        size_t len;
        int rc = transport_recv(e->tr, &from, &msg, &len, ms);
        if (rc == TRANSPORT_TIMEOUT) return 0;
        if (rc != TRANSPORT_OK) {
            mpc_fail(e, "transport closed");
            return -1;
        }
        if (mpc_route_message(e, from, msg, len)) return 1;
        if (e->mem_failed) return -1;
    }
}

const char *mpc_kind_name(uint8_t kind)
{
    static const char *const names[MK_COUNT] = {
        [MK_OPEN] = "open",       [MK_DEAL] = "deal",
        [MK_SEED] = "seed",       [MK_CHECK] = "check",
        [MK_OPEN2T] = "open-2t",  [MK_ECHO] = "echo",
        [MK_MASK] = "mask",       [MK_MASKED] = "masked input",
        [MK_OUTPUT] = "output",   [MK_ROOT] = "root",
        [MK_RBC] = "broadcast",   [MK_EXP] = "open-exp",
        [MK_AVSS] = "avss-share", [MK_OUTTYPE] = "output-types",
        [MK_REFUSE] = "refusal",  [MK_EAGER] = "eager",
        [MK_WANT] = "want",
    };
    return kind < MK_COUNT && names[kind] ? names[kind] : "?";
}

/* "parties 1, 3" for the error message. */
void mpc_list_missing(const MpcEngine *e, char *out, size_t outlen)
{
    size_t k = 0;
    out[0] = 0;
    for (uint32_t j = 0; j < e->n && k + 12 < outlen; j++)
        if (j != e->self && !e->g.buf[j]) k += (size_t)snprintf(out + k, outlen - k, "%s%u", k ? ", " : "", j);
}

int gather_all_parties(MpcEngine *e, const char *what)
{
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    while (e->g.nrecv < e->n - 1) {
        int rc = gather_one(e, &dl);
        if (rc < 0) return -1;
        if (rc == 0) {
            char miss[128];
            mpc_list_missing(e, miss, sizeof miss);
            return mpc_fail(e, "%s (%s round %llu): no message from party %s within %d ms", what,
                            mpc_kind_name(e->g.kind), (unsigned long long)e->g.seq, miss, e->timeout_ms);
        }
    }
    return 0;
}

void gather_end(MpcEngine *e, bool wipe)
{
    Gather *g = &e->g;
    for (uint32_t j = 0; j < e->n_nodes; j++) {
        if (g->buf[j]) {
            size_t len = MPC_HDR + (size_t)(g->counts ? g->counts[j] : g->count) * MPC_ELEM;
            if (wipe) sodium_memzero(g->buf[j], len);
            mpc_mem_release(e, len);
            transport_recycle(e->tr, g->buf[j], len);
            g->buf[j] = NULL;
        }
    }
    g->kind = 0;
    g->nrecv = 0;
}

/* The taker owns the charge too: mpc_mem_release it when freeing. */
uint8_t *gather_take(MpcEngine *e, uint32_t node)
{
    uint8_t *b = e->g.buf[node];
    e->g.buf[node] = NULL;
    return b;
}

const Fe *gather_row(const MpcEngine *e, uint32_t node)
{
    return e->g.buf[node] ? (const Fe *)(const void *)(e->g.buf[node] + MPC_HDR) : NULL;
}

/* ---- the robust opening round ---------------------------------------------- */

/* Messages open_try found a value >= p in are dropped, as accept_current
 * drops them when it checks on arrival: the sender counts as missing. */
static void drop_bad_rows(MpcEngine *e, OpenState *os)
{
    for (uint32_t j = 0; j < e->n; j++)
        if (os->bad[j] && e->g.buf[j]) {
            size_t len = MPC_HDR + (size_t)e->g.count * MPC_ELEM;
            mpc_mem_release(e, len);
            drop_bad(e, gather_take(e, j), len);
            e->g.nrecv--;
            e->rows[j] = NULL;
        }
}

int mpc_open_send(MpcEngine *e, uint8_t kind, unsigned d, bool online, size_t count, uint64_t *seq_out)
{
    uint64_t seq = e->seq[kind]++;
    *seq_out = seq;
    size_t len = MPC_HDR + count * MPC_ELEM;
    Fe *mine = (Fe *)(void *)(e->sbuf + MPC_HDR);
    wire_put_hdr(e->sbuf, kind, (uint32_t)count, e->instance, seq);
    MpcFault fault = online ? e->fault : MPC_FAULT_NONE;
    if (fault == MPC_FAULT_WRONG_SHARES) {
        uint8_t *bogus = malloc(len);
        if (!bogus) return mpc_fail(e, "out of memory");
        memcpy(bogus, e->sbuf, MPC_HDR);
        prg_fe(e, (Fe *)(void *)(bogus + MPC_HDR), count);
        int rc = send_parties(e, bogus, len);
        free(bogus);
        if (rc != 0) return -1;
    } else if (fault != MPC_FAULT_SILENT) {
        wire_limbs_to_le(mine, count);
        int rc = online ? send_opening(e, kind, d, seq, e->sbuf, len) : send_parties_shared(e, e->sbuf, len);
        wire_limbs_from_le(mine, count);
        if (rc != 0) return -1;
    }
    return 0;
}

int mpc_open_gather(MpcEngine *e, uint8_t kind, uint64_t seq, unsigned d, bool online, size_t count, const Fe *mine,
                    Fe *out, const char *what)
{
    size_t len = MPC_HDR + count * MPC_ELEM;
    if (count == 0) return 0;

    gather_begin(e, kind, seq, (uint32_t)count, true);
    e->g.check_later = true; /* open_try checks each row just before decoding it */
    for (uint32_t j = 0; j < e->n; j++) e->rows[j] = NULL;
    e->rows[e->self] = mine;
    bool excl = online; /* preprocessing openings need everyone anyway */
    OpenState os;
    open_init(&os, e->f, e->n, e->t, d, count, e->rows, excl ? e->excluded : NULL, &e->n_excluded, &e->cache, out);
    os.check_rows = true;
    os.self = e->self;
    struct timespec dl, ask_dl;
    deadline_in(&dl, e->timeout_ms);
    /* a large opening's held-back shares come only when asked for */
    bool held = online && mpc_hold_applies(e, kind, d, len), asked = !held;
    int64_t start_us = held ? mono_now_us() : 0;
    if (held) deadline_in(&ask_dl, ask_after_ms(e));
    int result = -1;
    for (;;) {
        /* could another sender still add a usable share? */
        bool more = false;
        for (uint32_t j = 0; j < e->n && !more; j++) more = !e->rows[j] && !(excl && e->excluded[j]);
        int r = open_try(&os, !more);
        drop_bad_rows(e, &os);
        if (r < 0) {
            mpc_fail(e, "out of memory");
            break;
        }
        if (r == 1) {
            result = 0;
            break;
        }
        if (!more) {
            mpc_fail(e,
                     "%s (%s round %llu): shares inconsistent, cannot decode %zu of %zu values "
                     "(more faulty parties than the degree-%u opening tolerates)",
                     what, mpc_kind_name(kind), (unsigned long long)seq, os.n_failed + (count - os.next), count, d);
            break;
        }
        if (!asked && !ring_pending(e, d)) { /* the ring's shares are in but do not decode */
            ask_held(e, d, seq);
            asked = true;
        }
        int rc = gather_one(e, asked ? &dl : &ask_dl);
        if (rc < 0) break;
        if (rc == 0 && !asked) { /* a share from the ring is late or missing */
            ask_held(e, d, seq);
            asked = true;
            continue;
        }
        if (rc == 0) {
            /* deadline: decode with what is there, or give up */
            r = open_try(&os, true);
            drop_bad_rows(e, &os);
            if (r == 1) {
                result = 0;
                break;
            }
            char miss[128];
            mpc_list_missing(e, miss, sizeof miss);
            mpc_fail(e,
                     "%s (%s round %llu): timed out after %d ms waiting for shares (missing: "
                     "party %s)",
                     what, mpc_kind_name(kind), (unsigned long long)seq, e->timeout_ms, miss);
            break;
        }
        for (uint32_t j = 0; j < e->n; j++)
            if (!e->rows[j]) e->rows[j] = gather_row(e, j);
    }
    if (result == 0 && held && !asked && !ring_pending(e, d)) note_ring_wait(e, mono_now_us() - start_us);
    if (result == 0 && (held || (online && ring_applies(e, d, len))))
        note_ring(e, d, held ? MPC_EAGER_AFTER_HELD : MPC_EAGER_AFTER);
    open_free(&os);
    gather_end(e, false);
    /* opened values are public: a test may watch them (mpc_test_open_tap) */
    if (result == 0 && online && e->open_tap) e->open_tap(e->open_tap_ud, out, count);
    return result;
}

int open_round(MpcEngine *e, uint8_t kind, unsigned d, bool online, size_t count, Fe *out, const char *what)
{
    uint64_t seq;
    if (mpc_open_send(e, kind, d, online, count, &seq) != 0) return -1;
    return mpc_open_gather(e, kind, seq, d, online, count, (const Fe *)(const void *)(e->sbuf + MPC_HDR), out, what);
}

/* ---- creation ------------------------------------------------------------------ */

static int floor_log2_p(const Field *f)
{
    /* p is not a power of two, so floor(log2 p) = bits - 1 */
    return (int)f->bits - 1;
}

MpcEngine *mpc_engine_new(const MpcConfig *cfg, Transport *t, const char **err)
{
    const char *dummy;
    if (!err) err = &dummy;
    *err = NULL;
    if (sodium_init() < 0) {
        *err = "libsodium failed to initialize";
        return NULL;
    }
    if (!cfg || !t) {
        *err = "no configuration or transport";
        return NULL;
    }
    if (cfg->n == 0 || cfg->n > SHAMIR_MAX_PARTIES || (uint64_t)cfg->n < 3 * (uint64_t)cfg->t + 1) {
        *err = "need 1 <= n <= 255 and n >= 3t+1";
        return NULL;
    }
    if (cfg->party >= cfg->n) {
        *err = "party id out of range";
        return NULL;
    }
    if (t->self != cfg->party || t->n_parties != cfg->n || t->n_clients != cfg->n_clients) {
        *err = "transport does not match the configuration (self, parties, clients)";
        return NULL;
    }
    if (cfg->n_clients > 65536 || (cfg->n_clients && !cfg->client_inputs)) {
        *err = "bad client configuration";
        return NULL;
    }
    const Field *f = cfg->field ? cfg->field : field_default();
    /* TruncPr of products of k-bit values with statistical security kappa
     * needs 2k + kappa + 2 < log2 p so that products and masks never wrap */
    if (2 * MPC_FIXED_TOTAL_BITS + MPC_KAPPA + 2 >= floor_log2_p(f)) {
        *err = "field too small for 64-bit fixed point with 40-bit statistical security";
        return NULL;
    }
    size_t n_inputs = 0;
    for (uint32_t c = 0; c < cfg->n_clients; c++) {
        if (cfg->client_inputs[c] > MPC_MAX_ELEMS) {
            *err = "too many inputs for one client";
            return NULL;
        }
        n_inputs += cfg->client_inputs[c];
    }

    MpcEngine *e = calloc(1, sizeof *e);
    if (!e) {
        *err = "out of memory";
        return NULL;
    }
    e->f = f;
    e->tr = t;
    e->n = cfg->n;
    e->t = cfg->t;
    e->self = cfg->party;
    e->n_clients = cfg->n_clients;
    e->n_nodes = cfg->n + cfg->n_clients;
    e->instance = cfg->instance_id;
    e->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : MPC_DEFAULT_TIMEOUT_MS;
    e->triple_batch = cfg->triple_batch ? cfg->triple_batch : MPC_DEFAULT_TRIPLE_BATCH;
    e->fault = cfg->fault;
    e->n_inputs = n_inputs;
    e->tri = (Pool){ .esz = sizeof(Triple), .acct = e, .what = "the triple pool" };
    e->rnd = (Pool){ .esz = sizeof(Fe), .acct = e, .what = "the random-share pool" };
    e->bit = (Pool){ .esz = sizeof(Fe), .acct = e, .what = "the random-bit pool" };
    randombytes_buf(e->prg_key, sizeof e->prg_key);
    dcache_init(&e->cache, f, e->n, e->t);

    size_t nc = e->n_clients ? e->n_clients : 1;
    e->client_inputs = calloc(nc, sizeof *e->client_inputs);
    e->input_off = calloc(nc, sizeof *e->input_off);
    e->out_seq = calloc(nc, sizeof *e->out_seq);
    e->g.buf = calloc(e->n_nodes, sizeof *e->g.buf);
    e->stash_cnt = calloc(e->n_nodes, sizeof *e->stash_cnt);
    e->stash_bytes = calloc(e->n_nodes, sizeof *e->stash_bytes);
    e->rows = calloc(e->n, sizeof *e->rows);
    if (!e->client_inputs || !e->input_off || !e->out_seq || !e->g.buf || !e->stash_cnt || !e->stash_bytes ||
        !e->rows) {
        mpc_engine_free(e);
        *err = "out of memory";
        return NULL;
    }
    size_t off = 0;
    for (uint32_t c = 0; c < e->n_clients; c++) {
        e->client_inputs[c] = cfg->client_inputs[c];
        e->input_off[c] = off;
        off += cfg->client_inputs[c];
    }
    if (rbc_setup(e) != 0) {
        mpc_engine_free(e);
        *err = "out of memory";
        return NULL;
    }
    if (fe_sqrt_init(&e->sq, f) != 0 || preproc_setup(e) != 0) {
        mpc_engine_free(e);
        *err = "cannot set up field constants (is p prime?)";
        return NULL;
    }
    Fe two;
    fe_from_u64(f, &two, 2);
    fe_inv(f, &e->inv2, &two);
    return e;
}

void mpc_engine_free(MpcEngine *e)
{
    if (!e) return;
    mpc_hold_free(e); /* sends what is still held back: a receiver may need it */
    if (e->g.buf) {
        for (uint32_t j = 0; j < e->n_nodes; j++)
            if (e->g.buf[j]) /* length unknown (counts may be gone): released unwiped, as before */
                transport_discard(e->tr, e->g.buf[j], 0);
        free(e->g.buf);
    }
    for (size_t i = 0; i < e->stash_n; i++) transport_discard(e->tr, e->stash[i].msg, e->stash[i].len);
    free(e->stash);
    for (uint32_t j = 0; j < SHAMIR_MAX_PARTIES; j++) free(e->avss_ahead[j]);
    free(e->stash_cnt);
    free(e->stash_bytes);
    free(e->rows);
    pool_free(&e->tri);
    pool_free(&e->rnd);
    pool_free(&e->bit);
    if (e->inputs) {
        sodium_memzero(e->inputs, e->n_inputs * sizeof *e->inputs);
        free(e->inputs);
    }
    if (e->sbuf) {
        sodium_memzero(e->sbuf, e->sbuf_cap);
        free(e->sbuf);
    }
    if (e->sbuf_alt) {
        sodium_memzero(e->sbuf_alt, e->sbuf_alt_cap);
        free(e->sbuf_alt);
    }
    free(e->dec);
    free(e->client_inputs);
    free(e->input_off);
    free(e->out_seq);
    dcache_free(&e->cache);
    preproc_free(e);
    rbc_free(e->rbc);
    rbc_free(e->prbc);
    compare_free(e);
    fe_sqrt_free(&e->sq);
    sodium_memzero(e->prg_key, sizeof e->prg_key);
    sodium_memzero(e, sizeof *e);
    free(e);
}

const char *mpc_error(const MpcEngine *e) { return e && e->err[0] ? e->err : ""; }

const Field *mpc_field(const MpcEngine *e) { return e->f; }
uint32_t mpc_party(const MpcEngine *e) { return e->self; }
uint32_t mpc_n(const MpcEngine *e) { return e->n; }
uint32_t mpc_t(const MpcEngine *e) { return e->t; }
uint64_t mpc_instance(const MpcEngine *e) { return e->instance; }
MpcStats mpc_stats(const MpcEngine *e) { return e->st; }

void mpc_pause(MpcEngine *e, uint64_t ns) { transport_pause(e ? e->tr : NULL, ns); }

int mpc_reconstruct(const MpcEngine *e, const unsigned *parties, const Fe *shares, unsigned m, Fe *secret)
{
    RobustStatus st = robust_decode(e->f, e->n, e->t, e->t, parties, shares, m, secret, NULL);
    return st == ROBUST_OK ? 0 : st == ROBUST_EINVAL ? -1 : -2;
}

void mpc_test_set_fault(MpcEngine *e, MpcFault fault) { e->fault = fault; }

void mpc_test_open_tap(MpcEngine *e, void (*tap)(void *ud, const Fe *v, size_t n), void *ud)
{
    e->open_tap = tap;
    e->open_tap_ud = ud;
}

void mpc_test_preproc_fault(MpcEngine *e, int what) { e->test_fault = what; }

int mpc_test_take_triples(MpcEngine *e, size_t k, Fe *a, Fe *b, Fe *c)
{
    if (ensure_triples(e, k) != 0) return -1;
    const Triple *tr = pool_head(&e->tri);
    for (size_t i = 0; i < k; i++) {
        a[i] = tr[i].a;
        b[i] = tr[i].b;
        c[i] = tr[i].c;
    }
    pool_consume(&e->tri, k);
    e->st.triples_used += k;
    return 0;
}
