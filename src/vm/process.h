/* process.h: lightweight processes (docs/processes.md).
 *
 * Every process has its own register stack, frames and argument stack; the
 * running one's are the VM's own fields (vm->stack, vm->frames, vm->args),
 * the others' are saved in their Proc.  A switch swaps those fields, so the
 * interpreter needs to know nothing about processes: a builtin that blocks
 * (Process.receive on an empty mailbox) returns ST_ERR with ps->yield set,
 * the CALL is left unexecuted, and vm_run returns to the scheduler, which
 * resumes the process later at that CALL.
 *
 * The entry call of vm_execute is process 1 ("main").  The process table
 * exists from the first Process.* builtin until that entry call ends. */
#ifndef STOFFEL_PROCESS_H
#define STOFFEL_PROCESS_H

#include "vm_internal.h"

#define PROC_DEFAULT_REDUCTIONS 2000

/* Why vm_run returned to the scheduler without an error of its own. */
enum { PY_NONE = 0, PY_BLOCK, PY_PREEMPT, PY_EXIT, PY_MPC };

/* The execution state a switch swaps in and out of the VM. */
typedef struct {
    Value *stack;
    uint32_t stack_top, stack_cap;
    Frame *frames;
    uint32_t nframes, frames_cap;
    Value *args;
    uint32_t nargs, args_cap;
} ProcCtx;

typedef struct Proc Proc;

typedef struct ProcSys {
    Proc **table;         /* open addressing by pid, size mask + 1 */
    uint32_t mask, count; /* count: live processes */
    Proc **runq;          /* ring of runnable processes */
    uint32_t rq_head, rq_len, rq_cap;
    Proc **timed; /* waiting with a deadline */
    uint32_t ntimed, timed_cap;
    Proc **parked; /* waiting for the next MPC round */
    uint32_t nparked, parked_cap;
    Proc *cur, *main;
    uint64_t next_pid;
    uint64_t passes;     /* slices run (IonVM __vm:scheduler_passes) */
    uint32_t reductions; /* slice size */
    int yield;           /* PY_*: set by a builtin before its ST_ERR */
    bool main_done;
    Value main_result;
} ProcSys;

/* The process system, created on first use (NULL + error when out of memory). */
ProcSys *process_sys(VM *vm);
/* vm_execute at depth 0, after the entry call's vm_run returned rc: run
 * every process until all are done or waiting.  Returns the entry call's
 * final status with its result in *result (or a deadlock error). */
int process_schedule(VM *vm, int rc, Value *result);
void process_mark(VM *vm);    /* GC roots of the processes not running */
void process_free(VM *vm);    /* drop every process (vm_free, errors) */
int process_register(VM *vm); /* the Process.* builtins */
/* A pending share's value is needed: if another process can run, park the
 * current one (true: return ST_ERR, the instruction runs again after the
 * round); false: the caller flushes now. */
bool process_mpc_park(VM *vm);

/* Call a closure or a function (by name) with arguments from inside a
 * native and return its result.  Runs a nested interpreter loop: the callee
 * cannot block (vm->run_nest > 0).  args must not point into vm->args. */
int vm_call_value(VM *vm, Value f, const Value *args, uint32_t argc, Value *out);

/* Deep copy of a message for another process (process_copy.c): objects,
 * arrays and closures are copied (sharing preserved, cycles kept), strings
 * and shares are immutable and shared, foreign objects are refused. */
int process_copy_value(VM *vm, Value v, Value *out);

/* Can a message be v itself (no mutable part: numbers, strings, shares)? */
static inline bool process_value_shareable(Value v)
{
    return !val_is_heap(v) || v.type == VT_STRING || v.type == VT_SHARE;
}

/* Catchable errors: Error.raise, Error.pcall (protect.c). */
int protect_register(VM *vm);

#endif
