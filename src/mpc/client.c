/* client.c: client inputs by masking (HoneyBadgerMPC §4.1) and outputs to
 * clients, both sides.
 *
 * Input of x by client c, with a preprocessed random [r]:
 *   1. every party sends its share of r to the client (MK_MASK);
 *   2. the client decodes r robustly and sends m = x - r to every party
 *      (MK_MASKED);
 *   3. the parties agree on m with one echo round (MK_ECHO): each forwards
 *      every client's m as it received it, and a value reported identically
 *      by q = max(2t+1, floor((n+t)/2)+1) parties is accepted.  Two
 *      different values cannot both reach q (they would need more than n-t
 *      honest reporters between them), so all honest parties that accept
 *      accept the same m, and if the client sent the same m to all honest
 *      parties they all accept it.  If no value reaches q the client sent
 *      different values to too many parties: rejected, naming the client.
 *      (A client that equivocates towards at most t parties is not caught:
 *      that is indistinguishable from t lying parties, and the majority
 *      value is used.)  Without a full broadcast some honest parties may
 *      accept while others reject; then the run fails at those that reject.
 *   4. [x] = m + [r].
 * Outputs: each party sends its shares (MK_OUTPUT, one sequence number per
 * client), the client decodes robustly.
 *
 * Client messages use the canonical 32-byte encoding of field elements, so
 * a client needs no knowledge of our Montgomery representation. */
#include "mpc/engine_internal.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- party side ------------------------------------------------------------ */

static unsigned echo_quorum(unsigned n, unsigned t)
{
    unsigned q = (n + t) / 2 + 1;
    return q > 2 * t + 1 ? q : 2 * t + 1;
}

/* Sends a message of count canonical elements (or, under the fault,
 * random ones / nothing) to node `to`. */
static int send_canon(MpcEngine *e, uint32_t to, uint8_t kind, uint64_t seq, const Fe *v, size_t count)
{
    if (e->fault == MPC_FAULT_SILENT) return 0;
    size_t len = MPC_HDR + count * MPC_ELEM;
    if (count > MPC_MAX_ELEMS || grow_buf(e, &e->sbuf, &e->sbuf_cap, len) != 0) return mpc_fail(e, "out of memory");
    wire_put_hdr(e->sbuf, kind, (uint32_t)count, e->instance, seq);
    for (size_t i = 0; i < count; i++) {
        Fe x = v[i];
        if (e->fault == MPC_FAULT_WRONG_SHARES) prg_fe(e, &x, 1);
        fe_to_bytes(e->f, e->sbuf + MPC_HDR + i * MPC_ELEM, &x);
    }
    int rc = send_node(e, to, e->sbuf, len);
    sodium_memzero(e->sbuf + MPC_HDR, count * MPC_ELEM);
    return rc;
}

/* Report of one party about one client: valid (all elements < p) and its
 * hash, for counting identical reports. */
typedef struct {
    bool valid;
    uint8_t h[32];
} Report;

static void make_report(const Field *f, Report *r, const uint8_t *bytes, size_t count)
{
    r->valid = true;
    for (size_t i = 0; i < count && r->valid; i++) {
        Fe tmp;
        r->valid = fe_from_bytes(f, &tmp, bytes + i * MPC_ELEM) == 0;
    }
    if (r->valid) crypto_generichash(r->h, sizeof r->h, bytes, count * MPC_ELEM, NULL, 0);
}

/* One distinct report about a client in the echo round. */
typedef struct {
    uint8_t h[32];
    unsigned count;
    uint32_t first; /* the first party that made it */
} Tally;

/* The echo round: agree on each client's masked values (the reports of
 * every party, own included, in rep[j·n_clients + c]). */
