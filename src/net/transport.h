/* transport.h: how MPC protocol code sends bytes between nodes.
 *
 * A node is a party (ids 0 .. n_parties-1) or a client (ids n_parties ..
 * n_parties+n_clients-1).  The protocol code sees only this interface; the
 * in-process transport (inproc.h: nodes as threads of one process) and the
 * TLS transport (tls.h: one process per node) implement it, so the same
 * protocol code - and the same party lifecycle (api/session.h) - runs over
 * both.
 *
 * Messages are whole byte strings (the transport frames them).  Delivery
 * between two honest nodes is reliable and in order; a faulty node may send
 * anything or nothing, so every receive has a timeout and every message is
 * validated by the protocol layer.  The sender id of a received message is
 * authenticated by the transport. */
#ifndef STOFFEL_TRANSPORT_H
#define STOFFEL_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sodium.h>
#include <stdlib.h>
#include <errno.h>
#include <time.h>

#include "core/config.h"

typedef struct Transport Transport;

enum {
    TRANSPORT_OK = 0,
    TRANSPORT_TIMEOUT = 1,
    TRANSPORT_CLOSED = -1, /* this node's transport was shut down */
    TRANSPORT_ERROR = -2,  /* bad destination, message too large, no memory */
    /* (a client's recv) every party has left and everything they sent has
     * been read: nothing more can arrive, so waiting longer is pointless */
    TRANSPORT_PEERS_GONE = -3,
};

typedef struct {
    /* Queue `len` bytes to node `to` (copied; the caller keeps msg). */
    int (*send)(Transport *t, uint32_t to, const uint8_t *msg, size_t len);
    /* Wait up to timeout_ms (negative: forever) for the next message from
     * any node; on TRANSPORT_OK *msg is malloc'd (caller frees; but see
     * send_many) and *from is the authenticated sender. */
    int (*recv)(Transport *t, uint32_t *from, uint8_t **msg, size_t *len, int timeout_ms);
    /* Release this node's endpoint. */
    void (*close)(Transport *t);
    /* Optional (NULL: the buffer is freed): gives back a received message
     * the caller is done with, so the transport may reuse its memory for
     * a later message instead of faulting in fresh pages every round.  The
     * caller wipes it first if it held secrets; len is the received len. */
    void (*recycle)(Transport *t, uint8_t *msg, size_t len);
    /* Optional (NULL: send to each node in turn): queues the same len bytes
     * to the n_to nodes to[] with one copy that their receivers share.  A
     * received shared message is read-only and is given back only with
     * recycle or discard (never written or freed by the receiver); the
     * transport wipes it when its last receiver let go.  Returns
     * TRANSPORT_CLOSED if this node's transport was shut down, else
     * TRANSPORT_OK with *n_failed = the destinations it could not be
     * queued for (as send's TRANSPORT_ERROR; a closed peer counts as
     * delivered, as with send). */
    int (*send_many)(Transport *t, const uint32_t *to, size_t n_to, const uint8_t *msg, size_t len, size_t *n_failed);
    /* Optional (NULL: the caller wipes and frees it): ends the use of a
     * received message that is not kept and may hold secrets: wiped and
     * freed, or, if its buffer is shared (send_many), released. */
    void (*discard)(Transport *t, uint8_t *msg, size_t len);
    /* Optional (NULL: nanosleep): waits ns nanoseconds without receiving.
     * The in-process transport lets a fiber's worker run its other fibers
     * meanwhile (a party polling for a message from a fiber of its own
     * worker would otherwise wait for nothing). */
    void (*pause)(Transport *t, uint64_t ns);
    /* Optional (NULL: send): as send, for a message its receiver most
     * likely does not need (a share beyond those an opening decodes from,
     * mpc/engine.c): the transport may hold it back for a few milliseconds
     * to write it together with later messages to `to`, in order with
     * everything else sent there.  It still arrives: it is written at the
     * next send to `to`, once enough is held back, within TRANSPORT_LATER_MS
     * of being queued while this node calls recv, and by the time the
     * transport is freed. */
    int (*send_later)(Transport *t, uint32_t to, const uint8_t *msg, size_t len);
} TransportOps;

/* How long send_later may hold a message back while its node receives. */
#define TRANSPORT_LATER_MS 1

struct Transport {
    const TransportOps *ops;
    uint32_t self; /* this node's id */
    uint32_t n_parties;
    uint32_t n_clients;
    void *impl;
};

static inline int transport_send(Transport *t, uint32_t to, const uint8_t *msg, size_t len)
{
    return t->ops->send(t, to, msg, len);
}

static inline int transport_recv(Transport *t, uint32_t *from, uint8_t **msg, size_t *len, int timeout_ms)
{
    return t->ops->recv(t, from, msg, len, timeout_ms);
}

/* send_later where the transport has it, else send. */
static inline int transport_send_later(Transport *t, uint32_t to, const uint8_t *msg, size_t len)
{
    return t->ops->send_later ? t->ops->send_later(t, to, msg, len) : t->ops->send(t, to, msg, len);
}
/* Ends the caller's use of a received message (recycled or freed). */
static inline void transport_recycle(Transport *t, uint8_t *msg, size_t len)
{
    if (t->ops->recycle)
        t->ops->recycle(t, msg, len);
    else
        free(msg);
}

/* Ends the use of a received message that is not kept (discard). */
static inline void transport_discard(Transport *t, uint8_t *msg, size_t len)
{
    if (t->ops->discard) {
        t->ops->discard(t, msg, len);
    } else if (msg) {
        sodium_memzero(msg, len);
        free(msg);
    }
}

/* Sleeps ns nanoseconds (the whole of it, across signals). */
static inline void transport_nanosleep(uint64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* Waits ns nanoseconds (see TransportOps.pause); t may be NULL. */
static inline void transport_pause(Transport *t, uint64_t ns)
{
    if (t && t->ops->pause)
        t->ops->pause(t, ns);
    else
        transport_nanosleep(ns);
}

#endif
