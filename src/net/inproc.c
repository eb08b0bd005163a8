/* inproc.c: the in-process transport (inproc.h).
 *
 * Each node has a mailbox: a mutex, a condition variable and a ring of
 * (sender, buffer, length) entries.  send copies the message into one
 * malloc'd buffer outside the lock and appends it; recv hands that same
 * buffer to the caller, so a message costs one allocation and one copy.
 * A receiver done with a large message may give it back (recycle): the
 * buffer joins that node's spares, and its next send of a similar size
 * copies into it instead of a fresh allocation.  In a round every party
 * receives as many messages as it sends, so after the first round the
 * online phase touches no fresh pages (page faults were a third of the
 * cost of sending).
 *
 * send_many (an opening sends the same bytes to every party) copies once
 * into a reference-counted Shared buffer that every receiver's slot points
 * to.  A receiver holds it read-only; the mailbox lists the shared buffers
 * its node holds, so recycle and discard can tell them from private ones.
 * The last one to let go gives the buffer back to its sender as a spare
 * for the next send_many, or wipes and frees it.
 *
 * Bounds: a message is at most TRANSPORT_MAX_MESSAGE bytes, and the bytes
 * queued for one destination at most INPROC_QUEUE_BYTES; beyond that send
 * fails with TRANSPORT_ERROR instead of letting a fast or hostile sender
 * grow a slow receiver's memory without bound.
 *
 * Waits use CLOCK_MONOTONIC (pthread_condattr_setclock), so a change of the
 * wall clock cannot stretch or cut a timeout. */
#define _GNU_SOURCE /* PTHREAD_MUTEX_ADAPTIVE_NP */
#include "net/inproc.h"

#include "core/clock.h"
#include "core/fiber.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One copy of a message queued to several nodes (send_many). */
typedef struct {
    atomic_size_t refs; /* receivers still holding it (queued or received) */
    uint32_t owner;     /* the sender: its spare when the last one lets go */
    size_t cap;
    _Alignas(16) uint8_t data[];
} Shared;

typedef struct {
    uint32_t from;
    size_t len;
    uint8_t *data;
    Shared *sh; /* NULL: data is a private malloc'd buffer */
} Slot;

#ifndef INPROC_SPIN
#define INPROC_SPIN 20
#endif

/* Messages below this size come from malloc's bins anyway: not kept. */
#define INPROC_RECYCLE_MIN ((size_t)64 << 10)
/* Spare buffers one node keeps, and their bytes at most. */
#define INPROC_SPARES 64
#define INPROC_SPARE_BYTES ((size_t)64 << 20)

typedef struct {
    uint8_t *data;
    size_t cap;
} Spare;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    Slot *ring; /* circular queue of cap slots */
    size_t cap, head, count;
    size_t bytes;               /* payload bytes queued */
    bool closed;                /* this endpoint was closed */
    unsigned sleepers;          /* receivers asleep on cv (0 or 1) */
    Fiber *fiber;               /* the receiver runs as this fiber (NULL: a thread) */
    atomic_size_t avail;        /* == count, read without the lock while spinning */
    Spare spare[INPROC_SPARES]; /* recycled buffers for this node's sends */
    size_t n_spare, spare_bytes;
    Shared **held;                        /* shared buffers received and not given back */
    size_t n_held, held_cap, n_sh_queued; /* held_cap >= n_held + n_sh_queued */
    Shared *sh_spare;                     /* this node's last send_many buffer, unused */
    Transport tr;
} Mailbox;

struct InprocHub {
    uint32_t n_nodes;
    atomic_bool shutdown;     /* set once; read by every node */
    atomic_bool parties_done; /* no party sends any more (inproc_hub_parties_done) */
    Mailbox box[];
};

static int ip_send(Transport *t, uint32_t to, const uint8_t *msg, size_t len);
static int ip_recv(Transport *t, uint32_t *from, uint8_t **msg, size_t *len, int timeout_ms);
static void ip_close(Transport *t);
static void ip_recycle(Transport *t, uint8_t *msg, size_t len);
static int ip_send_many(Transport *t, const uint32_t *to, size_t n_to, const uint8_t *msg, size_t len,
                        size_t *n_failed);
static void ip_discard(Transport *t, uint8_t *msg, size_t len);
static void ip_pause(Transport *t, uint64_t ns);

/* no send_later: a message costs no system call here, so holding one
 * back would only delay it */
static const TransportOps inproc_ops = { ip_send,      ip_recv,    ip_close, ip_recycle,
                                         ip_send_many, ip_discard, ip_pause, NULL };

