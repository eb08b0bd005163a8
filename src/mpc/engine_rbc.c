/* engine_rbc.c: reliable broadcast (rbc.h) over the engine's transport.
 * Broadcast messages travel as MK_RBC frames (header of engine_internal.h,
 * count = 32-byte units, the rbc bytes zero-padded); they are handled the
 * moment they arrive, whatever round the engine is collecting, so a
 * party's broadcast progresses while the others compute. */
#include "mpc/engine_internal.h"
#include "mpc/rbc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frames and sends on broadcast channel `chan` (the header's sequence
 * number: 0 the program's Rbc.*, 1 preprocessing's, preproc_check.c). */
static int rbc_send_on(MpcEngine *e, uint64_t chan, uint32_t to, const uint8_t *msg, size_t len)
{
    size_t units = (len + MPC_ELEM - 1) / MPC_ELEM;
    size_t flen = MPC_HDR + units * MPC_ELEM;
    uint8_t *buf = calloc(1, flen);
    if (!buf) return -1;
    wire_put_hdr(buf, MK_RBC, (uint32_t)units, e->instance, chan);
    memcpy(buf + MPC_HDR, msg, len);
    int rc = to == RBC_ALL ? send_parties(e, buf, flen) : send_node(e, to, buf, flen);
    free(buf);
    return rc;
}

/* The rbc module's send: a silent faulty party sends nothing, as in the
 * other protocols of the online phase. */
static int rbc_send(void *ctx, uint32_t to, const uint8_t *msg, size_t len)
{
    MpcEngine *e = ctx;
    if (e->fault == MPC_FAULT_SILENT) return 0;
    return rbc_send_on(e, 0, to, msg, len);
}

/* A bundle is sent before it would grow past this; longer messages (a
 * dealer opening a row) go alone. */
#define PB_MAX ((size_t)1 << 20)

/* Sends the bundle (channel 2: u32 length and message, repeated; zero
 * padding ends it). */
static int pp_rbc_flush(MpcEngine *e)
{
    if (!e->pb_len) return 0;
    size_t units = (e->pb_len - MPC_HDR + MPC_ELEM - 1) / MPC_ELEM, flen = MPC_HDR + units * MPC_ELEM;
    memset(e->pb + e->pb_len, 0, flen - e->pb_len);
    wire_put_hdr(e->pb, MK_RBC, (uint32_t)units, e->instance, 2);
    e->pb_len = 0;
    return send_parties(e, e->pb, flen);
}

/* Preprocessing's channel: the online fault injection does not apply. */
static int rbc_send_pre(void *ctx, uint32_t to, const uint8_t *msg, size_t len)
{
    MpcEngine *e = ctx;
    if (!e->pb_hold || to != RBC_ALL || len > PB_MAX / 4) return rbc_send_on(ctx, 1, to, msg, len);
    if (e->pb_len + 4 + len > PB_MAX && pp_rbc_flush(e) != 0) return -1;
    if (!e->pb_len) e->pb_len = MPC_HDR;
    size_t need = e->pb_len + 4 + len + MPC_ELEM;
    if (need > e->pb_cap) { /* grown keeping what is bundled (grow_buf does not) */
        size_t cap = e->pb_cap ? 2 * e->pb_cap : 8192;
        while (cap < need) cap *= 2;
        if (mpc_mem_charge(e, e->pb_cap, cap, "a broadcast bundle") != 0) return -1;
        uint8_t *nb = realloc(e->pb, cap);
        if (!nb) {
            mpc_mem_charge(e, cap, e->pb_cap, NULL);
            return -1;
        }
        e->pb = nb;
        e->pb_cap = cap;
    }
    for (int i = 0; i < 4; i++) e->pb[e->pb_len + i] = (uint8_t)(len >> (8 * i));
    memcpy(e->pb + e->pb_len + 4, msg, len);
    e->pb_len += 4 + len;
    return 0;
}

int rbc_preproc_wait(MpcEngine *e, const struct timespec *dl)
{
    int ms = ms_left(dl);
    uint32_t from;
    uint8_t *m;
    size_t l;
    int tr = ms ? transport_recv(e->tr, &from, &m, &l, ms) : TRANSPORT_TIMEOUT;
    if (tr == TRANSPORT_TIMEOUT) return 0;
    if (tr != TRANSPORT_OK) return mpc_fail(e, "transport closed");
    int rc = 1;
    e->pb_hold = true;
    for (unsigned k = 0;; k++) {
        mpc_route_message(e, from, m, l); /* other rounds' messages are stashed */
        if (e->mem_failed) {
            rc = -1;
            break;
        }
        /* bounded, so a flood cannot keep the bundle from going out */
        if (k == 4096 || (tr = transport_recv(e->tr, &from, &m, &l, 0)) == TRANSPORT_TIMEOUT) break;
        if (tr != TRANSPORT_OK) {
            rc = mpc_fail(e, "transport closed");
            break;
        }
    }
    e->pb_hold = false;
    if (pp_rbc_flush(e) != 0 && rc == 1) rc = -1;
    mpc_mem_release(e, e->pb_cap);
    free(e->pb); /* held only while waiting */
    e->pb = NULL;
    e->pb_cap = 0;
    return rc;
}

