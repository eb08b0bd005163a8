/* process.c: processes, mailboxes, links, monitors and the scheduler
 * (docs/processes.md).  See process.h for how a switch works. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/format.h"
#include "mpc/engine.h"
#include "process.h"

/* How many waiting processes a deadlock report names. */
#define DEADLOCK_LIST_MAX 10
/* Messages a mailbox holds inside its Proc before it needs an allocation
 * of its own (a power of two). */
#define MBOX_INLINE 2
/* Frames a new process starts with (the VM's default, 8, is 448 bytes most
 * processes never use). */
#define PROC_FIRST_FRAMES 2

typedef enum { P_RUNNABLE, P_RUNNING, P_WAITING, P_EXITED } ProcState;

/* What a send and a switch touch comes first, within one cache line. */
struct Proc {
    uint64_t pid;
    uint8_t state;                    /* ProcState */
    bool in_wait;                     /* inside a blocking receive (re-run on wake) */
    bool timed_out;                   /* the wait's deadline passed */
    bool timed;                       /* in ps->timed */
    uint32_t mb_head, mb_len, mb_cap; /* mb_cap: a power of two */
    Value *mbox;                      /* ring of messages: mb_inline or allocated */
    Value mb_inline[MBOX_INLINE];
    uint64_t deadline_ns; /* 0: no deadline */
    ProcCtx ctx;          /* saved execution state (not while running) */
    uint32_t timed_index; /* position in ps->timed while timed */
    uint64_t *links;      /* linked pids (both directions) */
    uint32_t nlinks, links_cap;
    uint64_t *watchers; /* pids monitoring this one */
    uint32_t nwatchers, watchers_cap;
    Value exit_reason; /* set by Process.exit */
};

/* ---- small helpers -------------------------------------------------------------- */