static int echo_round(MpcEngine *e, const uint8_t *mine, size_t total, Report *rep, const uint8_t **accepted)
{
    uint32_t nc = e->n_clients, n = e->n;
    unsigned q = echo_quorum(n, e->t);
    uint64_t seq = e->seq[MK_ECHO]++;
    if (e->fault != MPC_FAULT_SILENT) {
        size_t len = MPC_HDR + total * MPC_ELEM;
        uint8_t *msg = malloc(len);
        if (!msg) return mpc_fail(e, "out of memory");
        wire_put_hdr(msg, MK_ECHO, (uint32_t)total, e->instance, seq);
        if (total) memcpy(msg + MPC_HDR, mine, total * MPC_ELEM);
        if (e->fault == MPC_FAULT_WRONG_SHARES) randombytes_buf(msg + MPC_HDR, total * MPC_ELEM);
        int rc = send_parties(e, msg, len);
        free(msg);
        if (rc != 0) return -1;
    }
    gather_begin(e, MK_ECHO, seq, (uint32_t)total, false);
    /* per client, the distinct valid reports so far and how many parties
     * made each: counted as reports arrive, so a round costs
     * O(n · clients · distinct reports), not O(n^2) comparisons per
     * arrival */
    bool *seen = calloc(n, sizeof *seen);
    Tally *tal = calloc((size_t)n * (nc ? nc : 1), sizeof *tal);
    unsigned *ntal = calloc(nc ? nc : 1, sizeof *ntal);
    int rc = 0;
    if (!seen || !tal || !ntal) {
        rc = mpc_fail(e, "out of memory");
        goto out;
    }
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    for (;;) {
        /* count the reports that arrived since last time */
        for (uint32_t j = 0; j < n; j++) {
            const uint8_t *b = j == e->self ? mine : (e->g.buf[j] ? e->g.buf[j] + MPC_HDR : NULL);
            if (!b || seen[j]) continue;
            seen[j] = true;
            for (uint32_t c = 0; c < nc; c++) {
                Report *rj = &rep[(size_t)j * nc + c];
                make_report(e->f, rj, b + e->input_off[c] * MPC_ELEM, e->client_inputs[c]);
                if (!rj->valid || accepted[c] || !e->client_inputs[c]) continue;
                Tally *tc = tal + (size_t)c * n;
                unsigned i = 0;
                while (i < ntal[c] && memcmp(tc[i].h, rj->h, sizeof rj->h) != 0) i++;
                if (i == ntal[c]) {
                    memcpy(tc[i].h, rj->h, sizeof rj->h);
                    tc[i].first = j;
                    ntal[c]++;
                }
                if (++tc[i].count >= q) {
                    uint32_t f0 = tc[i].first;
                    const uint8_t *fb = f0 == e->self ? mine : e->g.buf[f0] + MPC_HDR;
                    accepted[c] = fb + e->input_off[c] * MPC_ELEM;
                }
            }
        }
        uint32_t open = 0;
        for (uint32_t c = 0; c < nc; c++) open += e->client_inputs[c] && !accepted[c];
        if (!open) break;
        int got = e->g.nrecv < n - 1 ? gather_one(e, &dl) : 0;
        if (got < 0) {
            rc = -1;
            break;
        }
        if (got == 0) {
            for (uint32_t c = 0; c < nc; c++)
                if (e->client_inputs[c] && !accepted[c]) {
                    rc = mpc_fail(e,
                                  "client %u (node %u): masked inputs inconsistent across parties "
                                  "or missing (echo round %llu: no value reported by %u parties)",
                                  c, e->n + c, (unsigned long long)seq, q);
                    break;
                }
            break;
        }
    }
out:
    free(tal);
    free(ntal);
    free(seen);
    return rc; /* the caller reads the accepted values, then ends the gather */
}

