/* hold.c: the shares of large online openings that no receiver needs
 * while nobody cheats (docs/mpc.md, "Large openings hold them back").
 * Small openings send them with send_later; a large one keeps one copy of
 * its message here, in one of MPC_HOLD_SLOTS slots, with the receivers it
 * is still owed to, until each of them shows it is past that opening
 * (mpc_hold_seen), asks for it (MK_WANT, MK_EAGER: mpc_hold_send), the
 * slots run out (the oldest goes to everyone it is owed to) or the engine
 * is freed (everything still owed is sent).  So every share still reaches
 * a receiver that may need it, and the honest case sends a third fewer
 * bytes at n = 3t+1.  Opening shares are public once the value is open
 * (open_round does not wipe them either): slots are not wiped. */
#include "mpc/engine_internal.h"

#include <stdlib.h>
#include <string.h>

bool mpc_hold_applies(const MpcEngine *e, uint8_t kind, unsigned d, size_t len)
{
    return kind == MK_OPEN && e->tr->ops->send_later && len > MPC_LATER_MAX_BYTES && d + e->t + 1 < e->n;
}

/* Sends slot s to `to` if it is owed there. */
static int send_owed(MpcEngine *e, HeldShare *s, uint32_t to)
{
    if (!s->owed[to]) return 0;
    s->owed[to] = 0;
    s->n_owed--;
    return send_node(e, to, s->buf, s->len);
}

/* The slot owed to `to` (any receiver: to >= n) with the lowest sequence
 * number below `below`, or NULL. */
static HeldShare *oldest(MpcEngine *e, uint32_t to, uint64_t below)
{
    HeldShare *best = NULL;
    for (unsigned i = 0; i < MPC_HOLD_SLOTS; i++) {
        HeldShare *s = &e->held[i];
        if (s->n_owed && s->seq < below && (to >= e->n || s->owed[to]) && (!best || s->seq < best->seq)) best = s;
    }
    return best;
}

int mpc_hold_put(MpcEngine *e, uint64_t seq, const uint32_t *to, size_t n_to, const uint8_t *buf, size_t len)
{
    if (!n_to) return 0;
    if (!e->held && !(e->held = calloc(MPC_HOLD_SLOTS, sizeof *e->held))) return mpc_fail(e, "out of memory");
    HeldShare *s = NULL;
    for (unsigned i = 0; i < MPC_HOLD_SLOTS && !s; i++)
        if (!e->held[i].n_owed) s = &e->held[i];
    if (!s) { /* a receiver is far behind, or silent: the oldest goes out now */
        s = oldest(e, e->n, UINT64_MAX);
        for (uint32_t j = 0; j < e->n; j++)
            if (send_owed(e, s, j) != 0) return -1;
    }
    if (s->cap < len) {
        if (mpc_mem_charge(e, s->cap, len, "held-back opening shares") != 0) return -1;
        uint8_t *grown = realloc(s->buf, len);
        if (!grown) {
            mpc_mem_release(e, len - s->cap);
            return mpc_fail(e, "out of memory");
        }
        s->buf = grown;
        s->cap = len;
    }
    memcpy(s->buf, buf, len);
    s->len = len;
    s->seq = seq;
    for (size_t i = 0; i < n_to; i++)
        if (!s->owed[to[i]]) {
            s->owed[to[i]] = 1;
            s->n_owed++;
        }
    return 0;
}

/* A party that sent opening `seq` has decoded every opening up to seq-2
 * (round_internal sends a message before it gathers the one before). */
void mpc_hold_seen(MpcEngine *e, uint32_t from, uint64_t seq)
{
    if (!e->held || from >= e->n || seq < 2) return;
    for (unsigned i = 0; i < MPC_HOLD_SLOTS; i++) {
        HeldShare *s = &e->held[i];
        if (s->n_owed && s->owed[from] && s->seq <= seq - 2) {
            s->owed[from] = 0;
            s->n_owed--;
            e->st.shares_withheld++;
        }
    }
}

int mpc_hold_send(MpcEngine *e, uint32_t to, uint64_t below)
{
    if (!e->held || to >= e->n) return 0;
    for (HeldShare *s; (s = oldest(e, to, below));)
        if (send_owed(e, s, to) != 0) return -1;
    return 0;
}

/* Sends every slot to the receivers it is still owed to (send_later:
 * they go out together, by the time the transport is freed at the latest). */
static void send_all_owed(MpcEngine *e)
{
    for (unsigned i = 0; i < MPC_HOLD_SLOTS; i++) {
        HeldShare *s = &e->held[i];
        for (uint32_t j = 0; j < e->n && s->n_owed; j++)
            if (s->owed[j]) {
                s->owed[j] = 0;
                s->n_owed--;
                (void)transport_send_later(e->tr, j, s->buf, s->len); /* closed: nobody waits */
            }
    }
}

void mpc_send_held(MpcEngine *e)
{
    if (e && e->held) send_all_owed(e);
}

void mpc_hold_free(MpcEngine *e)
{
    if (!e->held) return;
    send_all_owed(e); /* a receiver may still need them */
    for (unsigned i = 0; i < MPC_HOLD_SLOTS; i++) {
        HeldShare *s = &e->held[i];
        mpc_mem_release(e, s->cap);
        free(s->buf);
    }
    free(e->held);
    e->held = NULL;
}