static void *hrealloc(VM *vm, void *p, size_t old, size_t new_size)
{
    return heap_realloc(&vm->heap, p, old, new_size);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool grow_u64(VM *vm, uint64_t **p, uint32_t *cap, uint32_t need)
{
    if (need <= *cap) return true;
    uint32_t ncap = *cap ? *cap * 2 : 2;
    uint64_t *n = hrealloc(vm, *p, (size_t)*cap * sizeof **p, (size_t)ncap * sizeof **p);
    if (!n) return false;
    *p = n;
    *cap = ncap;
    return true;
}

static void ctx_save(VM *vm, ProcCtx *c)
{
    c->stack = vm->stack;
    c->stack_top = vm->stack_top;
    c->stack_cap = vm->stack_cap;
    c->frames = vm->frames;
    c->nframes = vm->nframes;
    c->frames_cap = vm->frames_cap;
    c->args = vm->args;
    c->nargs = vm->nargs;
    c->args_cap = vm->args_cap;
}

static void ctx_load(VM *vm, const ProcCtx *c)
{
    vm->stack = c->stack;
    vm->stack_top = c->stack_top;
    vm->stack_cap = c->stack_cap;
    vm->frames = c->frames;
    vm->nframes = c->nframes;
    vm->frames_cap = c->frames_cap;
    vm->args = c->args;
    vm->nargs = c->nargs;
    vm->args_cap = c->args_cap;
}

static void ctx_free(VM *vm, ProcCtx *c)
{
    for (uint32_t i = 0; i < c->nframes; i++)
        hrealloc(vm, c->frames[i].spill, (size_t)c->frames[i].spill_cap * sizeof(Value), 0);
    hrealloc(vm, c->stack, (size_t)c->stack_cap * sizeof(Value), 0);
    hrealloc(vm, c->frames, (size_t)c->frames_cap * sizeof(Frame), 0);
    hrealloc(vm, c->args, (size_t)c->args_cap * sizeof(Value), 0);
    memset(c, 0, sizeof *c);
}

/* ---- the process table ---------------------------------------------------------- */

/* Pids are handed out in order, so their low bits spread them over the
 * table already, and processes made one after another (a ring, workers)
 * sit side by side: a send to the next one finds its slot in a cache line
 * just used.  The high bits are folded in against strides of the table
 * size. */
static uint32_t pid_slot(const ProcSys *ps, uint64_t pid)
{
    return (uint32_t)(pid ^ (pid >> 16) ^ (pid >> 32)) & ps->mask;
}

static Proc *proc_find(const ProcSys *ps, uint64_t pid)
{
    if (!ps->mask) return NULL;
    for (uint32_t i = pid_slot(ps, pid); ps->table[i]; i = (i + 1) & ps->mask)
        if (ps->table[i]->pid == pid) return ps->table[i];
    return NULL;
}

/* How far p sits from its home slot i (Robin Hood probing). */
static uint32_t probe_dist(const ProcSys *ps, const Proc *p, uint32_t i)
{
    return (i - pid_slot(ps, p->pid)) & ps->mask;
}

/* Robin Hood linear probing: an entry passes one that sits nearer to its
 * home, so along a run the distances grow by at most one, and a removal
 * can stop at the first entry that is at home.  With pids in order most
 * entries are at home: a run of thousands of live consecutive pids costs
 * a removal one look, not a scan of the run. */
static void table_place(Proc **table, const ProcSys *ps, Proc *p)
{
    uint32_t i = pid_slot(ps, p->pid), d = 0;
    while (table[i]) {
        uint32_t dq = probe_dist(ps, table[i], i);
        if (dq < d) {
            Proc *t = table[i];
            table[i] = p;
            p = t;
            d = dq;
        }
        i = (i + 1) & ps->mask;
        d++;
    }
    table[i] = p;
}

static bool table_insert(VM *vm, ProcSys *ps, Proc *p)
{
    if ((ps->count + 1) * 2 > ps->mask) {
        uint32_t size = ps->mask ? (ps->mask + 1) * 2 : 16;
        Proc **n = hrealloc(vm, NULL, 0, (size_t)size * sizeof *n);
        if (!n) return false;
        memset(n, 0, (size_t)size * sizeof *n);
        Proc **old = ps->table;
        uint32_t old_size = ps->mask ? ps->mask + 1 : 0;
        ps->table = n;
        ps->mask = size - 1;
        for (uint32_t i = 0; i < old_size; i++)
            if (old[i]) table_place(n, ps, old[i]);
        hrealloc(vm, old, (size_t)old_size * sizeof *old, 0);
    }
    table_place(ps->table, ps, p);
    ps->count++;
    return true;
}

/* Delete with backward shift (no tombstones, so a million short-lived
 * processes never clog the table): the entries after the hole move back
 * one slot until one that is at home, or an empty slot. */
static void table_remove(ProcSys *ps, uint64_t pid)
{
    uint32_t i = pid_slot(ps, pid);
    while (ps->table[i] && ps->table[i]->pid != pid) i = (i + 1) & ps->mask;
    if (!ps->table[i]) return;
    ps->count--;
    for (uint32_t j = (i + 1) & ps->mask; ps->table[j] && probe_dist(ps, ps->table[j], j); j = (j + 1) & ps->mask) {
        ps->table[i] = ps->table[j];
        i = j;
    }
    ps->table[i] = NULL;
}

/* ---- run queue and timers --------------------------------------------------------- */

static bool enqueue(VM *vm, ProcSys *ps, Proc *p)
{
    if (ps->rq_len == ps->rq_cap) {
        uint32_t ncap = ps->rq_cap ? ps->rq_cap * 2 : 16;
        Proc **n = hrealloc(vm, NULL, 0, (size_t)ncap * sizeof *n);
        if (!n) return false;
        for (uint32_t i = 0; i < ps->rq_len; i++) n[i] = ps->runq[(ps->rq_head + i) & (ps->rq_cap - 1)];
        hrealloc(vm, ps->runq, (size_t)ps->rq_cap * sizeof *n, 0);
        ps->runq = n;
        ps->rq_cap = ncap;
        ps->rq_head = 0;
    }
    ps->runq[(ps->rq_head + ps->rq_len++) & (ps->rq_cap - 1)] = p; /* rq_cap: a power of two */
    p->state = P_RUNNABLE;
    return true;
}

static Proc *dequeue(ProcSys *ps)
{
    if (!ps->rq_len) return NULL;
    Proc *p = ps->runq[ps->rq_head];
    ps->rq_head = (ps->rq_head + 1) & (ps->rq_cap - 1);
    ps->rq_len--;
    return p;
}

static bool timed_add(VM *vm, ProcSys *ps, Proc *p)
{
    if (ps->ntimed == ps->timed_cap) {
        uint32_t ncap = ps->timed_cap ? ps->timed_cap * 2 : 8;
        Proc **n = hrealloc(vm, ps->timed, (size_t)ps->timed_cap * sizeof *n, (size_t)ncap * sizeof *n);
        if (!n) return false;
        ps->timed = n;
        ps->timed_cap = ncap;
    }
    p->timed = true;
    p->timed_index = ps->ntimed;
    ps->timed[ps->ntimed++] = p;
    return true;
}

static void timed_remove(ProcSys *ps, Proc *p)
{
    if (!p->timed) return;
    uint32_t i = p->timed_index;
    ps->timed[i] = ps->timed[--ps->ntimed];
    ps->timed[i]->timed_index = i;
    p->timed = false;
}

/* A waiting process becomes runnable (mail, timeout, exit notice). */
static bool wake(VM *vm, ProcSys *ps, Proc *p)
{
    if (p->state != P_WAITING) return true;
    timed_remove(ps, p);
    return enqueue(vm, ps, p);
}

/* Wake processes whose deadline passed; with `sleep`, first wait for the
 * earliest one when nothing else can run. */
static bool fire_timers(VM *vm, ProcSys *ps, bool sleep)
{
    if (!ps->ntimed) return true;
    uint64_t now = now_ns();
    if (sleep) {
        uint64_t first = UINT64_MAX;
        for (uint32_t i = 0; i < ps->ntimed; i++)
            if (ps->timed[i]->deadline_ns < first) first = ps->timed[i]->deadline_ns;
        if (first > now) {
            mpc_pause(vm->mpc, first - now); /* a party's fiber lets its worker's others run */
            now = now_ns();
        }
    }
    for (uint32_t i = 0; i < ps->ntimed;) {
        Proc *p = ps->timed[i];
        if (p->deadline_ns <= now) {
            p->timed_out = true;
            if (!wake(vm, ps, p)) return false; /* removes it from timed */
        } else {
            i++;
        }
    }
    return true;
}

/* ---- MPC rounds ---------------------------------------------------------------------- */

bool process_mpc_park(VM *vm)
{
    ProcSys *ps = vm->procs;
    if (!ps || vm->run_nest || (!ps->rq_len && !ps->nparked)) return false;
    ps->yield = PY_MPC;
    return true;
}

static bool park(VM *vm, ProcSys *ps, Proc *p)
{
    if (ps->nparked == ps->parked_cap) {
        uint32_t ncap = ps->parked_cap ? ps->parked_cap * 2 : 16;
        Proc **n = hrealloc(vm, ps->parked, (size_t)ps->parked_cap * sizeof *n, (size_t)ncap * sizeof *n);
        if (!n) return false;
        ps->parked = n;
        ps->parked_cap = ncap;
    }
    ps->parked[ps->nparked++] = p;
    p->state = P_WAITING;
    return true;
}

/* Nothing else can run: one round for every parked process's products. */
static int run_round(VM *vm, ProcSys *ps)
{
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    for (uint32_t i = 0; i < ps->nparked; i++)
        if (!enqueue(vm, ps, ps->parked[i])) return vm_oom(vm);
    ps->nparked = 0;
    return ST_OK;
}

static int bi_mpc_rounds(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    *result = val_i64(vm->mpc ? (int64_t)mpc_stats(vm->mpc).rounds : 0);
    return ST_OK;
}

/* ---- mailboxes ---------------------------------------------------------------------- */

/* The mailbox is a ring whose capacity is a power of two (masks, not
 * divisions, on every send and receive). */
static bool mbox_grow(VM *vm, Proc *p)
{
    uint32_t ncap = p->mb_cap * 2;
    Value *n = hrealloc(vm, NULL, 0, (size_t)ncap * sizeof *n);
    if (!n) return false;
    for (uint32_t i = 0; i < p->mb_len; i++) n[i] = p->mbox[(p->mb_head + i) & (p->mb_cap - 1)];
    if (p->mbox != p->mb_inline) hrealloc(vm, p->mbox, (size_t)p->mb_cap * sizeof *n, 0);
    p->mbox = n;
    p->mb_cap = ncap;
    p->mb_head = 0;
    return true;
}

static inline bool mbox_push(VM *vm, Proc *p, Value v)
{
    if (p->mb_len == p->mb_cap && !mbox_grow(vm, p)) return false;
    p->mbox[(p->mb_head + p->mb_len++) & (p->mb_cap - 1)] = v;
    return true;
}

static inline Value *mbox_at(Proc *p, uint32_t i) { return &p->mbox[(p->mb_head + i) & (p->mb_cap - 1)]; }

/* Remove message i (0 = oldest), keeping the order of the others. */
static inline Value mbox_take(Proc *p, uint32_t i)
{
    Value v = *mbox_at(p, i);
    if (i == 0) {
        p->mb_head = (p->mb_head + 1) & (p->mb_cap - 1);
    } else {
        for (uint32_t j = i; j + 1 < p->mb_len; j++) *mbox_at(p, j) = *mbox_at(p, j + 1);
    }
    p->mb_len--;
    return v;
}

/* ---- creation and destruction -------------------------------------------------------- */

static Proc *proc_new(VM *vm, ProcSys *ps)
{
    Proc *p = hrealloc(vm, NULL, 0, sizeof *p);
    if (!p) return NULL;
    memset(p, 0, sizeof *p);
    p->pid = ps->next_pid++;
    p->exit_reason = val_unit();
    p->mbox = p->mb_inline;
    p->mb_cap = MBOX_INLINE;
    if (!table_insert(vm, ps, p)) {
        hrealloc(vm, p, sizeof *p, 0);
        return NULL;
    }
    return p;
}

static void proc_destroy(VM *vm, Proc *p)
{
    ctx_free(vm, &p->ctx);
    if (p->mbox != p->mb_inline) hrealloc(vm, p->mbox, (size_t)p->mb_cap * sizeof(Value), 0);
    hrealloc(vm, p->links, (size_t)p->links_cap * sizeof(uint64_t), 0);
    hrealloc(vm, p->watchers, (size_t)p->watchers_cap * sizeof(uint64_t), 0);
    hrealloc(vm, p, sizeof *p, 0);
}

ProcSys *process_sys(VM *vm)
{
    if (vm->procs) return vm->procs;
    ProcSys *ps = hrealloc(vm, NULL, 0, sizeof *ps);
    if (!ps) {
        vm_oom(vm);
        return NULL;
    }
    memset(ps, 0, sizeof *ps);
    ps->next_pid = 1;
    ps->reductions = vm->cfg.reductions ? vm->cfg.reductions : PROC_DEFAULT_REDUCTIONS;
    ps->main_result = val_unit();
    vm->procs = ps;
    vm->reds_left = (int32_t)ps->reductions;
    /* The caller is the entry call: process 1, running on the VM's own state. */
    Proc *m = proc_new(vm, ps);
    if (!m) {
        process_free(vm);
        vm_oom(vm);
        return NULL;
    }
    m->state = P_RUNNING;
    ps->main = ps->cur = m;
    return ps;
}

void process_free(VM *vm)
{
    ProcSys *ps = vm->procs;
    if (!ps) return;
    for (uint32_t i = 0; ps->mask && i <= ps->mask; i++) {
        Proc *p = ps->table[i];
        /* The running process's state is the VM's own (vm_free frees it). */
        if (p && p != ps->cur && p != ps->main) proc_destroy(vm, p);
    }
    Proc *keep[2] = { ps->cur, ps->main != ps->cur ? ps->main : NULL };
    for (int k = 0; k < 2; k++) {
        Proc *p = keep[k];
        if (!p) continue;
        if (p != ps->cur) ctx_free(vm, &p->ctx);
        memset(&p->ctx, 0, sizeof p->ctx);
        proc_destroy(vm, p);
    }
    hrealloc(vm, ps->table, ps->mask ? ((size_t)ps->mask + 1) * sizeof(Proc *) : 0, 0);
    hrealloc(vm, ps->runq, (size_t)ps->rq_cap * sizeof(Proc *), 0);
    hrealloc(vm, ps->timed, (size_t)ps->timed_cap * sizeof(Proc *), 0);
    hrealloc(vm, ps->parked, (size_t)ps->parked_cap * sizeof(Proc *), 0);
    hrealloc(vm, ps, sizeof *ps, 0);
    vm->procs = NULL;
}

/* ---- GC ----------------------------------------------------------------------------- */

static void mark_ctx(Heap *h, ProcCtx *c)
{
    for (uint32_t i = 0; i < c->stack_top; i++) heap_mark_value(h, c->stack[i]);
    /* as mark_roots does for the running process: no stale value above */
    for (uint32_t i = c->stack_top; i < c->stack_cap; i++) c->stack[i] = val_unit();
    for (uint32_t i = 0; i < c->nargs; i++) heap_mark_value(h, c->args[i]);
    for (uint32_t i = 0; i < c->nframes; i++) {
        Frame *f = &c->frames[i];
        if (f->closure) heap_mark_object(h, &f->closure->gc);
        for (uint32_t j = 0; j < f->spill_len; j++) heap_mark_value(h, f->spill[j]);
    }
}

void process_mark(VM *vm)
{
    ProcSys *ps = vm->procs;
    if (!ps) return;
    heap_mark_value(&vm->heap, ps->main_result);
    for (uint32_t i = 0; ps->mask && i <= ps->mask; i++) {
        Proc *p = ps->table[i];
        if (!p) continue;
        if (p != ps->cur) mark_ctx(&vm->heap, &p->ctx);
        for (uint32_t j = 0; j < p->mb_len; j++) heap_mark_value(&vm->heap, *mbox_at(p, j));
        heap_mark_value(&vm->heap, p->exit_reason);
    }
    /* An exited main is no longer in the table but keeps its state. */
    if (ps->main_done && ps->main != ps->cur) mark_ctx(&vm->heap, &ps->main->ctx);
}

/* ---- exit notices --------------------------------------------------------------------- */

static int set_str_field(VM *vm, StObject *o, const char *key, Value v)
{
    StString *k = heap_new_string(&vm->heap, key, strlen(key));
    if (!k || !table_set(&vm->heap, &o->fields, val_string(k), v)) return vm_oom(vm);
    return ST_OK;
}

/* {type: "exit"|"down", pid: N, reason: R} into `to`'s mailbox. */
static int notify(VM *vm, ProcSys *ps, Proc *to, const char *type, uint64_t pid, Value reason)
{
    StObject *o = heap_new_object(&vm->heap);
    if (!o) return vm_oom(vm);
    Value t, r;
    if (vm_new_string(vm, type, strlen(type), &t) != ST_OK) return ST_ERR;
    if (process_copy_value(vm, reason, &r) != ST_OK) return ST_ERR;
    if (set_str_field(vm, o, "type", t) != ST_OK || set_str_field(vm, o, "pid", val_i64((int64_t)pid)) != ST_OK ||
        set_str_field(vm, o, "reason", r) != ST_OK)
        return ST_ERR;
    if (!mbox_push(vm, to, val_gc(VT_OBJECT, o)) || !wake(vm, ps, to)) return vm_oom(vm);
    return ST_OK;
}

static void remove_u64(uint64_t *a, uint32_t *n, uint64_t x)
{
    for (uint32_t i = 0; i < *n; i++)
        if (a[i] == x) {
            a[i] = a[--*n];
            return;
        }
}

/* p has ended with `reason`: tell its links and monitors, take it out of
 * the table and free it (main keeps its state for vm_execute). */
static int proc_finish(VM *vm, ProcSys *ps, Proc *p, Value reason)
{
    p->state = P_EXITED;
    timed_remove(ps, p);
    table_remove(ps, p->pid);
    int rc = ST_OK;
    for (uint32_t i = 0; i < p->nlinks && rc == ST_OK; i++) {
        Proc *q = proc_find(ps, p->links[i]);
        if (!q) continue;
        remove_u64(q->links, &q->nlinks, p->pid);
        rc = notify(vm, ps, q, "exit", p->pid, reason);
    }
    for (uint32_t i = 0; i < p->nwatchers && rc == ST_OK; i++) {
        Proc *q = proc_find(ps, p->watchers[i]);
        if (q) rc = notify(vm, ps, q, "down", p->pid, reason);
    }
    if (p == ps->main) {
        ps->main_done = true;
    } else {
        if (ps->cur == p) ps->cur = NULL;
        proc_destroy(vm, p);
    }
    return rc;
}

/* ---- the scheduler ---------------------------------------------------------------------- */

/* Text of one waiting process for the deadlock report. */
static void describe_waiter(VM *vm, StrBuf *b, ProcSys *ps, Proc *p)
{
    const ProcCtx *c = &p->ctx; /* saved: the scheduler is between slices */
    sb_printf(b, "process %" PRIu64 "%s", p->pid, p == ps->main ? " (main)" : "");
    if (c->nframes) {
        const Frame *f = &c->frames[c->nframes - 1];
        sb_printf(b, " in %s at instruction %u", f->fn->name->chars, f->ip);
    }
}

static int deadlock_error(VM *vm, ProcSys *ps)
{
    StrBuf b;
    sb_init(&b);
    sb_printf(&b, "Deadlock: all %u processes are waiting for a message and none can run: ", ps->count);
    uint32_t shown = 0;
    for (uint32_t i = 0; i <= ps->mask; i++) {
        Proc *p = ps->table[i];
        if (!p || p->state != P_WAITING) continue;
        if (shown == DEADLOCK_LIST_MAX) {
            sb_printf(&b, ", ... (%u more)", ps->count - shown);
            break;
        }
        if (shown++) sb_puts(&b, "; ");
        describe_waiter(vm, &b, ps, p);
    }
    vm_error(vm, "%s", b.data ? b.data : "Deadlock");
    sb_free(&b);
    /* Located where main waits. */
    const ProcCtx *c = &ps->main->ctx;
    if (c->nframes) {
        free(vm->err.function);
        vm->err.function = strdup(c->frames[c->nframes - 1].fn->name->chars);
        vm->err.instr_index = c->frames[c->nframes - 1].ip;
    }
    return ST_ERR;
}

/* The error of a failed process as a string reason (the VM error cleared). */
static int error_reason(VM *vm, Proc *p, Value *out)
{
    const VmError *e = vm_last_error(vm);
    StrBuf b;
    sb_init(&b);
    sb_puts(&b, e->message ? e->message : "unknown error");
    if (e->function) sb_printf(&b, " (at %s, instruction %" PRId64 ")", e->function, e->instr_index);
    fprintf(stderr, "Process %" PRIu64 " failed: %s\n", p->pid, b.data ? b.data : "");
    int rc = vm_new_string(vm, b.data ? b.data : "", b.len, out);
    sb_free(&b);
    if (rc == ST_OK) vm_clear_error(vm);
    return rc;
}

static Value normal_reason(VM *vm)
{
    StString *s = heap_new_string(&vm->heap, "normal", 6);
    return s ? val_string(s) : val_unit();
}

int process_schedule(VM *vm, int rc, Value *result)
{
    ProcSys *ps = vm->procs;
    Proc *main = ps->main;
    Value res = *result;
    for (;;) {
        Proc *p = ps->cur;
        int why = ps->yield;
        ps->yield = PY_NONE;
        if (rc != ST_OK && why != PY_NONE) {
            if (vm->err.message || vm->err.function) vm_clear_error(vm); /* a yield sets none */
            ctx_save(vm, &p->ctx);
            if (why == PY_EXIT) {
                if (p == main) ps->main_result = p->exit_reason;
                rc = proc_finish(vm, ps, p, p->exit_reason);
            } else if (why == PY_PREEMPT) {
                rc = enqueue(vm, ps, p) ? ST_OK : vm_oom(vm);
            } else if (why == PY_MPC) {
                rc = park(vm, ps, p) ? ST_OK : vm_oom(vm);
            } else if (p->ctx.nframes == 0) {
                rc = vm_error(vm, "a process cannot wait or yield when a builtin is the entry call");
                if (p == main) break;
            } else {
                p->state = P_WAITING;
                rc = !p->deadline_ns || p->timed || timed_add(vm, ps, p) ? ST_OK : vm_oom(vm);
            }
        } else if (rc == ST_OK) {
            ctx_save(vm, &p->ctx);
            if (p == main) ps->main_result = res;
            rc = proc_finish(vm, ps, p, normal_reason(vm));
        } else if (p == main) {
            break; /* the entry call failed: so does the program */
        } else {
            Value reason;
            rc = error_reason(vm, p, &reason);
            ctx_save(vm, &p->ctx);
            if (rc == ST_OK) rc = proc_finish(vm, ps, p, reason);
        }
        if (rc != ST_OK) { /* out of memory in the scheduler itself */
            p = NULL;
            break;
        }
        /* Timers are checked each pass while some exist; with nothing to
         * run, sleep until the first one. */
        if (!fire_timers(vm, ps, ps->rq_len == 0)) {
            rc = vm_oom(vm);
            break;
        }
        if (!ps->rq_len && ps->nparked && run_round(vm, ps) != ST_OK) {
            rc = ST_ERR;
            break;
        }
        Proc *next = dequeue(ps);
        if (!next) {
            if (!ps->main_done) rc = deadlock_error(vm, ps);
            break;
        }
        ps->cur = next;
        next->state = P_RUNNING;
        ps->passes++;
        ctx_load(vm, &next->ctx);
        vm->reds_left = (int32_t)ps->reductions;
        res = val_unit();
        rc = vm_run(vm, 0, &res);
    }
    /* Back to the entry call's own state for vm_execute to unwind. */
    if (ps->cur && ps->cur != main) ctx_save(vm, &ps->cur->ctx);
    if (ps->cur != main) {
        ctx_load(vm, &main->ctx);
        ps->cur = main;
    }
    if (rc == ST_OK) *result = ps->main_result;
    return rc;
}

/* ---- builtins --------------------------------------------------------------------------- */

static int need_pid(VM *vm, Value v, const char *what, uint64_t *pid)
{
    if (!val_is_int(v) || (val_is_signed(v) && v.as.i <= 0))
        return vm_error(vm, "%s must be a pid (a positive integer), got %s", what, val_type_name((ValueType)v.type));
    *pid = v.as.u;
    return ST_OK;
}

/* Push fn's first frame in p's fresh state. */
static int start_proc(VM *vm, Proc *p, Value f, const Value *args, uint32_t argc)
{
    ProcCtx saved;
    ctx_save(vm, &saved);
    memset(&p->ctx, 0, sizeof p->ctx);
    p->ctx.frames = hrealloc(vm, NULL, 0, PROC_FIRST_FRAMES * sizeof(Frame));
    if (!p->ctx.frames) return vm_oom(vm);
    p->ctx.frames_cap = PROC_FIRST_FRAMES;
    ctx_load(vm, &p->ctx);
    int rc;
    if (f.type == VT_CLOSURE) {
        rc = vm_push_closure_frame(vm, f.as.closure, args, argc);
        if (rc == ST_FRAME_PUSHED) rc = ST_OK;
    } else {
        int32_t idx = vm_find_function(vm, f.as.str->chars, f.as.str->len);
        VmFunction *fn = vm_function_at(vm, idx);
        if (!fn)
            rc = vm_error(vm, "Function %s not found", f.as.str->chars);
        else if (fn->is_native)
            rc = vm_error(vm, "cannot spawn builtin %s (wrap it in a function)", fn->name->chars);
        else if (fn->nupvalues)
            rc = vm_error(vm, "cannot spawn %s by name: it captures upvalues (spawn a closure)", fn->name->chars);
        else
            rc = vm_push_frame(vm, fn, args, argc, NULL);
    }
    ctx_save(vm, &p->ctx);
    ctx_load(vm, &saved);
    return rc;
}

static int bi_spawn(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 1 || (args[0].type != VT_STRING && args[0].type != VT_CLOSURE))
        return vm_error(vm, "Process.spawn expects a function name or a closure, then its arguments");
    ProcSys *ps = process_sys(vm);
    if (!ps) return ST_ERR;
    /* The new process gets copies: nothing mutable is shared with the parent. */
    Value *copies = malloc(((size_t)argc) * sizeof *copies);
    if (!copies) return vm_oom(vm);
    int rc = ST_OK;
    for (uint32_t i = 0; i < argc && rc == ST_OK; i++) rc = process_copy_value(vm, args[i], &copies[i]);
    Proc *p = rc == ST_OK ? proc_new(vm, ps) : NULL;
    if (rc == ST_OK && !p) rc = vm_oom(vm);
    if (rc == ST_OK && p) rc = start_proc(vm, p, copies[0], copies + 1, argc - 1);
    free(copies);
    if (rc == ST_OK && !enqueue(vm, ps, p)) rc = vm_oom(vm);
    if (rc != ST_OK) {
        if (p) {
            table_remove(ps, p->pid);
            proc_destroy(vm, p);
        }
        return ST_ERR;
    }
    *result = val_i64((int64_t)p->pid);
    return ST_OK;
}