static InprocHub *hub_of(Transport *t) { return (InprocHub *)t->impl; }

InprocHub *inproc_hub_new(uint32_t n_parties, uint32_t n_clients)
{
    uint64_t nodes = (uint64_t)n_parties + n_clients;
    if (nodes == 0 || nodes > 65536) return NULL;
    InprocHub *h = calloc(1, sizeof *h + (size_t)nodes * sizeof(Mailbox));
    if (!h) return NULL;
    h->n_nodes = (uint32_t)nodes;
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0) {
        free(h);
        return NULL;
    }
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    /* senders on other CPUs hold a mailbox for a few instructions: spinning
     * for it is cheaper than a futex sleep and wake-up */
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
    uint32_t i;
    for (i = 0; i < h->n_nodes; i++) {
        Mailbox *b = &h->box[i];
        if (pthread_mutex_init(&b->mu, &ma) != 0) break;
        if (pthread_cond_init(&b->cv, &ca) != 0) {
            pthread_mutex_destroy(&b->mu);
            break;
        }
        b->tr.ops = &inproc_ops;
        b->tr.self = i;
        b->tr.n_parties = n_parties;
        b->tr.n_clients = n_clients;
        b->tr.impl = h;
    }
    pthread_condattr_destroy(&ca);
    pthread_mutexattr_destroy(&ma);
    if (i < h->n_nodes) {
        while (i-- > 0) {
            pthread_cond_destroy(&h->box[i].cv);
            pthread_mutex_destroy(&h->box[i].mu);
        }
        free(h);
        return NULL;
    }
    return h;
}

Transport *inproc_endpoint(InprocHub *hub, uint32_t id)
{
    if (!hub || id >= hub->n_nodes) return NULL;
    return &hub->box[id].tr;
}

/* Wipes and frees spares taken out of a mailbox (outside its lock,
 * or with it held when tearing down). */
static void free_spares(Spare *sp, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        sodium_memzero(sp[i].data, sp[i].cap);
        free(sp[i].data);
    }
}

static void shared_free(Shared *sh)
{
    sodium_memzero(sh->data, sh->cap);
    free(sh);
}

/* Drops k references; the last one frees (no lock taken: for teardown). */
static void shared_drop(Shared *sh, size_t k)
{
    if (k && atomic_fetch_sub(&sh->refs, k) == k) shared_free(sh);
}

/* Frees every queued message and spare of a mailbox (lock held). */
static void drain(Mailbox *b)
{
    while (b->count) {
        Slot *sl = &b->ring[b->head];
        if (sl->sh) {
            b->n_sh_queued--;
            shared_drop(sl->sh, 1);
        } else {
            /* undelivered messages may hold shares */
            sodium_memzero(sl->data, sl->len);
            free(sl->data);
        }
        b->head = (b->head + 1) % b->cap;
        b->count--;
    }
    b->bytes = 0;
    atomic_store(&b->avail, 0);
    /* recyclers wiped secrets already; wiped again as they leave */
    free_spares(b->spare, b->n_spare);
    b->n_spare = 0;
    b->spare_bytes = 0;
}

/* A spare of b that holds len bytes without wasting more than half of it,
 * or NULL (lock held).  When none fits, the rounds changed size: every
 * spare moves to drop[0..*n_drop) for the caller to free, so spares never
 * hold memory beyond the last round's. */
static uint8_t *take_spare(Mailbox *b, size_t len, Spare *drop, size_t *n_drop)
{
    *n_drop = 0;
    if (len < INPROC_RECYCLE_MIN) return NULL;
    for (size_t i = b->n_spare; i-- > 0;) { /* newest first */
        Spare sp = b->spare[i];
        if (sp.cap >= len && sp.cap / 2 <= len) {
            memmove(b->spare + i, b->spare + i + 1, (--b->n_spare - i) * sizeof *b->spare);
            b->spare_bytes -= sp.cap;
            return sp.data;
        }
    }
    memcpy(drop, b->spare, b->n_spare * sizeof *drop);
    *n_drop = b->n_spare;
    b->n_spare = 0;
    b->spare_bytes = 0;
    return NULL;
}

/* Wakes b's receiver after a change it waits for (lock held). */
static void wake_receiver(Mailbox *b)
{
    if (b->fiber)
        fiber_wake(b->fiber);
    else if (b->sleepers)
        pthread_cond_signal(&b->cv);
}

