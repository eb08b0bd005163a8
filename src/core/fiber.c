/* fiber.c: cooperative fibers on a few worker threads (fiber.h).
 *
 * Switching: on x86-64 a tiny switch below (callee-saved registers, the
 * SSE and x87 control words, the stack pointer: what the SysV ABI says a
 * call preserves); elsewhere ucontext, whose swapcontext costs two
 * sigprocmask system calls per switch.  Each worker has a
 * mutex guarding its run queue and its fibers' states; a fiber's code runs
 * with that mutex released.  States:
 *
 *   READY    in the run queue
 *   RUNNING  on its worker
 *   YIELDED  switched out by fiber_yield: the worker queues it again
 *   WAITING  switched out by fiber_wait: fiber_wake or its deadline
 *            makes it READY
 *   DONE     its function returned
 *
 * A waker may find a fiber WAITING before the fiber has actually switched
 * out (it sets WAITING, releases the mutex, then switches); the waker only
 * queues it, and only the fiber's own worker resumes it, which it can do
 * only after the switch has finished.  So fibers never need a lock across
 * a switch.
 *
 * Sanitizers: AddressSanitizer is told of every stack switch
 * (__sanitizer_start/finish_switch_fiber), valgrind of every fiber stack,
 * so `make asan` and valgrind runs stay exact. */
#define _GNU_SOURCE
#include "core/fiber.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif
#ifdef FIBER_ASAN
#include <sanitizer/common_interface_defs.h>
#define ASAN_START(fake, bottom, size) __sanitizer_start_switch_fiber(fake, bottom, size)
#define ASAN_FINISH(fake, bottom, size) __sanitizer_finish_switch_fiber(fake, bottom, size)
#else
#define ASAN_START(fake, bottom, size) ((void)(fake), (void)(bottom), (void)(size))
#define ASAN_FINISH(fake, bottom, size) ((void)(fake), (void)(bottom), (void)(size))
#endif

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define FIBER_VALGRIND 1
#endif
#endif

/* How long an idle worker spins before it sleeps: a round's messages from
 * the other worker often arrive within this, and a sleep plus a wake-up
 * costs the kernel more CPU than the spin.  A pause loop, not sched_yield:
 * on a loaded machine a yield hands the CPU to other processes for a time
 * slice while the wake is already there (recipe's wall 4x its CPU, against
 * 1.3-2.3x with the pause loop, the same CPU: docs/benchmarks.md). */
#define FIBER_SPIN_NS 5000
/* At most this many idle moments in a row sleep without spinning. */
#define FIBER_SPIN_BACKOFF 31u

enum { F_READY, F_RUNNING, F_YIELDED, F_WAITING, F_DONE };

typedef struct Fiber Fiber_;
static void fiber_entry(Fiber_ *f);

#if defined(__x86_64__) && !defined(STOFFEL_FIBER_UCONTEXT)
/* A context is the stack pointer of a switched-out stack whose top holds
 * the x87/SSE control words, r15 r14 r13 r12 rbx rbp and the return
 * address.  ctx_switch(save, to) pushes them, stores rsp in *save, loads
 * to, pops and returns there.  A new stack starts in ctx_thunk, which
 * passes r12 (the Fiber) to fiber_entry. */
typedef struct {
    void *sp;
} Ctx;

void fiber_ctx_switch(void **save, void *to);
void fiber_ctx_thunk(void);
__asm__(".text\n"
        ".globl fiber_ctx_switch\n.hidden fiber_ctx_switch\n.type fiber_ctx_switch,@function\n"
        "fiber_ctx_switch:\n"
        "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
        "  subq $8, %rsp\n  stmxcsr (%rsp)\n  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n  movq %rsi, %rsp\n"
        "  ldmxcsr (%rsp)\n  fldcw 4(%rsp)\n  addq $8, %rsp\n"
        "  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n"
        "  ret\n"
        ".size fiber_ctx_switch, .-fiber_ctx_switch\n"
        ".globl fiber_ctx_thunk\n.hidden fiber_ctx_thunk\n.type fiber_ctx_thunk,@function\n"
        "fiber_ctx_thunk:\n"
        "  movq %r12, %rdi\n  call fiber_entry_asm\n  ud2\n"
        ".size fiber_ctx_thunk, .-fiber_ctx_thunk\n");