int mpc_collect_inputs(MpcEngine *e)
{
    if (e->inputs_done) return mpc_fail(e, "client inputs were already collected");
    uint32_t nc = e->n_clients;
    size_t total = e->n_inputs;
    if (ensure_randoms(e, total) != 0) return -1;
    e->inputs = malloc((total ? total : 1) * sizeof *e->inputs);
    uint32_t *counts = calloc(e->n_nodes, sizeof *counts);
    uint8_t *mine = malloc(total * MPC_ELEM + 1);
    Report *rep = calloc((size_t)e->n * (nc ? nc : 1), sizeof *rep);
    const uint8_t **acc = calloc(nc ? nc : 1, sizeof *acc);
    int rc = 0;
    if (!e->inputs || !counts || !mine || !rep || !acc) {
        rc = mpc_fail(e, "out of memory");
        goto out;
    }
    /* the masks: preprocessed random shares, consumed here */
    fe_copy(e->inputs, pool_head(&e->rnd), total);
    pool_consume(&e->rnd, total);
    e->st.randoms_used += total;
    uint64_t mseq = e->seq[MK_MASK]++;
    for (uint32_t c = 0; c < nc && rc == 0; c++)
        if (e->client_inputs[c])
            rc = send_canon(e, e->n + c, MK_MASK, mseq, e->inputs + e->input_off[c], e->client_inputs[c]);
    if (rc != 0) goto out;

    /* masked values from every client that has inputs */
    uint64_t seq = e->seq[MK_MASKED]++;
    uint32_t expect = 0;
    for (uint32_t c = 0; c < nc; c++) {
        counts[e->n + c] = e->client_inputs[c];
        expect += e->client_inputs[c] != 0;
    }
    gather_begin(e, MK_MASKED, seq, 0, false);
    e->g.counts = counts;
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    while (e->g.nrecv < expect) {
        int got = gather_one(e, &dl);
        if (got < 0) {
            rc = -1;
            break;
        }
        if (got == 0) break; /* missing clients show up as absent in the echo */
    }
    /* own report: each client's values as received, or an "absent" marker
     * (all-ones bytes: never a canonical element) */
    memset(mine, 0, total * MPC_ELEM);
    for (uint32_t c = 0; c < nc && rc == 0; c++) {
        uint8_t *dst = mine + e->input_off[c] * MPC_ELEM;
        const uint8_t *b = e->g.buf[e->n + c];
        if (!e->client_inputs[c]) continue;
        if (b) {
            memcpy(dst, b + MPC_HDR, (size_t)e->client_inputs[c] * MPC_ELEM);
        } else {
            memset(dst, 0xff, MPC_ELEM);
        }
    }
    gather_end(e, false);
    if (rc != 0) goto out;

    rc = echo_round(e, mine, total, rep, acc);
    if (rc == 0) {
        for (uint32_t c = 0; c < nc; c++) {
            for (uint32_t i = 0; i < e->client_inputs[c]; i++) {
                Fe m;
                Fe *x = &e->inputs[e->input_off[c] + i];
                (void)fe_from_bytes(e->f, &m, acc[c] + (size_t)i * MPC_ELEM); /* checked in make_report */
                fe_add(e->f, x, x, &m);
            }
        }
        e->inputs_done = true;
    }
    gather_end(e, false);
out:
    if (rc != 0 && e->inputs) {
        sodium_memzero(e->inputs, (total ? total : 1) * sizeof *e->inputs);
        free(e->inputs);
        e->inputs = NULL;
    }
    free(counts);
    free(mine);
    free(rep);
    free(acc);
    return rc;
}

uint32_t mpc_client_count(const MpcEngine *e) { return e->n_clients; }

int mpc_client_input(MpcEngine *e, uint32_t client, uint32_t index, Fe *share)
{
    if (!e->inputs_done) return mpc_fail(e, "client inputs not collected yet");
    if (client >= e->n_clients || index >= e->client_inputs[client])
        return mpc_fail(e, "no input %u of client %u", index, client);
    *share = e->inputs[e->input_off[client] + index];
    return 0;
}

int mpc_send_to_client(MpcEngine *e, uint32_t client, const Fe *shares, size_t n)
{
    if (client >= e->n_clients) return mpc_fail(e, "no client %u", client);
    if (n && !shares) return mpc_fail(e, "mpc_send_to_client: missing array");
    if (n > MPC_MAX_ELEMS) return mpc_fail(e, "mpc_send_to_client: too many values for one message");
    uint64_t seq = e->out_seq[client]++;
    return send_canon(e, e->n + client, MK_OUTPUT, seq, shares, n);
}

/* A type travels as one small field element: kind | bits << 8 | frac << 16. */
int mpc_send_output_types(MpcEngine *e, uint32_t client, const MpcOutputType *types, size_t n)
{
    if (client >= e->n_clients) return mpc_fail(e, "no client %u", client);
    if (n > MPC_MAX_ELEMS || (n && !types)) return mpc_fail(e, "mpc_send_output_types: bad batch");
    Fe *v = malloc((n + 1) * sizeof *v);
    if (!v) return mpc_fail(e, "out of memory");
    for (size_t i = 0; i < n; i++)
        fe_from_i64(e->f, &v[i],
                    (int64_t)types[i].kind | (int64_t)(types[i].bits & 0xff) << 8 |
                        (int64_t)(types[i].frac & 0xff) << 16);
    /* the batch's number: the one mpc_send_to_client uses next */
    int rc = send_canon(e, e->n + client, MK_OUTTYPE, e->out_seq[client], v, n);
    free(v);
    return rc;
}

/* ---- agreeing on declared input counts ---------------------------------------- */

/* The reason an MK_REFUSE carries (its one element). */
enum { MPC_REFUSE_INCONSISTENT = 1, MPC_REFUSE_TOO_MANY = 2 };

/* What the parties saw from client c, as "3 to parties 0, 1, 2; 2 to
 * party 3" (each distinct count once, in order of first appearance). */
