/* test_fiber.c: the fiber scheduler (core/fiber.h): the order of yields,
 * waits with deadlines, wakes across workers, sleeps that let the other
 * fibers run, and the in-process transport on fibers (a receive that
 * switches fibers, its timeout, a shutdown waking a fiber that waits
 * forever).  Stack switches are checked by ASan in `make asan`. */
#include "unit.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "core/fiber.h"
#include "net/inproc.h"

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct timespec in_ms(int ms)
{
    uint64_t t = mono_ns() + (uint64_t)ms * 1000000u;
    return (struct timespec){ (time_t)(t / 1000000000u), (long)(t % 1000000000u) };
}

/* ---- yields: round robin on one worker ---- */

typedef struct {
    Fiber *self;
    int id;
    char *log;
    size_t *len;
} Yielder;

static void yielder(void *arg)
{
    Yielder *y = arg;
    for (int k = 0; k < 3; k++) {
        y->log[(*y->len)++] = (char)('0' + y->id);
        fiber_yield(y->self);
    }
}

TEST(yield_order)
{
    FiberSched *s = fiber_sched_new(1);
    CHECK(s != NULL);
    char log[16] = { 0 };
    size_t len = 0;
    Yielder y[3];
    for (int i = 0; i < 3; i++) {
        y[i] = (Yielder){ NULL, i, log, &len };
        y[i].self = fiber_add(s, 0, yielder, &y[i]);
        CHECK(y[i].self != NULL);
    }
    CHECK(fiber_sched_run(s) == 0);
    CHECK_STR(log, "012012012");
    fiber_sched_free(s);
}

/* ---- waits: deadline, a wake that came first, sleep ---- */

typedef struct {
    Fiber *self;
    bool timed_wait, early_wake;
    uint64_t waited_ns, slept_ns;
    atomic_int *other_ran;
    bool other_ran_during_sleep;
} Waiter;

static void waiter(void *arg)
{
    Waiter *w = arg;
    uint64_t t0 = mono_ns();
    struct timespec dl = in_ms(30);
    w->timed_wait = !fiber_wait(w->self, &dl); /* nobody wakes it */
    w->waited_ns = mono_ns() - t0;
    fiber_wake(w->self); /* a wake before the wait is kept */
    dl = in_ms(5000);
    w->early_wake = fiber_wait(w->self, &dl);
    t0 = mono_ns();
    fiber_sleep(w->self, 20 * 1000000u);
    w->slept_ns = mono_ns() - t0;
    w->other_ran_during_sleep = atomic_load(w->other_ran) == 1;
}

static void bystander(void *arg) { atomic_store((atomic_int *)arg, 1); }

TEST(waits_and_deadlines)
{
    FiberSched *s = fiber_sched_new(1);
    atomic_int ran = 0;
    Waiter w = { .other_ran = &ran };
    w.self = fiber_add(s, 0, waiter, &w);
    CHECK(w.self && fiber_add(s, 0, bystander, &ran));
    CHECK(fiber_sched_run(s) == 0);
    CHECK_MSG(w.timed_wait, "a wait nobody ends returns at its deadline");
    CHECK(w.waited_ns >= 30 * 1000000u);
    CHECK_MSG(w.early_wake, "a wake that came before the wait ends it");
    CHECK(w.slept_ns >= 20 * 1000000u);
    CHECK_MSG(w.other_ran_during_sleep, "a sleeping fiber lets its worker run the others");
    fiber_sched_free(s);
}

/* ---- a deadline passes while the worker never idles ---- */

typedef struct {
    Fiber *self;
    atomic_bool *done;
    long spins;
    bool timed_out;
} Busy;

static void busy_yielder(void *arg)
{
    Busy *b = arg;
    /* bounded, so a missed deadline fails the test instead of hanging it */
    while (!atomic_load(b->done) && b->spins < 20000000) {
        b->spins++;
        fiber_yield(b->self);
    }
}

static void deadline_waiter(void *arg)
{
    Busy *b = arg;
    struct timespec dl = in_ms(20);
    b->timed_out = !fiber_wait(b->self, &dl);
    atomic_store(b->done, true);
}