static int bi_self(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    ProcSys *ps = process_sys(vm);
    if (!ps) return ST_ERR;
    *result = val_i64((int64_t)ps->cur->pid);
    return ST_OK;
}

static int bi_send(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 2) return vm_error(vm, "Process.send expects 2 arguments: pid and message");
    uint64_t pid = 0;
    if (need_pid(vm, args[0], "the destination", &pid) != ST_OK) return ST_ERR;
    ProcSys *ps = process_sys(vm);
    if (!ps) return ST_ERR;
    Proc *to = proc_find(ps, pid);
    *result = val_bool(to != NULL);
    if (!to) return ST_OK; /* to a dead process: dropped, as in Erlang */
    /* Most messages are numbers or strings: sent as they are, without a
     * call that returns the value through memory. */
    Value m = args[1];
    if (!process_value_shareable(m) && process_copy_value(vm, args[1], &m) != ST_OK) return ST_ERR;
    if (!mbox_push(vm, to, m) || !wake(vm, ps, to)) return vm_oom(vm);
    return ST_OK;
}

/* Suspend the current process in a receive: the CALL runs again when mail
 * arrives or the deadline passes. */
static int block(VM *vm, ProcSys *ps, const char *name, int64_t timeout_ms)
{
    Proc *p = ps->cur;
    if (vm->run_nest)
        return vm_error(vm, "%s cannot wait inside a nested call (a protected call, a predicate, a callback)", name);
    if (!p->in_wait) {
        p->in_wait = true;
        p->timed_out = false;
        if (timeout_ms >= 0) {
            uint64_t d = (uint64_t)timeout_ms * 1000000u;
            p->deadline_ns = now_ns() + (d ? d : 1);
        }
    }
    ps->yield = PY_BLOCK;
    return ST_ERR;
}