static void describe_counts(char *out, size_t outlen, const uint32_t *seen, uint32_t n, uint32_t nc, uint32_t c)
{
    size_t k = 0;
    out[0] = 0;
    for (uint32_t i = 0; i < n && k + 1 < outlen; i++) {
        uint32_t v = seen[(size_t)i * nc + c];
        bool first = true, many = false;
        for (uint32_t j = 0; j < i && first; j++) first = seen[(size_t)j * nc + c] != v;
        for (uint32_t j = i + 1; j < n && !many; j++) many = seen[(size_t)j * nc + c] == v;
        if (!first) continue;
        k += (size_t)snprintf(out + k, outlen - k, "%s%u to part%s %u", k ? "; " : "", v, many ? "ies" : "y", i);
        for (uint32_t j = i + 1; j < n && k + 1 < outlen; j++)
            if (seen[(size_t)j * nc + c] == v) k += (size_t)snprintf(out + k, outlen - k, ", %u", j);
    }
}

int mpc_agree_client_inputs(MpcEngine *e, const uint32_t *declared, uint32_t max)
{
    uint32_t n = e->n, nc = e->n_clients;
    if (nc == 0) return 0;
    size_t len = (size_t)nc * 4;
    uint8_t *mine = malloc(len);
    uint32_t *seen = calloc((size_t)n * nc, sizeof *seen); /* party i's view of client c at [i*nc+c] */
    if (!mine || !seen) {
        free(mine);
        free(seen);
        return mpc_fail(e, "out of memory");
    }
    for (uint32_t c = 0; c < nc; c++) {
        for (int b = 0; b < 4; b++) mine[4 * c + b] = (uint8_t)(declared[c] >> (8 * b));
        seen[(size_t)e->self * nc + c] = declared[c];
    }
    uint64_t session;
    int rc = mpc_rbc_broadcast(e, mine, len, &session);
    free(mine);
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    /* every party's broadcast is taken, ours too, so the program's own
     * Rbc.receive starts at the next one */
    for (uint32_t j = 0; j < n && rc == 0; j++) {
        uint32_t from;
        uint8_t *msg = NULL;
        size_t got = 0;
        int r = mpc_rbc_receive(e, j, ms_left(&dl) > 0 ? ms_left(&dl) : 1, &from, &msg, &got);
        if (r == 0)
            rc = mpc_fail(e, "party %u did not broadcast the input counts it saw within %d ms", j, e->timeout_ms);
        else if (r < 0)
            rc = -1;
        else if (got != len)
            rc = mpc_fail(e, "party %u broadcast %zu bytes of input counts, not %zu", j, got, len);
        for (uint32_t c = 0; rc == 0 && c < nc; c++)
            seen[(size_t)j * nc + c] = (uint32_t)msg[4 * c] | (uint32_t)msg[4 * c + 1] << 8 |
                                       (uint32_t)msg[4 * c + 2] << 16 | (uint32_t)msg[4 * c + 3] << 24;
        free(msg);
    }
    /* every party has the same broadcasts, so every party refuses the same clients */
    int64_t first_bad = -1;
    uint64_t first_why = 0;
    for (uint32_t c = 0; rc == 0 && c < nc; c++) {
        bool same = true;
        for (uint32_t i = 1; i < n && same; i++) same = seen[(size_t)i * nc + c] == seen[c];
        if (same && seen[c] <= max) continue;
        uint64_t reason = same ? MPC_REFUSE_TOO_MANY : MPC_REFUSE_INCONSISTENT;
        Fe why;
        fe_from_u64(e->f, &why, reason);
        send_canon(e, e->n + c, MK_REFUSE, 0, &why, 1);
        if (first_bad < 0) {
            first_bad = c;
            first_why = reason;
        }
    }
    if (first_bad >= 0 && first_why == MPC_REFUSE_TOO_MANY) {
        rc = mpc_fail(e, "client %lld declared %u inputs, more than %u: refused", (long long)first_bad, seen[first_bad],
                      max);
    } else if (first_bad >= 0) {
        char what[160];
        describe_counts(what, sizeof what, seen, n, nc, (uint32_t)first_bad);
        rc = mpc_fail(e, "client %lld declared different input counts to different parties (%s): refused",
                      (long long)first_bad, what);
    }
    free(seen);
    return rc;
}

/* ---- client side ------------------------------------------------------------- */

/* Early messages are held per sender, and only for the sequence numbers a
 * client can still want: MK_MASK 0 .. CLIENT_HOLD_WINDOW-1 before the
 * inputs are done, MK_OUTPUT next_out .. next_out+CLIENT_HOLD_WINDOW-1.
 * So one party can fill only its own share of the hold (at most
 * 2·CLIENT_HOLD_WINDOW messages and CLIENT_HOLD_BYTES decoded bytes), never
 * crowd out the honest parties' shares, and the client's memory stays
 * below n times that. */