/* Called from ctx_thunk only (hence not static). */
void fiber_entry_asm(Fiber_ *f);
void fiber_entry_asm(Fiber_ *f) { fiber_entry(f); }

static int ctx_init(Ctx *c, uint8_t *stack, size_t len, Fiber_ *f)
{
    /* the thunk starts with rsp 16-byte aligned, as before a call */
    uintptr_t top = ((uintptr_t)(stack + len) & ~(uintptr_t)15) - 16;
    uint64_t *sp = (uint64_t *)top - 8;
    uint32_t ctl[2] = { 0x1F80, 0x037F }; /* MXCSR and x87 control word at power-on */
    memcpy(&sp[0], ctl, sizeof ctl);
    sp[1] = sp[2] = sp[3] = 0;      /* r15 r14 r13 */
    sp[4] = (uint64_t)(uintptr_t)f; /* r12 */
    sp[5] = sp[6] = 0;              /* rbx rbp */
    sp[7] = (uint64_t)(uintptr_t)fiber_ctx_thunk;
    c->sp = sp;
    return 0;
}

static void ctx_switch(Ctx *save, Ctx *to) { fiber_ctx_switch(&save->sp, to->sp); }
#else
#include <ucontext.h>
typedef struct {
    ucontext_t uc;
} Ctx;

/* makecontext passes int arguments: the Fiber pointer goes in two halves. */
static void uc_entry(unsigned hi, unsigned lo) { fiber_entry((Fiber_ *)(uintptr_t)(((uint64_t)hi << 32) | lo)); }

/* Apart from its caller, because getcontext returns twice and would make
 * the caller's locals suspect. */
static int ctx_init(Ctx *c, uint8_t *stack, size_t len, Fiber_ *f)
{
    if (getcontext(&c->uc) != 0) return -1;
    c->uc.uc_stack.ss_sp = stack;
    c->uc.uc_stack.ss_size = len;
    c->uc.uc_link = NULL;
    uint64_t p = (uint64_t)(uintptr_t)f;
    makecontext(&c->uc, (void (*)(void))uc_entry, 2, (unsigned)(p >> 32), (unsigned)p);
    return 0;
}

static void ctx_switch(Ctx *save, Ctx *to) { swapcontext(&save->uc, &to->uc); }
#endif

typedef struct Worker Worker;

struct Fiber {
    Worker *w;
    void (*fn)(void *);
    void *arg;
    Ctx ctx;
    uint8_t *map; /* guard page + stack */
    size_t map_len;
    int state;
    bool token;     /* a wake not yet consumed by fiber_wait */
    bool timed_out; /* its deadline made it READY */
    bool has_deadline;
    struct timespec deadline;
    Fiber *next;     /* run queue link */
    void *asan_fake; /* ASan's fake stack while switched out */
    unsigned vg_id;  /* valgrind stack id */
};

struct Worker {
    FiberSched *s;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned spin_backoff, spin_skip; /* idle moments to sleep at once */
    unsigned runs;                    /* fibers run, for deadline checks */
    bool started;                     /* has a thread of its own (workers 1..) */
    bool sleeping;                    /* waits on cv: a wake must signal */
    atomic_uint ready;                /* run queue length, read without mu while spinning */
    Fiber *rq_head, *rq_tail;
    Fiber **fibers;
    size_t nf, cap, live;
    Ctx ctx; /* the worker's own (scheduler) context */
    void *asan_fake;
    const void *stack_bottom; /* the worker thread's stack, for ASan */
    size_t stack_size;
};

struct FiberSched {
    unsigned nw;
    size_t stack_len;
    pthread_mutex_t gate_mu; /* workers start together (fiber_sched_run) */
    pthread_cond_t gate_cv;
    bool go;
    Worker w[];
};

static void now_mono(struct timespec *ts) { clock_gettime(CLOCK_MONOTONIC, ts); }