static void end_wait(ProcSys *ps, Proc *p)
{
    p->in_wait = false;
    p->timed_out = false;
    p->deadline_ns = 0;
    timed_remove(ps, p);
}

static int timeout_arg(VM *vm, Value v, int64_t *ms)
{
    if (!val_is_int(v) || (val_is_signed(v) && v.as.i < 0) || (v.type == VT_U64 && v.as.u > INT64_MAX))
        return vm_error(vm, "timeout must be a non-negative integer (milliseconds), got %s",
                        val_type_name((ValueType)v.type));
    *ms = v.as.i;
    return ST_OK;
}

/* The oldest message, or dflt once the wait of ms (-1: none) is over. */
static int receive(VM *vm, const char *name, int64_t ms, Value dflt, Value *result)
{
    ProcSys *ps = process_sys(vm);
    if (!ps) return ST_ERR;
    Proc *p = ps->cur;
    if (p->mb_len) {
        if (p->in_wait) end_wait(ps, p);
        *result = mbox_take(p, 0);
        return ST_OK;
    }
    if (p->in_wait && p->timed_out) {
        end_wait(ps, p);
        *result = dflt;
        return ST_OK;
    }
    return block(vm, ps, name, ms);
}

static int bi_receive(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 0) return vm_error(vm, "Process.receive expects no arguments");
    return receive(vm, "Process.receive", -1, val_unit(), result);
}