void inproc_bind_fiber(InprocHub *hub, uint32_t id, Fiber *f)
{
    if (!hub || id >= hub->n_nodes) return;
    Mailbox *b = &hub->box[id];
    pthread_mutex_lock(&b->mu);
    b->fiber = f;
    pthread_mutex_unlock(&b->mu);
}

/* Sets a hub-wide flag and wakes every waiting receiver to look at it. */
static void set_and_wake(InprocHub *hub, atomic_bool *flag)
{
    if (!hub) return;
    for (uint32_t i = 0; i < hub->n_nodes; i++) {
        Mailbox *b = &hub->box[i];
        pthread_mutex_lock(&b->mu);
        atomic_store(flag, true);
        pthread_cond_broadcast(&b->cv);
        if (b->fiber) fiber_wake(b->fiber);
        pthread_mutex_unlock(&b->mu);
    }
}

void inproc_hub_shutdown(InprocHub *hub)
{
    if (hub) set_and_wake(hub, &hub->shutdown);
}

void inproc_hub_parties_done(InprocHub *hub)
{
    if (hub) set_and_wake(hub, &hub->parties_done);
}

void inproc_hub_free(InprocHub *hub)
{
    if (!hub) return;
    for (uint32_t i = 0; i < hub->n_nodes; i++) {
        Mailbox *b = &hub->box[i];
        drain(b);
        for (size_t k = 0; k < b->n_held; k++) shared_drop(b->held[k], 1);
        free(b->held);
        if (b->sh_spare) shared_free(b->sh_spare);
        free(b->ring);
        pthread_cond_destroy(&b->cv);
        pthread_mutex_destroy(&b->mu);
    }
    free(hub);
}

/* Room for one more slot (lock held); false on no memory. */
static bool grow(Mailbox *b)
{
    if (b->count < b->cap) return true;
    size_t ncap = b->cap ? b->cap * 2 : 16;
    Slot *r = malloc(ncap * sizeof *r);
    if (!r) return false;
    for (size_t i = 0; i < b->count; i++) r[i] = b->ring[(b->head + i) % b->cap];
    free(b->ring);
    b->ring = r;
    b->cap = ncap;
    b->head = 0;
    return true;
}

static int ip_send(Transport *t, uint32_t to, const uint8_t *msg, size_t len)
{
    InprocHub *h = hub_of(t);
    if (to >= h->n_nodes || len > TRANSPORT_MAX_MESSAGE || (len && !msg)) return TRANSPORT_ERROR;

    Mailbox *self = &h->box[t->self];
    pthread_mutex_lock(&self->mu);
    bool gone = atomic_load(&h->shutdown) || self->closed;
    Spare drop[INPROC_SPARES];
    size_t n_drop = 0;
    uint8_t *copy = gone ? NULL : take_spare(self, len, drop, &n_drop);
    pthread_mutex_unlock(&self->mu);
    free_spares(drop, n_drop);
    if (gone) return TRANSPORT_CLOSED;
    /* malloc(0) may return NULL; a one-byte buffer keeps "NULL = failure" */
    if (!copy) copy = malloc(len ? len : 1);
    if (!copy) return TRANSPORT_ERROR;
    if (len) memcpy(copy, msg, len);

    Mailbox *b = &h->box[to];
    int rc = TRANSPORT_OK;
    pthread_mutex_lock(&b->mu);
    if (atomic_load(&h->shutdown)) {
        rc = TRANSPORT_CLOSED;
    } else if (b->closed) {
        rc = TRANSPORT_OK; /* the peer left: like a lost packet */
    } else if (len > INPROC_QUEUE_BYTES - b->bytes || !grow(b)) {
        rc = TRANSPORT_ERROR;
    } else {
        b->ring[(b->head + b->count) % b->cap] = (Slot){ t->self, len, copy, NULL };
        b->count++;
        atomic_store_explicit(&b->avail, b->count, memory_order_release);
        b->bytes += len;
        copy = NULL;
        wake_receiver(b);
    }
    pthread_mutex_unlock(&b->mu);
    free(copy);
    return rc;
}

/* Before sleeping, a receiver yields the CPU a few times: the message of
 * a round usually follows within microseconds, and a sleep and wake-up
 * cost more than that. */
static void spin_for_mail(InprocHub *h, Mailbox *b)
{
    for (int i = 0; i < INPROC_SPIN; i++) {
        if (atomic_load_explicit(&b->avail, memory_order_acquire) || atomic_load(&h->shutdown)) return;
        sched_yield();
    }
}

