/* vm.h: the virtual machine: state, function table, calls, errors, hooks.
 *
 * This is the interface of the vm module for the rest of the library (the
 * standard library, the API layer, the CLI through the API).  Semantics
 * follow spec/vm-core.md ("new" behaviour) with the fixes of its §14. */
#ifndef STOFFEL_VM_H
#define STOFFEL_VM_H

#include <stdarg.h>
#include <stdio.h>

#include "bytecode/program.h"
#include "core/heap.h"

typedef struct VM VM;

/* Status codes used inside the library. */
enum {
    ST_OK = 0,
    ST_ERR = 1,         /* an error message is set on the VM */
    ST_FRAME_PUSHED = 2 /* native pushed a VM frame (call_closure): the
                            interpreter continues there; result comes later */
};

/* A native (foreign) function.  args[0..argc-1] are the pushed arguments;
 * write the result to *result (pre-set to Unit).  Return ST_OK, or ST_ERR
 * after vm_error() (the VM wraps the message as
 * "Foreign function NAME failed: <message>"). */
typedef int (*NativeFn)(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud);

/* ---- internal code ------------------------------------------------------ */

/* Internal instruction: fixed 12 bytes.  Index i of a function's code is
 * wire instruction i, so errors and hooks name the original index. */
typedef struct {
    uint8_t op;   /* internal opcode (vm_internal.h) */
    uint8_t base; /* plain handler for this instruction (hooks on) */
    uint16_t a, b, c;
    uint32_t x; /* jump target, constant index, slot, call target... */
} Ins;

typedef struct VmFunction {
    StString *name;
    bool is_native;
    NativeFn native;
    void *native_ud;
    /* bytecode functions only: */
    uint32_t nregs; /* frame size (normalised) */
    uint32_t nparams;
    uint32_t nupvalues;
    StString **params;
    StString **upvalues;
    Ins *code;
    uint32_t code_len;
    StfInstr *source; /* wire instructions (for hooks, traces, errors) */
    bool owns_source;
    uint32_t max_slot; /* spill slots used */
    /* Clear registers (bit r = rR) that a call must set to Unit: only those
     * some path may read before writing (translate.c).  The others keep
     * stale stack contents no instruction ever reads. */
    uint32_t init_mask;
} VmFunction;

/* ---- frames --------------------------------------------------------------- */

typedef struct Frame {
    VmFunction *fn;
    Value *regs;        /* points into vm->stack (re-based on growth) */
    uint32_t base;      /* index of regs[0] in vm->stack */
    uint32_t ip;        /* next instruction index */
    uint32_t arg_base;  /* start of this frame's pushed arguments */
    int32_t flag;       /* compare flag -1/0/1 */
    StClosure *closure; /* upvalues of this activation (may be NULL) */
    Value *spill;       /* spill slots (LDS/STS), lazily allocated */
    uint32_t spill_len, spill_cap;
} Frame;

/* ---- hooks ---------------------------------------------------------------- */

typedef enum {
    HOOK_BEFORE_INSTRUCTION,
    HOOK_AFTER_INSTRUCTION,
    HOOK_REGISTER_READ,
    HOOK_REGISTER_WRITE,
    HOOK_STACK_PUSH,
    HOOK_STACK_POP,
    HOOK_BEFORE_CALL,
    HOOK_AFTER_CALL,
    HOOK_CLOSURE_CREATED,
    HOOK_UPVALUE_READ,
    HOOK_UPVALUE_WRITE,
    HOOK_OBJECT_FIELD_READ,
    HOOK_OBJECT_FIELD_WRITE,
    HOOK_ARRAY_ELEMENT_READ,
    HOOK_ARRAY_ELEMENT_WRITE,
    HOOK_EVENT_COUNT
} HookEventKind;

typedef struct {
    HookEventKind kind;
    const StfInstr *instr; /* instruction events */
    uint32_t instr_index;
    const char *function; /* current function name */
    uint32_t depth;       /* call depth (1 = entry frame) */
    uint32_t reg;         /* register events */
    Value value;          /* read value / new value / pushed value /
                                   call result / key-addressed value */
    Value old;            /* previous value (writes) */
    Value key;            /* field/element events */
    uint64_t id;          /* object/array id */
    const char *name;     /* call target, closure, upvalue name */
    bool foreign;         /* call target is a native function */
    const Value *args;    /* call arguments / closure upvalues */
    uint32_t argc;
} HookEvent;

/* Return true when the hook wants the event.  NULL predicate = all. */
typedef bool (*HookPredicate)(const HookEvent *ev, void *ud);
/* Return 0 to continue; non-zero aborts execution.  A callback that aborts
 * may call vm_error() first to give its reason. */
typedef int (*HookCallback)(VM *vm, const HookEvent *ev, void *ud);

int vm_register_hook(VM *vm, HookPredicate pred, HookCallback cb, void *ud,
                     int32_t priority); /* returns id >= 1, or -1 */
bool vm_unregister_hook(VM *vm, int id);
bool vm_enable_hook(VM *vm, int id, bool enabled);

/* ---- the VM ----------------------------------------------------------------- */