/* Process.receive_timeout(ms [, default]). */
static int bi_receive_timeout(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 1 || argc > 2)
        return vm_error(vm, "Process.receive_timeout expects 1 or 2 arguments: milliseconds and an optional default");
    int64_t ms = -1;
    if (timeout_arg(vm, args[0], &ms) != ST_OK) return ST_ERR;
    return receive(vm, "Process.receive_timeout", ms, argc == 2 ? args[1] : val_unit(), result);
}

/* Process.receive_match(pred [, ms [, default]]): the oldest message for
 * which pred(message) is true; the others stay in order. */
static int bi_receive_match(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 1 || argc > 3 || (args[0].type != VT_CLOSURE && args[0].type != VT_STRING))
        return vm_error(vm, "Process.receive_match expects a predicate (closure or function name), "
                            "then optional milliseconds and default");
    int64_t ms = -1;
    if (argc >= 2 && timeout_arg(vm, args[1], &ms) != ST_OK) return ST_ERR;
    ProcSys *ps = process_sys(vm);
    if (!ps) return ST_ERR;
    Proc *p = ps->cur;
    Value pred = args[0], dflt = argc == 3 ? args[2] : val_unit();
    for (uint32_t i = 0; i < p->mb_len; i++) {
        Value msg = *mbox_at(p, i), ok;
        int rc = vm_call_value(vm, pred, &msg, 1, &ok);
        if (rc != ST_OK) {
            if (!ps->yield) end_wait(ps, p);
            return ST_ERR;
        }
        if (ok.type != VT_BOOL)
            return vm_error(vm, "the receive predicate must return a boolean, got %s",
                            val_type_name((ValueType)ok.type));
        if (ok.as.b) {
            end_wait(ps, p);
            *result = mbox_take(p, i);
            return ST_OK;
        }
    }
    if (p->in_wait && p->timed_out) {
        end_wait(ps, p);
        *result = dflt;
        return ST_OK;
    }
    return block(vm, ps, "Process.receive_match", ms);
}