#define CLIENT_HOLD_WINDOW 64
#define CLIENT_HOLD_BYTES ((size_t)2 * TRANSPORT_MAX_MESSAGE)

typedef struct {
    uint32_t from;
    uint8_t kind;
    uint64_t seq;
    uint32_t count;
    Fe *v; /* decoded elements */
} Held;

struct MpcClient {
    Transport *tr;
    const Field *f;
    uint32_t n, t;
    uint64_t instance;
    int timeout_ms;
    uint64_t next_out; /* next output batch */
    bool inputs_done;
    Held *held; /* messages that arrived before they were wanted */
    size_t n_held, held_cap;
    uint32_t *held_count;  /* per party: messages held */
    size_t *held_bytes;    /* per party: bytes of their decoded elements */
    size_t hold_bytes_max; /* CLIENT_HOLD_BYTES (tests lower it) */
    DecodeCache cache;
    uint64_t bad_messages;
    MpcOutputType *types; /* the last batch's types (types_state 1) */
    size_t ntypes;
    int types_state; /* as mpc_client_output_types returns */
    int64_t dissenter;
    uint8_t *refused;      /* per party: the reason of its MK_REFUSE, 0 if none */
    uint32_t n_refused[3]; /* parties that refused, by reason (MPC_REFUSE_*) */
    char err[256];
};