int rbc_setup(MpcEngine *e)
{
    e->rbc = rbc_new(e->n, e->t, e->self, rbc_send, e);
    e->prbc = rbc_new(e->n, e->t, e->self, rbc_send_pre, e);
    if (!e->rbc || !e->prbc) return -1;
    /* preprocessing's channel carries whole rows of a dealing when a
     * dealer opens one in a dispute: up to a transport message */
    rbc_set_limits(e->prbc, TRANSPORT_MAX_MESSAGE - MPC_HDR - RBC_HDR - MPC_ELEM, (size_t)256 << 20);
    return 0;
}

/* A refused broadcast message: counted, and its reason kept for the
 * receiver's timeout error (each distinct reason once). */
static void rbc_refused(MpcEngine *e, const struct Rbc *r, const char *why)
{
    e->st.bad_messages++;
    if (!why) why = rbc_error(r);
    size_t k = strlen(e->rbc_err);
    if (!strstr(e->rbc_err, why) && k + strlen(why) + 3 < sizeof e->rbc_err)
        snprintf(e->rbc_err + k, sizeof e->rbc_err - k, "%s%s", k ? "; " : "", why);
}

/* A bundle of preprocessing's broadcast messages (pp_rbc_flush). */
static void rbc_route_bundle(MpcEngine *e, uint32_t from, const uint8_t *p, size_t len)
{
    size_t off = 0;
    while (len - off >= 4) {
        size_t l = (size_t)p[off] | (size_t)p[off + 1] << 8 | (size_t)p[off + 2] << 16 | (size_t)p[off + 3] << 24;
        if (l == 0) break; /* the padding */
        if (l > len - off - 4) {
            rbc_refused(e, e->prbc, "a broadcast bundle with a message longer than the bundle");
            return;
        }
        if (rbc_handle(e->prbc, from, p + off + 4, l) == -1) rbc_refused(e, e->prbc, NULL);
        off += 4 + l;
    }
    for (; off < len; off++)
        if (p[off]) {
            rbc_refused(e, e->prbc, "a broadcast bundle with bytes after its end");
            return;
        }
}

void rbc_route(MpcEngine *e, uint32_t from, uint8_t *msg, size_t len)
{
    MsgHdr h;
    struct Rbc *r = NULL;
    if (wire_get_hdr(msg, len, &h) == 0) r = h.seq == 0 ? e->rbc : h.seq <= 2 ? e->prbc : NULL;
    if (!r) { /* an unknown channel */
        e->st.bad_messages++;
        free(msg);
        return;
    }
    if (h.seq == 2)
        rbc_route_bundle(e, from, msg + MPC_HDR, len - MPC_HDR);
    else if (rbc_handle(r, from, msg + MPC_HDR, len - MPC_HDR) == -1)
        rbc_refused(e, r, NULL);
    free(msg);
}

int mpc_rbc_broadcast(MpcEngine *e, const uint8_t *msg, size_t len, uint64_t *session)
{
    if (rbc_broadcast(e->rbc, msg, len, session) != 0) return mpc_fail(e, "broadcast: %s", rbc_error(e->rbc));
    return 0;
}

int mpc_rbc_receive(MpcEngine *e, uint32_t origin, int timeout_ms, uint32_t *from, uint8_t **msg, size_t *len)
{
    if (origin != MPC_RBC_ANY && origin >= e->n)
        return mpc_fail(e, "broadcast: party %u does not exist (n=%u)", origin, e->n);
    struct timespec dl;
    deadline_in(&dl, timeout_ms > 0 ? timeout_ms : 0);
    e->rbc_err[0] = 0;
    for (;;) {
        int got = rbc_take(e->rbc, origin, from, msg, len);
        if (got != 0) return got < 0 ? mpc_fail(e, "broadcast: %s", rbc_error(e->rbc)) : 1;
        int ms = timeout_ms > 0 ? ms_left(&dl) : 0;
        uint32_t f;
        uint8_t *m;
        size_t l;
        /* past the deadline: no more waiting, even if messages keep coming */
        int rc = timeout_ms > 0 && ms == 0 ? TRANSPORT_TIMEOUT : transport_recv(e->tr, &f, &m, &l, ms);
        if (rc == TRANSPORT_TIMEOUT) {
            if (e->rbc_err[0])
                mpc_fail(e, "refused meanwhile: %s", e->rbc_err);
            else
                e->err[0] = 0;
            return 0;
        }
        if (rc != TRANSPORT_OK) return mpc_fail(e, "transport closed");
        /* anything else is kept for its round, as in gather_one */
        mpc_route_message(e, f, m, l);
    }
}