/* Process.link(pid) / Process.monitor(pid): an exit notice when it ends
 * (at once, with reason "noproc", if it is not alive). */
static int bi_watch(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const char *name = ud;
    bool link = strcmp(name, "Process.link") == 0;
    if (argc != 1) return vm_error(vm, "%s expects 1 argument: pid", name);
    uint64_t pid = 0;
    if (need_pid(vm, args[0], "the pid", &pid) != ST_OK) return ST_ERR;
    ProcSys *ps = process_sys(vm);
    if (!ps) return ST_ERR;
    Proc *me = ps->cur, *q = proc_find(ps, pid);
    if (!q) {
        Value r;
        if (vm_new_string(vm, "noproc", 6, &r) != ST_OK) return ST_ERR;
        return notify(vm, ps, me, link ? "exit" : "down", pid, r);
    }
    if (q == me) return link ? ST_OK : vm_error(vm, "a process cannot monitor itself");
    if (link) {
        for (uint32_t i = 0; i < me->nlinks; i++)
            if (me->links[i] == pid) return ST_OK;
        if (!grow_u64(vm, &me->links, &me->links_cap, me->nlinks + 1) ||
            !grow_u64(vm, &q->links, &q->links_cap, q->nlinks + 1))
            return vm_oom(vm);
        me->links[me->nlinks++] = pid;
        q->links[q->nlinks++] = me->pid;
    } else {
        if (!grow_u64(vm, &q->watchers, &q->watchers_cap, q->nwatchers + 1)) return vm_oom(vm);
        q->watchers[q->nwatchers++] = me->pid;
    }
    return ST_OK;
}

