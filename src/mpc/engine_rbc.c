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

/* Preprocessing's channel: the online fault injection does not apply. */
static int rbc_send_pre(void *ctx, uint32_t to, const uint8_t *msg, size_t len)
{
    return rbc_send_on(ctx, 1, to, msg, len);
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

void rbc_route(MpcEngine *e, uint32_t from, uint8_t *msg, size_t len)
{
    MsgHdr h;
    struct Rbc *r = NULL;
    if (wire_get_hdr(msg, len, &h) == 0) r = h.seq == 0 ? e->rbc : h.seq == 1 ? e->prbc : NULL;
    if (!r) { /* an unknown channel */
        e->st.bad_messages++;
        free(msg);
        return;
    }
    int rc = rbc_handle(r, from, msg + MPC_HDR, len - MPC_HDR);
    if (rc == -1) {
        /* kept for the receiver's timeout error: each distinct reason once */
        e->st.bad_messages++;
        const char *why = rbc_error(r);
        size_t k = strlen(e->rbc_err);
        if (!strstr(e->rbc_err, why) && k + strlen(why) + 3 < sizeof e->rbc_err)
            snprintf(e->rbc_err + k, sizeof e->rbc_err - k, "%s%s", k ? "; " : "", why);
    }
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
