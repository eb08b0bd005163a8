/* hold.c: the shares of large online openings that no receiver needs
 * while nobody cheats (docs/mpc.md, "Shares no receiver decodes from").
 * Small openings send them with send_later; a large one keeps them here,
 * per receiver, in up to MPC_HOLD_SLOTS slots, until the receiver shows it
 * is past that opening (mpc_hold_seen), asks for them (MK_WANT, MK_EAGER:
 * mpc_hold_send), the slots run out (the oldest is sent) or the engine is
 * freed (everything still held is sent).  So every share still reaches its
 * receiver unless the receiver no longer needs it, and the honest case
 * sends a third fewer bytes at n = 4.  Opening shares are public once the
 * value is open (open_round does not wipe them either): slots are not wiped. */
#include "mpc/engine_internal.h"

#include <stdlib.h>
#include <string.h>

bool mpc_hold_applies(const MpcEngine *e, uint8_t kind, unsigned d, size_t len)
{
    return kind == MK_OPEN && e->tr->ops->send_later && len > MPC_LATER_MAX_BYTES && d + e->t + 1 < e->n;
}

static HeldShare *slots_of(MpcEngine *e, uint32_t to) { return e->held + (size_t)to * MPC_HOLD_SLOTS; }

/* Sends one slot to its receiver and empties it (the buffer is kept). */
static int send_slot(MpcEngine *e, uint32_t to, HeldShare *s)
{
    s->used = false;
    return send_node(e, to, s->buf, s->len);
}

/* The used slot with the lowest sequence number below `below`, or NULL. */
static HeldShare *oldest(MpcEngine *e, uint32_t to, uint64_t below)
{
    HeldShare *s = slots_of(e, to), *best = NULL;
    for (unsigned i = 0; i < MPC_HOLD_SLOTS; i++)
        if (s[i].used && s[i].seq < below && (!best || s[i].seq < best->seq)) best = &s[i];
    return best;
}

int mpc_hold_put(MpcEngine *e, uint32_t to, uint64_t seq, const uint8_t *buf, size_t len)
{
    if (!e->held && !(e->held = calloc((size_t)e->n * MPC_HOLD_SLOTS, sizeof *e->held)))
        return mpc_fail(e, "out of memory");
    HeldShare *s = slots_of(e, to), *free_slot = NULL;
    for (unsigned i = 0; i < MPC_HOLD_SLOTS && !free_slot; i++)
        if (!s[i].used) free_slot = &s[i];
    if (!free_slot) { /* the receiver is far behind, or silent: it gets the oldest now */
        free_slot = oldest(e, to, UINT64_MAX);
        if (send_slot(e, to, free_slot) != 0) return -1;
    }
    if (free_slot->cap < len) {
        if (mpc_mem_charge(e, free_slot->cap, len, "held-back opening shares") != 0) return -1;
        uint8_t *grown = realloc(free_slot->buf, len);
        if (!grown) {
            mpc_mem_release(e, len - free_slot->cap);
            return mpc_fail(e, "out of memory");
        }
        free_slot->buf = grown;
        free_slot->cap = len;
    }
    memcpy(free_slot->buf, buf, len);
    free_slot->len = len;
    free_slot->seq = seq;
    free_slot->used = true;
    return 0;
}

/* A party that sent opening `seq` has decoded every opening up to seq-2
 * (round_internal sends a message before it gathers the one before). */
void mpc_hold_seen(MpcEngine *e, uint32_t from, uint64_t seq)
{
    if (!e->held || from >= e->n || seq < 2) return;
    HeldShare *s = slots_of(e, from);
    for (unsigned i = 0; i < MPC_HOLD_SLOTS; i++)
        if (s[i].used && s[i].seq <= seq - 2) {
            s[i].used = false;
            e->st.shares_withheld++;
        }
}

int mpc_hold_send(MpcEngine *e, uint32_t to, uint64_t below)
{
    if (!e->held || to >= e->n) return 0;
    for (HeldShare *s; (s = oldest(e, to, below));)
        if (send_slot(e, to, s) != 0) return -1;
    return 0;
}

void mpc_hold_free(MpcEngine *e)
{
    if (!e->held) return;
    for (uint32_t j = 0; j < e->n; j++) {
        HeldShare *s = slots_of(e, j);
        for (HeldShare *o; (o = oldest(e, j, UINT64_MAX));) { /* a receiver may still need them */
            o->used = false;
            (void)transport_send_later(e->tr, j, o->buf, o->len);
        }
        for (unsigned i = 0; i < MPC_HOLD_SLOTS; i++) {
            mpc_mem_release(e, s[i].cap);
            free(s[i].buf);
        }
    }
    free(e->held);
    e->held = NULL;
}
