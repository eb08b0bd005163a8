/* fiber.h: cooperative fibers on a few worker threads.
 *
 * The in-process MPC session (api/local_mpc.c) runs its parties and
 * clients as fibers: W worker threads (W = the CPUs this process may use,
 * at most the number of fibers), fiber i on worker i mod W.  A fiber that
 * has to wait for a message switches to another runnable fiber of its
 * worker instead of putting its thread to sleep, so a protocol round costs
 * user-space switches instead of futex sleeps and wake-ups.
 *
 * A worker whose fibers all wait spins briefly (the message usually comes
 * from the other worker within microseconds), then sleeps until a wake or
 * the earliest deadline.  Fibers never move between workers.
 *
 * Rules for code running on a fiber: it may block its worker (a blocking
 * system call, a callback that waits) only for a bounded time, since the
 * other fibers of its worker wait meanwhile; it must not wait for another
 * fiber except through fiber_wait (the in-process transport does this);
 * it must not hold a lock across a fiber_wait/fiber_yield that another
 * fiber may take; thread-local storage is shared by the fibers of a
 * worker. */
#ifndef STOFFEL_FIBER_H
#define STOFFEL_FIBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct FiberSched FiberSched;
typedef struct Fiber Fiber;

/* The worker count for a session: the CPUs sched_getaffinity allows
 * (1 if unknown), at most max (max >= 1). */
unsigned fiber_default_workers(unsigned max);

/* A scheduler with `workers` threads (>= 1); NULL on no memory. */
FiberSched *fiber_sched_new(unsigned workers);
unsigned fiber_sched_workers(const FiberSched *s);
/* A fiber running fn(arg) on worker `worker` once fiber_sched_run starts;
 * its stack is a thread's default stack size with a guard page.  NULL on
 * no memory or a bad worker. */
Fiber *fiber_add(FiberSched *s, unsigned worker, void (*fn)(void *), void *arg);
/* Runs every fiber to its end, worker 0 on the calling thread.  A worker
 * whose thread cannot start hands its fibers to worker 0; -1 only if even
 * that fails for lack of memory (those fibers then never run: the others
 * must not wait for them without a deadline), else 0.  Once only. */
int fiber_sched_run(FiberSched *s);
/* Frees the scheduler and every fiber stack (after fiber_sched_run). */
void fiber_sched_free(FiberSched *s);

/* ---- from inside fiber f only ---- */

/* Lets the other runnable fibers of f's worker run first. */
void fiber_yield(Fiber *f);
/* Waits until fiber_wake(f) or the deadline (CLOCK_MONOTONIC; NULL: none).
 * A wake that came while f was running is not lost: the wait then returns
 * at once.  true: woken; false: the deadline passed first.  Wakes may be
 * spurious: callers recheck their condition. */
bool fiber_wait(Fiber *f, const struct timespec *deadline);
/* Sleeps ns nanoseconds, letting the worker's other fibers run. */
void fiber_sleep(Fiber *f, uint64_t ns);

/* ---- from any thread or fiber ---- */

/* Makes a waiting f runnable (or its next fiber_wait return at once). */
void fiber_wake(Fiber *f);

#endif