static int bi_exit(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc > 1) return vm_error(vm, "Process.exit expects 0 or 1 argument: reason");
    ProcSys *ps = process_sys(vm);
    if (!ps) return ST_ERR;
    if (argc == 1)
        ps->cur->exit_reason = args[0];
    else
        ps->cur->exit_reason = normal_reason(vm);
    ps->yield = PY_EXIT;
    return ST_ERR;
}

static int bi_count(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    *result = val_i64(vm->procs ? vm->procs->count : 1);
    return ST_OK;
}

static int bi_alive(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return vm_error(vm, "Process.alive expects 1 argument: pid");
    uint64_t pid = 0;
    if (need_pid(vm, args[0], "the pid", &pid) != ST_OK) return ST_ERR;
    ProcSys *ps = process_sys(vm);
    if (!ps) return ST_ERR;
    *result = val_bool(proc_find(ps, pid) != NULL);
    return ST_OK;
}

static int bi_passes(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    *result = val_i64(vm->procs ? (int64_t)vm->procs->passes : 0);
    return ST_OK;
}

static int bi_mailbox_size(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    ProcSys *ps = process_sys(vm);
    if (!ps) return ST_ERR;
    *result = val_i64(ps->cur->mb_len);
    return ST_OK;
}

static int bi_set_reductions(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    uint64_t n = 0;
    if (argc != 1 || !val_is_int(args[0]) || (val_is_signed(args[0]) && args[0].as.i < 1) || args[0].as.u > 100000000u)
        return vm_error(vm, "Process.set_reductions expects 1 argument: an integer from 1 to 100000000");
    n = args[0].as.u;
    ProcSys *ps = process_sys(vm);
    if (!ps) return ST_ERR;
    ps->reductions = (uint32_t)n;
    if (vm->reds_left > (int32_t)n) vm->reds_left = (int32_t)n;
    return ST_OK;
}

