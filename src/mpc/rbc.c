/* rbc.c: see rbc.h.
 *
 * Message layout (little-endian):
 *   0  u8   type: 1 SEND, 2 ECHO, 3 READY
 *   1  u8×3 zero
 *   4  u32  origin party
 *   8  u64  session (the origin's broadcast number)
 *  16  u32  message length L (<= RBC_MAX_MESSAGE)
 *  20  L    message
 * then fewer than 32 zero bytes (the engine frames in 32-byte units). */
#include "mpc/rbc.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_SEND = 1, T_ECHO = 2, T_READY = 3 };

/* Bytes of candidate messages a party may make us hold at once. */
#define RBC_BYTES_PER_SENDER ((size_t)64 << 20)

typedef struct {
    uint8_t digest[32];
    uint8_t *msg;
    size_t len;
    uint32_t owner; /* the party charged for its bytes */
    uint32_t echoes, readies;
} Cand;

typedef struct {
    bool open; /* slot in use */
    bool sent, echoed, readied, delivered;
    uint16_t send_cand;           /* candidate of the origin's SEND (index + 1) */
    uint16_t *echo_of, *ready_of; /* per party: candidate index + 1, 0 = none yet */
    Cand *cand;
    uint32_t ncand;
    uint32_t got; /* delivered candidate */
} Inst;

typedef struct {
    uint64_t base; /* next session to hand to the program */
    Inst *slot;    /* RBC_WINDOW slots: session s in slot s % W */
} Origin;

struct Rbc {
    uint32_t n, t, self;
    uint32_t echo_need, ready_amp, deliver_need;
    size_t max_msg, per_sender;
    RbcSend send;
    void *ctx;
    uint64_t next_session;
    Origin *org;
    size_t *held; /* candidate bytes charged per party */
    char err[256];
};