static int ip_recv(Transport *t, uint32_t *from, uint8_t **msg, size_t *len, int timeout_ms)
{
    InprocHub *h = hub_of(t);
    Mailbox *b = &h->box[t->self];
    struct timespec dl;
    if (timeout_ms > 0) mono_deadline(&dl, timeout_ms);
    int rc = TRANSPORT_OK;
    if (timeout_ms != 0 && !b->fiber) spin_for_mail(h, b);
    pthread_mutex_lock(&b->mu);
    for (;;) {
        if (atomic_load(&h->shutdown) || b->closed) {
            rc = TRANSPORT_CLOSED;
            break;
        }
        if (b->count) break;
        if (t->self >= t->n_parties && atomic_load(&h->parties_done)) {
            rc = TRANSPORT_PEERS_GONE;
            break;
        }
        if (timeout_ms == 0) {
            rc = TRANSPORT_TIMEOUT;
            break;
        }
        if (b->fiber) { /* the worker runs other fibers meanwhile */
            Fiber *f = b->fiber;
            pthread_mutex_unlock(&b->mu);
            bool woke = fiber_wait(f, timeout_ms < 0 ? NULL : &dl);
            pthread_mutex_lock(&b->mu);
            if (!woke && !b->count && !atomic_load(&h->shutdown) && !b->closed) {
                rc = TRANSPORT_TIMEOUT;
                break;
            }
            continue;
        }
        b->sleepers++;
        int w = timeout_ms < 0 ? pthread_cond_wait(&b->cv, &b->mu) : pthread_cond_timedwait(&b->cv, &b->mu, &dl);
        b->sleepers--;
        if (w == ETIMEDOUT) {
            /* a message may have arrived together with the timeout */
            if (!b->count || atomic_load(&h->shutdown) || b->closed) {
                rc = (atomic_load(&h->shutdown) || b->closed) ? TRANSPORT_CLOSED : TRANSPORT_TIMEOUT;
                break;
            }
        }
    }
    if (rc == TRANSPORT_OK) {
        Slot s = b->ring[b->head];
        b->head = (b->head + 1) % b->cap;
        b->count--;
        atomic_store_explicit(&b->avail, b->count, memory_order_relaxed);
        b->bytes -= s.len;
        *from = s.from;
        *msg = s.data;
        *len = s.len;
        if (s.sh) { /* room was made at send time */
            b->n_sh_queued--;
            b->held[b->n_held++] = s.sh;
        }
    }
    pthread_mutex_unlock(&b->mu);
    return rc;
}

static void ip_close(Transport *t)
{
    InprocHub *h = hub_of(t);
    Mailbox *b = &h->box[t->self];
    pthread_mutex_lock(&b->mu);
    b->closed = true;
    drain(b);
    pthread_cond_broadcast(&b->cv);
    if (b->fiber) fiber_wake(b->fiber);
    pthread_mutex_unlock(&b->mu);
}

/* ---- shared messages (send_many) ---------------------------------------- */

/* Drops k references; the last one leaves the buffer to its sender for the
 * next send_many (not wiped: it is overwritten then, and wiped when freed),
 * or frees it.  No lock may be held by the caller. */
static void shared_unref(InprocHub *h, Shared *sh, size_t k)
{
    if (!k || atomic_fetch_sub(&sh->refs, k) != k) return;
    Mailbox *o = &h->box[sh->owner];
    pthread_mutex_lock(&o->mu);
    bool kept = !o->closed && !atomic_load(&h->shutdown) && !o->sh_spare;
    if (kept) o->sh_spare = sh;
    pthread_mutex_unlock(&o->mu);
    if (!kept) shared_free(sh);
}

/* Gives back msg if it is a shared buffer node b holds: true if it was. */
static bool release_shared(InprocHub *h, Mailbox *b, uint8_t *msg)
{
    Shared *sh = NULL;
    pthread_mutex_lock(&b->mu);
    for (size_t i = b->n_held; i-- > 0;)
        if (b->held[i]->data == msg) {
            sh = b->held[i];
            b->held[i] = b->held[--b->n_held];
            break;
        }
    pthread_mutex_unlock(&b->mu);
    if (sh) shared_unref(h, sh, 1);
    return sh != NULL;
}

/* Room to hold one more shared buffer once received (lock held). */
static bool grow_held(Mailbox *b)
{
    size_t need = b->n_held + b->n_sh_queued + 1;
    if (need <= b->held_cap) return true;
    size_t ncap = b->held_cap ? 2 * b->held_cap : 16;
    Shared **nh = realloc(b->held, ncap * sizeof *nh);
    if (!nh) return false;
    b->held = nh;
    b->held_cap = ncap;
    return true;
}