/* ---- nested calls -------------------------------------------------------------------------- */

int vm_call_value(VM *vm, Value f, const Value *args, uint32_t argc, Value *out)
{
    uint32_t depth = vm->nframes, nargs = vm->nargs;
    *out = val_unit();
    int rc;
    vm->run_nest++;
    if (f.type == VT_CLOSURE) {
        rc = vm_push_closure_frame(vm, f.as.closure, args, argc);
    } else if (f.type == VT_STRING) {
        int32_t idx = vm_find_function(vm, f.as.str->chars, f.as.str->len);
        VmFunction *fn = vm_function_at(vm, idx);
        if (!fn)
            rc = vm_error(vm, "Function %s not found", f.as.str->chars);
        else if (fn->is_native)
            rc = vm_call_native(vm, fn, args, argc, out);
        else if (fn->nupvalues)
            rc = vm_error(vm, "cannot call %s by name: it captures upvalues", fn->name->chars);
        else
            rc = vm_push_frame(vm, fn, args, argc, NULL) == ST_OK ? ST_FRAME_PUSHED : ST_ERR;
    } else {
        rc = vm_error(vm, "expected a closure or a function name, got %s", val_type_name((ValueType)f.type));
    }
    if (rc == ST_FRAME_PUSHED) rc = vm_run(vm, depth, out);
    vm->run_nest--;
    if (rc != ST_OK) {
        while (vm->nframes > depth) vm_pop_frame_internal(vm);
        vm->nargs = nargs;
    }
    return rc;
}

/* ---- registration ---------------------------------------------------------------------------- */

int process_register(VM *vm)
{
    static const struct {
        const char *name;
        NativeFn fn;
    } b[] = {
        { "Process.spawn", bi_spawn },
        { "Process.self", bi_self },
        { "Process.pid", bi_self },
        { "Process.send", bi_send },
        { "Process.receive", bi_receive },
        { "Process.receive_timeout", bi_receive_timeout },
        { "Process.receive_match", bi_receive_match },
        { "Process.link", bi_watch },
        { "Process.monitor", bi_watch },
        { "Process.exit", bi_exit },
        { "Process.count", bi_count },
        { "Process.alive", bi_alive },
        { "Process.scheduler_passes", bi_passes },
        { "Process.mailbox_size", bi_mailbox_size },
        { "Process.set_reductions", bi_set_reductions },
        { "Mpc.rounds", bi_mpc_rounds },
    };
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        if (vm_register_native(vm, b[i].name, b[i].fn, (void *)b[i].name) != ST_OK) return ST_ERR;
    return ST_OK;
}