static int rbc_fail(Rbc *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int rbc_fail(Rbc *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return -1;
}

Rbc *rbc_new(uint32_t n, uint32_t t, uint32_t self, RbcSend send, void *ctx)
{
    if (n == 0 || n > 255 || (uint64_t)n < 3 * (uint64_t)t + 1 || self >= n || !send) return NULL;
    Rbc *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->n = n;
    r->t = t;
    r->self = self;
    r->echo_need = (n + t + 2) / 2; /* ceil((n+t+1)/2) */
    r->ready_amp = t + 1;
    r->deliver_need = 2 * t + 1;
    r->max_msg = RBC_MAX_MESSAGE;
    r->per_sender = RBC_BYTES_PER_SENDER;
    r->send = send;
    r->ctx = ctx;
    r->org = calloc(n, sizeof *r->org);
    r->held = calloc(n, sizeof *r->held);
    if (!r->org || !r->held) {
        rbc_free(r);
        return NULL;
    }
    return r; /* an origin's window is allocated when it is first used */
}

/* Origin o's window, allocated on first use: every engine has an Rbc, most
 * never broadcast, and n eager windows per party were O(n^2) memory in a
 * session of n threads (650 MB at n = 255).  NULL on no memory. */
static Inst *window(Origin *o)
{
    if (!o->slot) o->slot = calloc(RBC_WINDOW, sizeof(Inst));
    return o->slot;
}

/* Whether origin o's oldest session has been delivered. */
static bool head_delivered(const Origin *o) { return o->slot && o->slot[o->base % RBC_WINDOW].delivered; }

static void inst_clear(Rbc *r, Inst *in)
{
    for (uint32_t i = 0; i < in->ncand; i++) {
        r->held[in->cand[i].owner] -= in->cand[i].len;
        if (in->cand[i].msg) {
            sodium_memzero(in->cand[i].msg, in->cand[i].len);
            free(in->cand[i].msg);
        }
    }
    free(in->cand);
    free(in->echo_of);
    free(in->ready_of);
    memset(in, 0, sizeof *in);
}

void rbc_free(Rbc *r)
{
    if (!r) return;
    for (uint32_t i = 0; r->org && i < r->n; i++) {
        for (uint32_t k = 0; r->org[i].slot && k < RBC_WINDOW; k++)
            if (r->org[i].slot[k].open) inst_clear(r, &r->org[i].slot[k]);
        free(r->org[i].slot);
    }
    free(r->org);
    free(r->held);
    free(r);
}

void rbc_set_limits(Rbc *r, size_t max_message, size_t per_sender)
{
    if (max_message > r->max_msg && max_message <= UINT32_MAX) r->max_msg = max_message;
    if (per_sender > r->per_sender) r->per_sender = per_sender;
}

const char *rbc_error(const Rbc *r) { return r->err; }

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

/* Sends a message of `type` to everyone, handling our own copy here. */
static int send_all(Rbc *r, uint8_t type, uint32_t origin, uint64_t session, const uint8_t *m, size_t len)
{
    uint8_t *buf = malloc(RBC_HDR + len);
    if (!buf) return rbc_fail(r, "out of memory");
    memset(buf, 0, RBC_HDR);
    buf[0] = type;
    put32(buf + 4, origin);
    for (int i = 0; i < 8; i++) buf[8 + i] = (uint8_t)(session >> (8 * i));
    put32(buf + 16, (uint32_t)len);
    if (len) memcpy(buf + RBC_HDR, m, len);
    int rc = r->send(r->ctx, RBC_ALL, buf, RBC_HDR + len) != 0 ? -2 : 0;
    if (rc == 0) rc = rbc_handle(r, r->self, buf, RBC_HDR + len);
    free(buf);
    return rc;
}

int rbc_broadcast(Rbc *r, const uint8_t *msg, size_t len, uint64_t *session)
{
    if (len > r->max_msg) return rbc_fail(r, "message of %zu bytes is longer than %zu", len, r->max_msg);
    Origin *o = &r->org[r->self];
    if (!window(o)) return rbc_fail(r, "out of memory");
    if (r->next_session >= o->base + RBC_WINDOW) {
        /* Rbc.receive_any never hands a party its own broadcasts: the
         * oldest one, once delivered, makes room (Rbc.receive(self) then
         * no longer sees it) */
        Inst *old = &o->slot[o->base % RBC_WINDOW];
        if (!old->delivered) return rbc_fail(r, "%d broadcasts of this party are still in progress", RBC_WINDOW);
        inst_clear(r, old);
        o->base++;
    }
    *session = r->next_session++;
    int rc = send_all(r, T_SEND, r->self, *session, msg, len);
    if (rc == -2) rbc_fail(r, "transport closed");
    return rc;
}

/* The candidate with msg's digest, added (charged to `from`) if new;
 * -1 if `from` holds too much already. */
static int find_cand(Rbc *r, Inst *in, uint32_t from, const uint8_t d[32], const uint8_t *m, size_t len)
{
    for (uint32_t i = 0; i < in->ncand; i++)
        if (sodium_memcmp(in->cand[i].digest, d, 32) == 0) return (int)i;
    if (len > r->per_sender - r->held[from]) return rbc_fail(r, "party %u: too many undelivered broadcast bytes", from);
    Cand *nc = realloc(in->cand, (in->ncand + 1) * sizeof *nc);
    if (!nc) return rbc_fail(r, "out of memory");
    in->cand = nc;
    Cand *c = &in->cand[in->ncand];
    memset(c, 0, sizeof *c);
    memcpy(c->digest, d, 32);
    c->msg = malloc(len ? len : 1);
    if (!c->msg) return rbc_fail(r, "out of memory");
    if (len) memcpy(c->msg, m, len);
    c->len = len;
    c->owner = from;
    r->held[from] += len;
    return (int)in->ncand++;
}

static const char *type_name(uint8_t t) { return t == T_SEND ? "SEND" : t == T_ECHO ? "ECHO" : "READY"; }

int rbc_handle(Rbc *r, uint32_t from, const uint8_t *msg, size_t len)
{
    if (from >= r->n) return rbc_fail(r, "broadcast message from node %u, which is not a party (n=%u)", from, r->n);
    if (len < RBC_HDR) return rbc_fail(r, "party %u: broadcast message of %zu bytes is too short", from, len);
    uint8_t type = msg[0];
    uint32_t origin = (uint32_t)get_le(msg + 4, 4);
    uint64_t session = get_le(msg + 8, 8);
    uint64_t mlen = get_le(msg + 16, 4);
    if (type < T_SEND || type > T_READY || msg[1] || msg[2] || msg[3])
        return rbc_fail(r, "party %u: malformed broadcast message (type %u)", from, type);
    if (mlen > r->max_msg || mlen > len - RBC_HDR || len - RBC_HDR - mlen >= 32)
        return rbc_fail(r, "party %u: broadcast message length %llu does not match its %zu bytes", from,
                        (unsigned long long)mlen, len);
    for (size_t i = RBC_HDR + mlen; i < len; i++)
        if (msg[i]) return rbc_fail(r, "party %u: malformed broadcast message (padding)", from);
    if (origin >= r->n)
        return rbc_fail(r, "party %u: broadcast of party %u, which is not a party (n=%u)", from, origin, r->n);
    if (type == T_SEND && from != origin)
        return rbc_fail(r, "party %u: sent a SEND for party %u's broadcast", from, origin);
    Origin *o = &r->org[origin];
    if (session < o->base) return 0; /* already delivered and taken: late, normal */
    if (session - o->base >= RBC_WINDOW)
        return rbc_fail(r, "party %u: broadcast session %llu of party %u is too far ahead", from,
                        (unsigned long long)session, origin);
    if (!window(o)) return rbc_fail(r, "out of memory");
    Inst *in = &o->slot[session % RBC_WINDOW];
    if (!in->open) {
        in->echo_of = calloc(r->n, sizeof *in->echo_of);
        in->ready_of = calloc(r->n, sizeof *in->ready_of);
        if (!in->echo_of || !in->ready_of) {
            free(in->echo_of);
            free(in->ready_of);
            in->echo_of = in->ready_of = NULL;
            return rbc_fail(r, "out of memory");
        }
        in->open = true;
    }
    const uint8_t *m = msg + RBC_HDR;
    uint8_t d[32];
    crypto_generichash(d, sizeof d, m, (size_t)mlen, NULL, 0);
    /* one vote per sender and kind: a second, different one is refused
     * before it costs any memory */
    uint16_t *seen = type == T_SEND ? &in->send_cand : type == T_ECHO ? &in->echo_of[from] : &in->ready_of[from];
    if (*seen) {
        if (sodium_memcmp(in->cand[*seen - 1].digest, d, 32) == 0) return 0; /* a repeat */
        return rbc_fail(r, "party %u: sent two different %s messages for session %llu of party %u", from,
                        type_name(type), (unsigned long long)session, origin);
    }
    int ci = find_cand(r, in, from, d, m, (size_t)mlen);
    if (ci < 0) return -1;
    *seen = (uint16_t)(ci + 1);
    Cand *c = &in->cand[ci];
    int rc = 0;
    if (type == T_SEND) {
        if (!in->echoed) {
            in->echoed = true;
            rc = send_all(r, T_ECHO, origin, session, c->msg, c->len);
        }
    } else {
        if (type == T_ECHO)
            c->echoes++;
        else
            c->readies++;
        if (!in->readied && (c->echoes >= r->echo_need || c->readies >= r->ready_amp)) {
            in->readied = true;
            rc = send_all(r, T_READY, origin, session, c->msg, c->len);
            c = &in->cand[ci]; /* send_all may have added candidates */
        }
        if (rc == 0 && !in->delivered && c->readies >= r->deliver_need) {
            in->delivered = true;
            in->got = (uint32_t)ci;
        }
    }
    if (rc == -2) rbc_fail(r, "transport closed");
    return rc;
}

int rbc_take(Rbc *r, uint32_t origin, uint32_t *from, uint8_t **msg, size_t *len)
{
    uint32_t best = RBC_ANY;
    if (origin != RBC_ANY) {
        if (origin < r->n && head_delivered(&r->org[origin])) best = origin;
    } else {
        for (uint32_t i = 0; i < r->n; i++) {
            Origin *o = &r->org[i];
            if (i == r->self || !head_delivered(o)) continue;
            if (best == RBC_ANY || o->base < r->org[best].base) best = i;
        }
    }
    if (best == RBC_ANY) return 0;
    Origin *o = &r->org[best];
    Inst *in = &o->slot[o->base % RBC_WINDOW];
    Cand *c = &in->cand[in->got];
    uint8_t *out = malloc(c->len ? c->len : 1);
    if (!out) return rbc_fail(r, "out of memory");
    if (c->len) memcpy(out, c->msg, c->len);
    *msg = out;
    *len = c->len;
    *from = best;
    inst_clear(r, in);
    o->base++;
    return 1;
}