static int ip_send_many(Transport *t, const uint32_t *to, size_t n_to, const uint8_t *msg, size_t len, size_t *n_failed)
{
    InprocHub *h = hub_of(t);
    *n_failed = 0;
    if (len > TRANSPORT_MAX_MESSAGE || (len && !msg)) {
        *n_failed = n_to;
        return TRANSPORT_OK;
    }
    Mailbox *self = &h->box[t->self];
    pthread_mutex_lock(&self->mu);
    bool gone = atomic_load(&h->shutdown) || self->closed;
    Shared *sh = self->sh_spare;
    self->sh_spare = NULL;
    pthread_mutex_unlock(&self->mu);
    /* the spare is used when the rounds keep their size */
    if (sh && (gone || sh->cap < len || sh->cap / 2 > len)) {
        shared_free(sh);
        sh = NULL;
    }
    if (gone) return TRANSPORT_CLOSED;
    if (!sh && (sh = malloc(sizeof *sh + (len ? len : 1))) != NULL) sh->cap = len ? len : 1;
    if (!sh) {
        *n_failed = n_to;
        return TRANSPORT_OK;
    }
    if (len) memcpy(sh->data, msg, len);
    sh->owner = t->self;
    atomic_init(&sh->refs, n_to + 1); /* + 1: ours until every slot is queued */
    int rc = TRANSPORT_OK;
    size_t unused = 1;
    for (size_t i = 0; i < n_to; i++) {
        Mailbox *b = to[i] < h->n_nodes ? &h->box[to[i]] : NULL;
        if (!b || rc != TRANSPORT_OK) {
            (*n_failed)++;
            unused++;
            continue;
        }
        pthread_mutex_lock(&b->mu);
        if (atomic_load(&h->shutdown)) {
            rc = TRANSPORT_CLOSED;
            unused++;
        } else if (b->closed) {
            unused++; /* the peer left: like a lost packet */
        } else if (len > INPROC_QUEUE_BYTES - b->bytes || !grow(b) || !grow_held(b)) {
            (*n_failed)++;
            unused++;
        } else {
            b->ring[(b->head + b->count) % b->cap] = (Slot){ t->self, len, sh->data, sh };
            b->count++;
            atomic_store_explicit(&b->avail, b->count, memory_order_release);
            b->bytes += len;
            b->n_sh_queued++;
            wake_receiver(b);
        }
        pthread_mutex_unlock(&b->mu);
    }
    shared_unref(h, sh, unused);
    return rc;
}

static void ip_discard(Transport *t, uint8_t *msg, size_t len)
{
    if (!msg) return;
    InprocHub *h = hub_of(t);
    if (release_shared(h, &h->box[t->self], msg)) return;
    sodium_memzero(msg, len);
    free(msg);
}

static void ip_recycle(Transport *t, uint8_t *msg, size_t len)
{
    if (!msg) return;
    InprocHub *h = hub_of(t);
    Mailbox *b = &h->box[t->self];
    if (release_shared(h, b, msg)) return;
    if (len < INPROC_RECYCLE_MIN || len > INPROC_SPARE_BYTES) {
        free(msg);
        return;
    }
    /* the oldest spares make room: rounds of the same size follow each
     * other, so the newest are the likeliest to be used */
    Spare old[INPROC_SPARES];
    size_t n_old = 0;
    pthread_mutex_lock(&b->mu);
    bool kept = !b->closed && !atomic_load(&h->shutdown);
    while (kept && (b->n_spare == INPROC_SPARES || len > INPROC_SPARE_BYTES - b->spare_bytes)) {
        old[n_old++] = b->spare[0];
        b->spare_bytes -= b->spare[0].cap;
        memmove(b->spare, b->spare + 1, --b->n_spare * sizeof *b->spare);
    }
    if (kept) {
        b->spare[b->n_spare++] = (Spare){ msg, len };
        b->spare_bytes += len;
    }
    pthread_mutex_unlock(&b->mu);
    if (!kept) free(msg);
    free_spares(old, n_old);
}

/* A fiber's pause lets the other fibers of its worker run; a thread's
 * just sleeps.  b->fiber is set before the node runs and cleared after. */
static void ip_pause(Transport *t, uint64_t ns)
{
    Mailbox *b = &hub_of(t)->box[t->self];
    if (b->fiber)
        fiber_sleep(b->fiber, ns);
    else
        transport_nanosleep(ns);
}