TEST(deadline_on_busy_worker)
{
    FiberSched *s = fiber_sched_new(1);
    atomic_bool done = false;
    Busy w = { .done = &done }, y1 = { .done = &done }, y2 = { .done = &done };
    w.self = fiber_add(s, 0, deadline_waiter, &w);
    y1.self = fiber_add(s, 0, busy_yielder, &y1);
    y2.self = fiber_add(s, 0, busy_yielder, &y2);
    CHECK(w.self && y1.self && y2.self);
    CHECK(fiber_sched_run(s) == 0);
    CHECK(w.timed_out);
    CHECK_MSG(y1.spins < 20000000 && y2.spins < 20000000, "the deadline must pass while others keep yielding");
    fiber_sched_free(s);
}

/* ---- wakes across workers: ping-pong ---- */

typedef struct {
    Fiber *self, *peer;
    atomic_int *turn; /* whose turn: 0 or 1 */
    int me, rounds, timeouts;
} Player;

static void player(void *arg)
{
    Player *p = arg;
    for (int r = 0; r < p->rounds; r++) {
        while (atomic_load(p->turn) != p->me) {
            struct timespec dl = in_ms(10000);
            if (!fiber_wait(p->self, &dl)) p->timeouts++;
        }
        atomic_store(p->turn, 1 - p->me);
        fiber_wake(p->peer);
    }
}

TEST(cross_worker_wake)
{
    FiberSched *s = fiber_sched_new(2);
    CHECK(fiber_sched_workers(s) == 2);
    atomic_int turn = 0;
    Player a = { .turn = &turn, .me = 0, .rounds = 2000 }, b = { .turn = &turn, .me = 1, .rounds = 2000 };
    a.self = fiber_add(s, 0, player, &a);
    b.self = fiber_add(s, 1, player, &b);
    a.peer = b.self;
    b.peer = a.self;
    CHECK(a.self && b.self);
    CHECK(fiber_sched_run(s) == 0);
    CHECK(atomic_load(&turn) == 0); /* 4000 hand-overs: back to a */
    CHECK_MSG(a.timeouts == 0 && b.timeouts == 0, "no wake may be lost (%d, %d timeouts)", a.timeouts, b.timeouts);
    fiber_sched_free(s);
    CHECK(fiber_default_workers(1) == 1);
    CHECK(fiber_default_workers(64) >= 1);
}

/* ---- the in-process transport on fibers ---- */

typedef struct {
    InprocHub *hub;
    uint32_t id;
    int rc_first, rc_timeout, rc_closed;
    uint8_t got;
} Node;

static void receiver(void *arg)
{
    Node *n = arg;
    Transport *t = inproc_endpoint(n->hub, n->id);
    uint32_t from;
    uint8_t *m = NULL;
    size_t len;
    n->rc_first = transport_recv(t, &from, &m, &len, 5000); /* the sender runs meanwhile */
    if (n->rc_first == TRANSPORT_OK && len == 1) n->got = m[0];
    free(m);
    n->rc_timeout = transport_recv(t, &from, &m, &len, 20);
    n->rc_closed = transport_recv(t, &from, &m, &len, -1); /* until the shutdown */
}

static void sender(void *arg)
{
    Node *n = arg;
    Transport *t = inproc_endpoint(n->hub, n->id);
    uint8_t b = 42;
    transport_send(t, 0, &b, 1);
    transport_pause(t, 100 * 1000000u); /* the receiver times out meanwhile */
    inproc_hub_shutdown(n->hub);
}

TEST(inproc_on_fibers)
{
    for (unsigned workers = 1; workers <= 2; workers++) {
        InprocHub *h = inproc_hub_new(2, 0);
        FiberSched *s = fiber_sched_new(workers);
        Node r = { .hub = h, .id = 0, .rc_first = 99 }, snd = { .hub = h, .id = 1 };
        inproc_bind_fiber(h, 0, fiber_add(s, 0, receiver, &r));
        inproc_bind_fiber(h, 1, fiber_add(s, workers - 1, sender, &snd));
        CHECK(fiber_sched_run(s) == 0);
        CHECK(r.rc_first == TRANSPORT_OK && r.got == 42);
        CHECK(r.rc_timeout == TRANSPORT_TIMEOUT);
        CHECK(r.rc_closed == TRANSPORT_CLOSED);
        inproc_bind_fiber(h, 0, NULL);
        inproc_bind_fiber(h, 1, NULL);
        fiber_sched_free(s);
        inproc_hub_free(h);
    }
}

int main(void)
{
    RUN(yield_order);
    RUN(waits_and_deadlines);
    RUN(deadline_on_busy_worker);
    RUN(cross_worker_wake);
    RUN(inproc_on_fibers);
    return unit_report();
}