static bool ts_le(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

unsigned fiber_default_workers(unsigned max)
{
    unsigned n = 1;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) n = (unsigned)CPU_COUNT(&set);
    const char *env = getenv("STOFFEL_FIBER_WORKERS");
    if (env && atoi(env) > 0) n = (unsigned)atoi(env);
    if (max < 1) max = 1;
    return n < max ? n : max;
}

/* A thread's default stack size, so a party has the same room on a fiber
 * as it had on its own thread. */
static size_t default_stack_len(void)
{
    size_t sz = 0;
    pthread_attr_t a;
    if (pthread_attr_init(&a) == 0) {
        if (pthread_attr_getstacksize(&a, &sz) != 0) sz = 0;
        pthread_attr_destroy(&a);
    }
    if (sz < ((size_t)1 << 20)) sz = (size_t)8 << 20;
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    return (sz + page - 1) / page * page;
}

FiberSched *fiber_sched_new(unsigned workers)
{
    if (workers < 1 || workers > 1024) return NULL;
    FiberSched *s = calloc(1, sizeof *s + workers * sizeof(Worker));
    if (!s) return NULL;
    s->nw = workers;
    s->stack_len = default_stack_len();
    pthread_mutex_init(&s->gate_mu, NULL);
    pthread_cond_init(&s->gate_cv, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    /* the two workers take each other's mutex for a few instructions:
     * spinning on it is cheaper than a futex sleep */
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
    for (unsigned i = 0; i < workers; i++) {
        Worker *w = &s->w[i];
        w->s = s;
        pthread_mutex_init(&w->mu, &ma);
        pthread_cond_init(&w->cv, &ca);
        atomic_init(&w->ready, 0);
    }
    pthread_condattr_destroy(&ca);
    pthread_mutexattr_destroy(&ma);
    return s;
}

unsigned fiber_sched_workers(const FiberSched *s) { return s ? s->nw : 0; }

static void push_ready(Worker *w, Fiber *f)
{
    f->state = F_READY;
    f->next = NULL;
    if (w->rq_tail)
        w->rq_tail->next = f;
    else
        w->rq_head = f;
    w->rq_tail = f;
    atomic_fetch_add_explicit(&w->ready, 1, memory_order_release);
}

static Fiber *pop_ready(Worker *w)
{
    Fiber *f = w->rq_head;
    if (!f) return NULL;
    w->rq_head = f->next;
    if (!w->rq_head) w->rq_tail = NULL;
    atomic_fetch_sub_explicit(&w->ready, 1, memory_order_relaxed);
    return f;
}

/* Room for `need` fibers on w. */
static bool reserve(Worker *w, size_t need)
{
    if (need <= w->cap) return true;
    size_t ncap = w->cap ? 2 * w->cap : 8;
    if (ncap < need) ncap = need;
    Fiber **nf = realloc(w->fibers, ncap * sizeof *nf);
    if (!nf) return false;
    w->fibers = nf;
    w->cap = ncap;
    return true;
}

static bool add_to_worker(Worker *w, Fiber *f)
{
    if (!reserve(w, w->nf + 1)) return false;
    w->fibers[w->nf++] = f;
    w->live++;
    f->w = w;
    push_ready(w, f);
    return true;
}

/* Back to the worker's scheduler loop (from fiber f). */
static void switch_out(Fiber *f)
{
    Worker *w = f->w;
    ASAN_START(f->state == F_DONE ? NULL : &f->asan_fake, w->stack_bottom, w->stack_size);
    ctx_switch(&f->ctx, &w->ctx);
    ASAN_FINISH(f->asan_fake, &w->stack_bottom, &w->stack_size);
}

static void fiber_entry(Fiber *f)
{
    Worker *w = f->w;
    ASAN_FINISH(NULL, &w->stack_bottom, &w->stack_size);
    f->fn(f->arg);
    pthread_mutex_lock(&w->mu);
    f->state = F_DONE;
    pthread_mutex_unlock(&w->mu);
    switch_out(f); /* never resumed */
}

Fiber *fiber_add(FiberSched *s, unsigned worker, void (*fn)(void *), void *arg)
{
    if (!s || worker >= s->nw || !fn) return NULL;
    Fiber *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    long pg = sysconf(_SC_PAGESIZE);
    size_t guard = pg > 0 ? (size_t)pg : 4096;
    f->map_len = s->stack_len + guard;
    f->map =
        mmap(NULL, f->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (f->map == MAP_FAILED) {
        free(f);
        return NULL;
    }
    /* the stack grows down into the guard page: an overflow faults */
    if (mprotect(f->map, guard, PROT_NONE) != 0 || ctx_init(&f->ctx, f->map + guard, s->stack_len, f) != 0) {
        munmap(f->map, f->map_len);
        free(f);
        return NULL;
    }
    f->fn = fn;
    f->arg = arg;
#ifdef FIBER_VALGRIND
    f->vg_id = VALGRIND_STACK_REGISTER(f->map + guard, f->map + f->map_len);
#endif
    if (!add_to_worker(&s->w[worker], f)) {
#ifdef FIBER_VALGRIND
        VALGRIND_STACK_DEREGISTER(f->vg_id);
#endif
        munmap(f->map, f->map_len);
        free(f);
        return NULL;
    }
    return f;
}

/* Makes every waiting fiber whose deadline passed READY (mu held); the
 * earliest deadline still ahead goes to *next (has_next false: none). */
static void fire_deadlines(Worker *w, struct timespec *next, bool *has_next)
{
    struct timespec now;
    now_mono(&now);
    *has_next = false;
    for (size_t i = 0; i < w->nf; i++) {
        Fiber *f = w->fibers[i];
        if (f->state != F_WAITING || !f->has_deadline) continue;
        if (ts_le(&f->deadline, &now)) {
            f->timed_out = true;
            push_ready(w, f);
        } else if (!*has_next || ts_le(&f->deadline, next)) {
            *next = f->deadline;
            *has_next = true;
        }
    }
}

/* Spins up to FIBER_SPIN_NS for a fiber to become ready (mu not held). */
static bool spin_for_ready(Worker *w)
{
    struct timespec start, now;
    now_mono(&start);
    for (;;) {
        if (atomic_load_explicit(&w->ready, memory_order_acquire)) return true;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
        now_mono(&now);
        int64_t ns = (int64_t)(now.tv_sec - start.tv_sec) * 1000000000 + (now.tv_nsec - start.tv_nsec);
        if (ns >= FIBER_SPIN_NS) return false;
    }
}

static void worker_loop(Worker *w)
{
    pthread_mutex_lock(&w->mu);
    while (w->live) {
        Fiber *f = pop_ready(w);
        if (f) {
            f->state = F_RUNNING;
            pthread_mutex_unlock(&w->mu);
            ASAN_START(&w->asan_fake, f->map + (f->map_len - w->s->stack_len), w->s->stack_len);
            ctx_switch(&w->ctx, &f->ctx);
            ASAN_FINISH(w->asan_fake, NULL, NULL);
            pthread_mutex_lock(&w->mu);
            if (f->state == F_YIELDED) push_ready(w, f);
            if (f->state == F_DONE) w->live--;
            /* a worker that never idles still keeps its fibers' deadlines */
            if (++w->runs % 64 == 0) {
                struct timespec next;
                bool has_next;
                fire_deadlines(w, &next, &has_next);
            }
            continue; /* WAITING, or READY again: a wake came meanwhile */
        }
        struct timespec next;
        bool has_next;
        fire_deadlines(w, &next, &has_next);
        if (w->rq_head) continue;
        /* a spin that found nothing makes the next ones rarer (on a loaded
         * machine the other worker often is not running at all); one that
         * found work makes every idle moment spin again */
        if (w->spin_skip) {
            w->spin_skip--;
        } else {
            pthread_mutex_unlock(&w->mu);
            bool got = spin_for_ready(w);
            pthread_mutex_lock(&w->mu);
            w->spin_backoff =
                got ? 0 : (w->spin_backoff * 2 + 1 < FIBER_SPIN_BACKOFF ? w->spin_backoff * 2 + 1 : FIBER_SPIN_BACKOFF);
            w->spin_skip = w->spin_backoff;
            if (got || w->rq_head) continue;
        }
        fire_deadlines(w, &next, &has_next);
        if (w->rq_head) continue;
        w->sleeping = true;
        if (has_next)
            pthread_cond_timedwait(&w->cv, &w->mu, &next);
        else
            pthread_cond_wait(&w->cv, &w->mu);
        w->sleeping = false;
    }
    pthread_mutex_unlock(&w->mu);
}

static void *worker_main(void *arg)
{
    Worker *w = arg;
    FiberSched *s = w->s;
    pthread_mutex_lock(&s->gate_mu);
    while (!s->go) pthread_cond_wait(&s->gate_cv, &s->gate_mu);
    pthread_mutex_unlock(&s->gate_mu);
    worker_loop(w);
    return NULL;
}

int fiber_sched_run(FiberSched *s)
{
    if (!s) return -1;
    /* worker 0 runs on this thread; a worker whose thread cannot start
     * gives its fibers (none started yet: the gate is closed) to worker 0 */
    int rc = 0;
    Worker *w0 = &s->w[0];
    for (unsigned i = 1; i < s->nw; i++) {
        Worker *w = &s->w[i];
        if (!w->nf) continue;
        if (pthread_create(&w->th, NULL, worker_main, w) == 0) {
            w->started = true;
            continue;
        }
        w->live = 0;
        w->rq_head = w->rq_tail = NULL;
        atomic_store(&w->ready, 0);
        if (!reserve(w0, w0->nf + w->nf)) {
            rc = -1; /* its fibers never run (freed with the scheduler) */
            continue;
        }
        for (size_t k = 0; k < w->nf; k++) add_to_worker(w0, w->fibers[k]);
        w->nf = 0;
    }
    pthread_mutex_lock(&s->gate_mu);
    s->go = true;
    pthread_cond_broadcast(&s->gate_cv);
    pthread_mutex_unlock(&s->gate_mu);
    worker_loop(w0);
    for (unsigned i = 1; i < s->nw; i++)
        if (s->w[i].started) pthread_join(s->w[i].th, NULL);
    return rc;
}

void fiber_sched_free(FiberSched *s)
{
    if (!s) return;
    for (unsigned i = 0; i < s->nw; i++) {
        Worker *w = &s->w[i];
        for (size_t k = 0; k < w->nf; k++) {
            Fiber *f = w->fibers[k];
#ifdef FIBER_VALGRIND
            VALGRIND_STACK_DEREGISTER(f->vg_id);
#endif
            munmap(f->map, f->map_len);
            free(f);
        }
        free(w->fibers);
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
    }
    pthread_cond_destroy(&s->gate_cv);
    pthread_mutex_destroy(&s->gate_mu);
    free(s);
}

void fiber_yield(Fiber *f)
{
    Worker *w = f->w;
    pthread_mutex_lock(&w->mu);
    bool others = w->rq_head != NULL;
    if (others) f->state = F_YIELDED;
    pthread_mutex_unlock(&w->mu);
    if (others) switch_out(f);
}

bool fiber_wait(Fiber *f, const struct timespec *deadline)
{
    Worker *w = f->w;
    pthread_mutex_lock(&w->mu);
    if (f->token) {
        f->token = false;
        pthread_mutex_unlock(&w->mu);
        return true;
    }
    f->state = F_WAITING;
    f->timed_out = false;
    f->has_deadline = deadline != NULL;
    if (deadline) f->deadline = *deadline;
    pthread_mutex_unlock(&w->mu);
    switch_out(f);
    pthread_mutex_lock(&w->mu);
    bool woke = f->token || !f->timed_out;
    f->token = false;
    pthread_mutex_unlock(&w->mu);
    return woke;
}

void fiber_sleep(Fiber *f, uint64_t ns)
{
    struct timespec dl;
    now_mono(&dl);
    dl.tv_sec += (time_t)(ns / 1000000000u);
    dl.tv_nsec += (long)(ns % 1000000000u);
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    /* wakes (messages arriving) end a wait early: wait again */
    while (fiber_wait(f, &dl)) {
        struct timespec now;
        now_mono(&now);
        if (ts_le(&dl, &now)) break;
    }
}

void fiber_wake(Fiber *f)
{
    Worker *w = f->w;
    pthread_mutex_lock(&w->mu);
    f->token = true;
    if (f->state == F_WAITING) {
        f->timed_out = false;
        push_ready(w, f);
        if (w->sleeping) pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
}