static int cfail(MpcClient *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cfail(MpcClient *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    return -1;
}

MpcClient *mpc_client_new(Transport *t, const Field *f, uint32_t n, uint32_t tt, uint64_t instance_id, int timeout_ms)
{
    if (sodium_init() < 0 || !t || n == 0 || n > SHAMIR_MAX_PARTIES || (uint64_t)n < 3 * (uint64_t)tt + 1 ||
        t->n_parties != n || t->self < n)
        return NULL;
    MpcClient *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->held_count = calloc(n, sizeof *c->held_count);
    c->held_bytes = calloc(n, sizeof *c->held_bytes);
    c->refused = calloc(n, sizeof *c->refused);
    if (!c->held_count || !c->held_bytes || !c->refused) {
        free(c->held_count);
        free(c->held_bytes);
        free(c->refused);
        free(c);
        return NULL;
    }
    c->hold_bytes_max = CLIENT_HOLD_BYTES;
    c->tr = t;
    c->f = f ? f : field_default();
    c->n = n;
    c->t = tt;
    c->instance = instance_id;
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
    c->dissenter = -1;
    dcache_init(&c->cache, c->f, n, tt);
    return c;
}

static void held_drop(MpcClient *c, size_t i)
{
    Held *h = &c->held[i];
    sodium_memzero(h->v, (size_t)h->count * sizeof(Fe));
    free(h->v);
    c->held_count[h->from]--;
    c->held_bytes[h->from] -= (size_t)h->count * sizeof(Fe);
    c->held[i] = c->held[--c->n_held];
}

void mpc_client_free(MpcClient *c)
{
    if (!c) return;
    while (c->n_held) held_drop(c, c->n_held - 1);
    free(c->held);
    free(c->held_count);
    free(c->held_bytes);
    free(c->refused);
    dcache_free(&c->cache);
    free(c->types);
    free(c);
}

const char *mpc_client_error(const MpcClient *c) { return c ? c->err : "no client"; }

bool mpc_client_refused(const MpcClient *c)
{
    return c->n_refused[MPC_REFUSE_INCONSISTENT] > c->t || c->n_refused[MPC_REFUSE_TOO_MANY] > c->t;
}

void mpc_client_test_hold_limit(MpcClient *c, size_t bytes) { c->hold_bytes_max = bytes; }

void mpc_client_test_held(const MpcClient *c, uint32_t party, uint32_t *count, size_t *bytes)
{
    *count = party < c->n ? c->held_count[party] : 0;
    *bytes = party < c->n ? c->held_bytes[party] : 0;
}

/* The reason (MPC_REFUSE_*) an MK_REFUSE message gives, 0 if it is none. */
static int refusal_reason(const Field *f, const uint8_t *msg, const MsgHdr *h)
{
    Fe v;
    int64_t why = 0;
    if (h->kind != MK_REFUSE || h->count != 1 || wire_get_canon(f, &v, msg + MPC_HDR, 1) != 0 ||
        fe_to_i64_signed(f, &why, &v) != 0 || why < MPC_REFUSE_INCONSISTENT || why > MPC_REFUSE_TOO_MANY)
        return 0;
    return (int)why;
}

static const char *refusal_text(int why)
{
    return why == MPC_REFUSE_TOO_MANY ? "more inputs than a client may send"
                                      : "different input counts to different parties";
}

/* Keeps a received message if it may still be wanted and its sender's
 * share of the hold has room. */
static void client_take(MpcClient *c, uint32_t from, uint8_t *msg, size_t len)
{
    MsgHdr h;
    if (from < c->n && wire_get_hdr(msg, len, &h) == 0 && h.instance == c->instance && h.kind == MK_REFUSE) {
        /* counted once per party: t+1 alike refusals include an honest party's */
        int why = refusal_reason(c->f, msg, &h);
        if (why && !c->refused[from]) {
            c->refused[from] = (uint8_t)why;
            c->n_refused[why]++;
        }
        free(msg);
        return;
    }
    bool ok = from < c->n && wire_get_hdr(msg, len, &h) == 0 && h.instance == c->instance &&
              (h.kind == MK_MASK || h.kind == MK_OUTPUT || h.kind == MK_OUTTYPE);
    bool out_kind = h.kind == MK_OUTPUT || h.kind == MK_OUTTYPE;
    if (ok && ((h.kind == MK_MASK && c->inputs_done) || (out_kind && h.seq < c->next_out))) {
        sodium_memzero(msg, len);
        free(msg); /* late for a finished exchange: normal */
        return;
    }
    uint64_t base = ok && out_kind ? c->next_out : 0;
    size_t bytes = ok ? (size_t)h.count * sizeof(Fe) : 0;
    ok = ok && h.seq - base < CLIENT_HOLD_WINDOW && c->held_count[from] < 2 * CLIENT_HOLD_WINDOW &&
         bytes <= c->hold_bytes_max - c->held_bytes[from];
    for (size_t i = 0; ok && i < c->n_held; i++)
        ok = !(c->held[i].from == from && c->held[i].kind == h.kind && c->held[i].seq == h.seq);
    if (ok && c->n_held == c->held_cap) {
        size_t ncap = c->held_cap ? 2 * c->held_cap : 16;
        Held *nh = realloc(c->held, ncap * sizeof *nh);
        if (nh) {
            c->held = nh;
            c->held_cap = ncap;
        } else {
            ok = false;
        }
    }
    Fe *v = ok ? malloc(bytes + sizeof *v) : NULL;
    if (v && wire_get_canon(c->f, v, msg + MPC_HDR, h.count) == 0) {
        c->held[c->n_held++] = (Held){ from, h.kind, h.seq, h.count, v };
        c->held_count[from]++;
        c->held_bytes[from] += bytes;
    } else {
        if (v) sodium_memzero(v, bytes);
        free(v);
        c->bad_messages++;
    }
    sodium_memzero(msg, len);
    free(msg);
}

/* Tries to decode the held messages of (kind, seq, count).  1 = done
 * (*out malloc'd), 0 = not yet, -2 = every party's shares are in and they
 * still do not decode (more than t faulty parties), -1 = no memory. */
static int client_try(MpcClient *c, uint8_t kind, uint64_t seq, uint32_t count, Fe **out)
{
    const Fe *row[SHAMIR_MAX_PARTIES] = { 0 };
    unsigned have = 0;
    for (size_t i = 0; i < c->n_held; i++) {
        const Held *h = &c->held[i];
        if (h->kind == kind && h->seq == seq && h->count == count) {
            row[h->from] = h->v;
            have++;
        }
    }
    if (have < 2 * c->t + 1) return 0;
    Fe *v = malloc(((size_t)count + 1) * sizeof *v);
    if (!v) return -1;
    OpenState os;
    open_init(&os, c->f, c->n, c->t, c->t, count, row, NULL, NULL, &c->cache, v);
    int r = open_try(&os, have == c->n);
    open_free(&os);
    if (r == 1) {
        *out = v;
        return 1;
    }
    free(v);
    return r == 0 && have == c->n ? -2 : r;
}

/* The types the parties sent with output batch `seq` of `count` values:
 * each sends them just before its shares on the same connection, so every
 * party whose share counted has sent them.  At least t+1 alike (the honest
 * ones are) decide; a party that sent others is remembered. */
static int take_types(MpcClient *c, uint64_t seq, uint32_t count)
{
    const Held *row[SHAMIR_MAX_PARTIES];
    size_t k = 0;
    for (size_t i = 0; i < c->n_held; i++)
        if (c->held[i].kind == MK_OUTTYPE && c->held[i].seq == seq) row[k++] = &c->held[i];
    c->types_state = k ? -1 : 0;
    c->dissenter = -1;
    c->ntypes = 0;
    const Held *agreed = NULL;
    for (size_t i = 0; i < k && !agreed; i++) {
        unsigned same = 0;
        for (size_t j = 0; j < k; j++)
            same += row[j]->count == row[i]->count && row[i]->count == count &&
                    memcmp(row[j]->v, row[i]->v, (size_t)count * sizeof(Fe)) == 0;
        if (same >= c->t + 1) agreed = row[i];
    }
    for (size_t j = 0; j < k && c->dissenter < 0; j++)
        if (!agreed || row[j]->count != count || memcmp(row[j]->v, agreed->v, (size_t)count * sizeof(Fe)) != 0)
            c->dissenter = row[j]->from;
    if (!agreed) return 0;
    MpcOutputType *t = realloc(c->types, ((size_t)count + 1) * sizeof *t);
    if (!t) return -1;
    c->types = t;
    for (uint32_t i = 0; i < count; i++) {
        int64_t x = 0;
        if (fe_to_i64_signed(c->f, &x, &agreed->v[i]) != 0 || x < 0 || x >= (1 << 24) || (x & 0xff) > 2) {
            c->dissenter = agreed->from; /* t+1 parties agree on nonsense: more than t are faulty */
            return 0;
        }
        t[i] = (MpcOutputType){ (uint8_t)(x & 0xff), (uint32_t)(x >> 8 & 0xff), (uint32_t)(x >> 16 & 0xff) };
    }
    c->ntypes = count;
    c->types_state = 1;
    return 0;
}

int mpc_client_output_types(MpcClient *c, MpcOutputType *types, size_t n, int64_t *dissenter)
{
    *dissenter = c->dissenter;
    if (c->types_state == -1) {
        cfail(c, "client %u: the parties disagree on the types of their outputs (party %lld differs)", c->tr->self,
              (long long)c->dissenter);
        return -1;
    }
    if (c->types_state == 0 || n != c->ntypes) return 0;
    memcpy(types, c->types, n * sizeof *types);
    return 1;
}

/* Waits until a (kind, seq) exchange decodes.  any_seq: the first output
 * batch that decodes, whatever its number.  count_fixed: only messages of
 * `count` elements count. */
static int client_collect(MpcClient *c, uint8_t kind, bool any_seq, uint64_t seq, bool count_fixed, uint32_t count,
                          Fe **values, size_t *n_out)
{
    struct timespec dl;
    deadline_in(&dl, c->timeout_ms);
    for (;;) {
        /* every (seq, count) group present among the held messages */
        for (size_t i = 0; i < c->n_held; i++) {
            const Held *h = &c->held[i];
            if (h->kind != kind || (!any_seq && h->seq != seq) || (count_fixed && h->count != count)) continue;
            uint64_t s = h->seq;
            uint32_t k = h->count;
            Fe *v = NULL;
            int r = client_try(c, kind, s, k, &v);
            if (r == -2)
                return cfail(c,
                             "client %u: the parties' %s shares are inconsistent (more than %u "
                             "faulty parties)",
                             c->tr->self, kind == MK_MASK ? "mask" : "output", c->t);
            if (r < 0) return cfail(c, "out of memory");
            if (r == 1) {
                if (kind == MK_OUTPUT && take_types(c, s, k) != 0) {
                    free(v);
                    return cfail(c, "out of memory");
                }
                for (size_t j = c->n_held; j-- > 0;)
                    if ((c->held[j].kind == kind || (kind == MK_OUTPUT && c->held[j].kind == MK_OUTTYPE)) &&
                        c->held[j].seq == s)
                        held_drop(c, j);
                if (kind == MK_OUTPUT) c->next_out = s + 1;
                *values = v;
                *n_out = k;
                return 0;
            }
        }
        if (mpc_client_refused(c)) {
            int why = c->n_refused[MPC_REFUSE_TOO_MANY] > c->t ? MPC_REFUSE_TOO_MANY : MPC_REFUSE_INCONSISTENT;
            return cfail(c, "client %u: %u parties refused this client: it declared %s", c->tr->self, c->n_refused[why],
                         refusal_text(why));
        }
        int ms = ms_left(&dl);
        uint32_t from;
        uint8_t *msg;
        size_t len;
        int rc = ms ? transport_recv(c->tr, &from, &msg, &len, ms) : TRANSPORT_TIMEOUT;
        if (rc == TRANSPORT_TIMEOUT)
            return cfail(c,
                         "client %u: timed out after %d ms waiting for the parties' %s shares "
                         "(fewer than %u consistent)",
                         c->tr->self, c->timeout_ms, kind == MK_MASK ? "mask" : "output", 2 * c->t + 1);
        if (rc == TRANSPORT_PEERS_GONE)
            return cfail(c,
                         "client %u: every party has left without sending enough consistent %s shares "
                         "(the session failed at the parties; their output says why)",
                         c->tr->self, kind == MK_MASK ? "mask" : "output");
        if (rc != TRANSPORT_OK) return cfail(c, "client %u: transport closed", c->tr->self);
        client_take(c, from, msg, len);
    }
}

int mpc_client_inputs(MpcClient *c, const Fe *values, size_t count)
{
    if (c->inputs_done) return cfail(c, "inputs were already sent");
    if (count > MPC_MAX_ELEMS || (count && !values)) return cfail(c, "bad input count");
    if (count == 0) {
        c->inputs_done = true; /* a client without inputs takes no part */
        return 0;
    }
    Fe *r = NULL;
    size_t got = 0;
    if (client_collect(c, MK_MASK, false, 0, true, (uint32_t)count, &r, &got) != 0) return -1;
    c->inputs_done = true;
    size_t len = MPC_HDR + count * MPC_ELEM;
    uint8_t *msg = malloc(len);
    if (!msg) {
        sodium_memzero(r, count * sizeof *r);
        free(r);
        return cfail(c, "out of memory");
    }
    wire_put_hdr(msg, MK_MASKED, (uint32_t)count, c->instance, 0);
    for (size_t i = 0; i < count; i++) {
        Fe m;
        fe_sub(c->f, &m, &values[i], &r[i]);
        fe_to_bytes(c->f, msg + MPC_HDR + i * MPC_ELEM, &m);
    }
    sodium_memzero(r, count * sizeof *r);
    free(r);
    int rc = 0;
    for (uint32_t j = 0; j < c->n && rc == 0; j++)
        if (transport_send(c->tr, j, msg, len) == TRANSPORT_CLOSED)
            rc = cfail(c, "client %u: transport closed", c->tr->self);
    free(msg);
    return rc;
}

int mpc_client_outputs(MpcClient *c, Fe **values, size_t *count)
{
    return client_collect(c, MK_OUTPUT, false, c->next_out, false, 0, values, count);
}

int mpc_client_refusals(Transport *t, const Field *f, uint32_t n, uint32_t tt, int timeout_ms, char *err, size_t errlen)
{
    uint8_t by[SHAMIR_MAX_PARTIES] = { 0 };
    unsigned count[MPC_REFUSE_TOO_MANY + 1] = { 0 };
    f = f ? f : field_default();
    struct timespec dl;
    deadline_in(&dl, timeout_ms);
    for (int ms; (ms = ms_left(&dl)) > 0;) {
        uint32_t from;
        uint8_t *msg;
        size_t len;
        if (transport_recv(t, &from, &msg, &len, ms) != TRANSPORT_OK) break;
        MsgHdr h;
        int why =
            from < n && from < SHAMIR_MAX_PARTIES && wire_get_hdr(msg, len, &h) == 0 ? refusal_reason(f, msg, &h) : 0;
        sodium_memzero(msg, len);
        free(msg);
        if (!why || by[from]) continue;
        by[from] = (uint8_t)why;
        if (++count[why] > tt) {
            snprintf(err, errlen, "client %u: %u parties refused this client: it declared %s", t->self, count[why],
                     refusal_text(why));
            return 1;
        }
    }
    return 0;
}

static void copy_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) snprintf(err, errlen, "%s", msg);
}

int mpc_client_send_inputs(Transport *t, const Field *f, uint32_t n, uint32_t tt, uint64_t instance_id,
                           const Fe *values, size_t count, int timeout_ms, char *err, size_t errlen)
{
    MpcClient *c = mpc_client_new(t, f, n, tt, instance_id, timeout_ms);
    if (!c) {
        copy_err(err, errlen, "bad client configuration or no memory");
        return -1;
    }
    int rc = mpc_client_inputs(c, values, count);
    if (rc != 0) copy_err(err, errlen, c->err);
    mpc_client_free(c);
    return rc;
}

int mpc_client_receive_outputs(Transport *t, const Field *f, uint32_t n, uint32_t tt, uint64_t instance_id, Fe **values,
                               size_t *count, int timeout_ms, char *err, size_t errlen)
{
    MpcClient *c = mpc_client_new(t, f, n, tt, instance_id, timeout_ms);
    if (!c) {
        copy_err(err, errlen, "bad client configuration or no memory");
        return -1;
    }
    /* no state between calls: take whichever batch decodes first */
    int rc = client_collect(c, MK_OUTPUT, true, 0, false, 0, values, count);
    if (rc != 0) copy_err(err, errlen, c->err);
    mpc_client_free(c);
    return rc;
}