typedef struct {
    StAllocFn alloc; /* NULL = malloc/realloc/free */
    void *alloc_ud;
    /* Where `print` writes; NULL = stdout. */
    void (*write)(void *ud, const char *text, size_t len);
    void *write_ud;
    uint32_t max_call_depth;     /* 0 = default 10,000 */
    uint64_t instruction_budget; /* 0 = unlimited (per execute) */
    size_t heap_limit;           /* bytes; 0 = unlimited */
    size_t max_stack_bytes;      /* register stack of a process; 0 = VM_MAX_STACK_BYTES */
    /* Translate to plain instructions only: no superinstructions or
     * clear-bank forms (results are the same, only slower).  The
     * environment variable STOFFEL_NO_FUSION=1 sets it for every VM, so a
     * test suite can check that both paths agree. */
    bool no_fusion;
    uint32_t reductions; /* process time slice; 0 = default 2000 */
    /* Let Error.pcall catch "Heap limit exceeded" and "Instruction budget
     * exhausted" too (by default they end the whole run). */
    bool catch_limits;
} VmConfig;

typedef struct {
    char *message;       /* full text, e.g. "Division by zero" */
    char *function;      /* function where it happened, or NULL */
    int64_t instr_index; /* -1 if not inside an instruction */
} VmError;

VM *vm_new(const VmConfig *config); /* NULL config = defaults */
void vm_free(VM *vm);

/* Register the standard library (stdlib.c).  vm_new calls it. */
int stdlib_register(VM *vm);

/* Register a native function; ST_ERR if the name is taken. */
int vm_register_native(VM *vm, const char *name, NativeFn fn, void *ud);
/* Replace the implementation of a registered native (used to swap the
 * "MPC engine not configured" builtins for real ones). */
int vm_replace_native(VM *vm, const char *name, NativeFn fn, void *ud);

/* Register a method alias: a call of bare `method` whose first argument has
 * runtime type `receiver_type` runs `receiver_type.method` (spec §4.12). */
int vm_register_method(VM *vm, const char *receiver_type, const char *method);

/* Translate and register every function of a program (verifying it).  On
 * error nothing of this program stays registered. */
int vm_load_program(VM *vm, const StfProgram *prog);

/* Run a function by name with arguments.  On ST_OK *result holds the value
 * (valid until the next collection unless the caller roots it: it is kept
 * in vm->last_result, which is a root).  On ST_ERR see vm_last_error(). */
int vm_execute(VM *vm, const char *name, const Value *args, uint32_t argc, Value *result);

/* Calls from the host may nest (a foreign function calling back into the
 * VM) at most this deep, as Lua bounds its C calls: each level costs C
 * stack, and a runaway recursion gets an error instead of a crash. */
#define VM_MAX_HOST_CALLS 200
/* vm_execute calls in progress: 0 when the VM is idle. */
uint32_t vm_host_calls(const VM *vm);
const VmError *vm_last_error(const VM *vm);
void vm_clear_error(VM *vm);

/* Set the error message (printf-style).  Returns ST_ERR for convenience. */
int vm_error(VM *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vm_verror(VM *vm, const char *fmt, va_list ap);
/* Out-of-memory error ("out of memory" / "heap limit exceeded"). */
int vm_oom(VM *vm);

Heap *vm_heap(VM *vm);
/* Write text through the configured output sink. */
void vm_write(VM *vm, const char *text, size_t len);

/* Whether any enabled hook exists (cheap check before building events). */
bool vm_hooks_active(const VM *vm);
/* Fire an event to every enabled matching hook; ST_ERR if one aborted. */
int vm_fire_hook(VM *vm, HookEvent *ev);

/* ---- calls and frames (for builtins such as call_closure) ------------------ */

Frame *vm_current_frame(VM *vm);
uint32_t vm_call_depth(const VM *vm);
/* Push a frame for a VM function with the closure's upvalues; ST_FRAME_PUSHED
 * on success. */
int vm_push_closure_frame(VM *vm, StClosure *cl, const Value *args, uint32_t argc);
/* Look `name` up as a parameter or upvalue, from the top frame down (§5.2). */
bool vm_find_upvalue(VM *vm, StString *name, Value *out);
/* Function-table lookup: index or -1. */
int32_t vm_find_function(VM *vm, const char *name, size_t len);
VmFunction *vm_function_at(VM *vm, int32_t index);
/* The function name closest to `name` ("did you mean"), or NULL. */
const char *vm_suggest_function(VM *vm, const char *name);
/* Calls by constant name that no loaded or registered function answers:
 * fn(ud, function, instruction, name, suggestion or NULL) for each; the
 * count.  A program may still define them later (an embedder's foreign
 * functions), so this is a check, not a load error. */
typedef void (*VmUnresolvedFn)(void *ud, const char *function, uint32_t instruction, const char *name,
                               const char *suggestion);
size_t vm_unresolved_calls(VM *vm, VmUnresolvedFn fn, void *ud);

/* Intern-free helper: new string value, ST_ERR (oom set) on failure. */
int vm_new_string(VM *vm, const char *s, size_t len, Value *out);

/* ---- MPC ------------------------------------------------------------------------- */
struct MpcEngine;
/* Attach this party's MPC engine (not owned): secret registers, share
 * arithmetic and the Share.*, Mpc.*, ClientStore.* and MpcOutput.*
 * builtins then use it.  ST_ERR if it cannot be attached. */
int vm_attach_mpc(VM *vm, struct MpcEngine *engine);
struct MpcEngine *vm_mpc(const VM *vm);
/* An MpcChargeFn (mpc_set_mem_cap, ud = the VM): the engine's buffers count
 * against this VM's heap cap.  Detach before freeing the VM. */
bool vm_charge_memory(void *vm, size_t old_bytes, size_t new_bytes);
/* The share held by v (a raw share or a share object), if any. */
bool vm_as_share(VM *vm, Value v, StShare **out);

/* ---- tracing (CLI --trace-instr, --trace-regs, --trace-stack) --------------- */
void vm_set_trace(VM *vm, FILE *out, bool instr, bool regs, bool stack);

#endif
