/* vm_internal.h: the VM's state, shared by the files of the vm module only
 * (vm.c, translate.c, interp.c, arith.c, closures.c, hooks.c).  Other
 * modules use vm.h. */
#ifndef STOFFEL_VM_INTERNAL_H
#define STOFFEL_VM_INTERNAL_H

#include "../mpc/field.h"
#include "vm.h"

#define SECRET_REGISTER_START 16
#define DEFAULT_MAX_CALL_DEPTH 10000
#define MAX_FRAME_REGISTERS 65535
#define MAX_SPILL_SLOT ((1u << 20) - 1)

/* The fused dependent ALU pairs: first op x second op. */
#define ALU_PAIRS_OF(A) ALU_PAIR(A, ADD) ALU_PAIR(A, SUB) ALU_PAIR(A, MUL) ALU_PAIR(A, DIV) ALU_PAIR(A, MOD)
#define ALU_PAIRS ALU_PAIRS_OF(ADD) ALU_PAIRS_OF(SUB) ALU_PAIRS_OF(MUL)

/* Internal opcodes.  The first STF_OP_COUNT are the wire opcodes with their
 * general handlers; the rest are translator products. */
enum {
    I_CALL_NATIVE = STF_OP_COUNT, /* CALL to a known native function */
    I_CALL_VM,                    /* CALL to a known bytecode function */
    I_CMP_JMPEQ, I_CMP_JMPNEQ, I_CMP_JMPLT, I_CMP_JMPGT,  /* CMP fused with next jump */
    I_END,                        /* sentinel after the last instruction */
    /* Clear-bank forms: the destination (and for MOV the source) is below
     * r16, so the write needs no secret-bank check.  They run only in the
     * fast mode; the checked mode runs the general handler (Ins.base). */
    I_LDI_C, I_MOV_C, I_ADD_C, I_SUB_C, I_MUL_C, I_DIV_C, I_MOD_C,
    /* PUSHARG... CALL of a table builtin, fused at the first PUSHARG: the
     * common cases run inline, anything else runs the PUSHARG as written.
     * a, b, c = the pushed registers. */
    I_GETF,      /* PUSHARG t; PUSHARG k; CALL get_field */
    I_GETF_MOV,  /* the same followed by MOV c, r0 (result kept in c too) */
    I_GETF2,     /* I_GETF of t[k] directly followed by PUSHARG r0; PUSHARG k2;
                    CALL get_field: t[k][k2] in one; c = k2 */
    I_GETF_ADD,  /* I_GETF directly followed by ADD/SUB (clear destination) */
    I_GETF_SUB,  /* that reads r0: the operation runs in the same dispatch */
    I_SETF,      /* PUSHARG t; PUSHARG k; PUSHARG v; CALL set_field */
    I_APUSH,     /* PUSHARG a; PUSHARG v; CALL array_push */
    I_ALEN,      /* PUSHARG a; CALL array_length (or len) */
    I_GETUP,     /* PUSHARG name; CALL get_upvalue */
    I_SETUP,     /* PUSHARG name; PUSHARG v; CALL set_upvalue */
    I_CALLCL,    /* PUSHARG closure; CALL call_closure (no arguments) */
    I_MKCL,      /* CALL create_closure (x = its function index, as
                    I_CALL_NATIVE): the common case without the native call */
    /* PUSHARG a [b [c]]; CALL f where f is a bytecode function with that
     * many parameters and no upvalues: one instruction; x = f's index. */
    I_CALLK,
    /* JMP to a fused CMP+jump: evaluates the head's compare in place
     * (x = head index), one dispatch less per loop iteration. */
    I_JMP_CMPJEQ, I_JMP_CMPJNEQ, I_JMP_CMPJLT, I_JMP_CMPJGT,
    /* ADD (clear destination) directly followed by such a back-jump: the
     * loop increment and the loop test in one dispatch; x = head index. */
    I_ADD_JMPEQ, I_ADD_JMPNEQ, I_ADD_JMPLT, I_ADD_JMPGT,
    /* LDI rK, <I64 constant> followed by an instruction reading rK as its
     * second operand: a = rK, x = constant (as the LDI), b = the other
     * operand, c = the ADD/SUB/MUL destination (a clear register).  The
     * compare forms take their jump target from the fused CMP at +1. */
    I_LDK_ADD, I_LDK_SUB, I_LDK_MUL,
    I_LDK_CMPJEQ, I_LDK_CMPJNEQ, I_LDK_CMPJLT, I_LDK_CMPJGT,
    /* ADD/SUB/MUL (clear destination) directly followed by ADD/SUB/MUL/DIV/
     * MOD that reads its result: the intermediate stays in a machine
     * register (both results are still stored).  Fields are the first
     * instruction's; the second is read from the next Ins, which stays in
     * place and runs alone when the pair's fast path does not apply. */
#define ALU_PAIR(A, B) I_##A##_##B,
    ALU_PAIRS
#undef ALU_PAIR
    I_COUNT
};

/* An internal instruction's fields by op:
 *   LD:     a dst, x = (uint32_t) offset
 *   LDI:    a dst, x constant (vm->consts index)
 *   jumps:  x target index (may be code_len: the I_END sentinel)
 *   CALL:   x name index (vm->names) for late binding
 *   I_CALL_*: x function index, c = name index
 *   I_CMP_J*: a, b compared; x target; the jump itself stays at the next
 *             index so hooks and errors still see one wire instruction each
 *   LDS/STS: a register, x slot
 * `Ins.b`/`c` are sources for ALU ops; every Ins keeps `base` = the plain
 * handler to run when hooks are on (fused ops run unfused then). */

typedef struct {
    StString *name;
    int32_t index;
} FnSlot;

typedef struct {
    StString *receiver;   /* e.g. "Share" */
    StString *method;     /* e.g. "add" */
    StString *full;       /* "Share.add" */
} MethodEntry;

typedef struct Hook {
    int id;
    int32_t priority;
    bool enabled;
    HookPredicate pred;
    HookCallback cb;
    void *ud;
} Hook;

struct VM {
    Heap heap;
    VmConfig cfg;

    /* function table */
    VmFunction **funcs;
    uint32_t nfuncs, funcs_cap;
    FnSlot *fn_map;              /* open addressing, size fn_map_mask + 1 */
    uint32_t fn_map_mask, fn_map_count;
    MethodEntry *methods;
    uint32_t nmethods, methods_cap;

    /* constants of loaded programs and names used by late-bound calls */
    Value *consts;
    uint32_t nconsts, consts_cap;
    StString **names;
    uint32_t nnames, names_cap;
    FnSlot *names_map;           /* names by content (index into names) */
    uint32_t names_map_mask;

    /* register stack, frames, argument stack */
    Value *stack;
    uint32_t stack_top, stack_cap;
    Frame *frames;
    uint32_t nframes, frames_cap;
    Value *args;
    uint32_t nargs, args_cap;

    /* values kept alive for the embedder */
    Value last_result;
    Value *pins;
    uint32_t npins, pins_cap;

    VmError err;
    uint32_t max_depth;
    uint64_t budget_left;        /* valid while budget_on */
    bool budget_on;

    Hook *hooks;
    uint32_t nhooks, hooks_cap;
    int next_hook_id;
    uint32_t hooks_enabled;
    bool in_hook;                /* no recursive events from hook callbacks */

    FILE *trace;
    bool trace_instr, trace_regs, trace_stack;

    int32_t closure_hint;        /* function index last resolved for a closure */
    StString *closure_hint_name; /* the name it was resolved from (a GC root,
                                    so pointer equality is a safe test) */

    struct MpcEngine *mpc;       /* NULL: no MPC (share ops report it) */
    struct MpcVmState *mpcs;     /* pending multiplications (mpc_vm.c) */

    struct ProcSys *procs;       /* processes (process.c); NULL until used */
    uint32_t run_nest;           /* nested interpreter loops inside natives:
                                    a process cannot block or yield there */
    int32_t reds_left;           /* reductions left in the running process's
                                    slice (interp.c keeps it in a local) */
    Value raised;                /* Error.raise's value until a pcall takes it */
    bool raised_set;
};

/* vm.c */
int vm_grow_stack(VM *vm, uint32_t need);      /* re-bases frame regs */
int vm_push_frame(VM *vm, VmFunction *fn, const Value *args, uint32_t argc,
                  StClosure *closure);
int vm_intern_name(VM *vm, const char *s, size_t len, uint32_t *out);
int vm_add_const(VM *vm, Value v, uint32_t *out);
int vm_add_function(VM *vm, VmFunction *fn);
void vm_free_function(VM *vm, VmFunction *fn);
void vm_pop_frame_internal(VM *vm);
/* Whether the interpreter must run its checked mode (hooks, budget, trace). */
static inline bool vm_checked_mode(const VM *vm)
{
    return (vm->hooks_enabled && !vm->in_hook) || vm->budget_on || (vm->trace && vm->trace_instr);
}
/* Resolve a CALL target by name with method dispatch (§4.12); -1 + error. */
int32_t vm_resolve_call(VM *vm, StString *name, const Value *args, uint32_t argc);
/* Write a value into a secret-bank register: shares it through the MPC
 * engine (none yet), Unit and Share values are stored as they are. */
int vm_store_secret(VM *vm, Value *slot, uint32_t reg, Value v);

/* interp.c */
int vm_run(VM *vm, uint32_t stop_depth, Value *result);
/* Call a native, wrapping its error "Foreign function NAME failed: ..." */
int vm_call_native(VM *vm, VmFunction *fn, const Value *args, uint32_t argc, Value *out);

/* arith.c: the general (all-type) operations; ST_OK or ST_ERR. */
int arith_binary(VM *vm, int op, Value a, Value b, Value *out);
int arith_not(VM *vm, Value a, Value *out);
int arith_compare(VM *vm, Value a, Value b, int32_t *flag);

/* mpc_vm.c: shares inside the VM (all need vm->mpc). */
int mpcvm_binary(VM *vm, int op, Value a, Value b, Value *out);
int mpcvm_not(VM *vm, Value a, Value *out);
int mpcvm_share_clear(VM *vm, Value v, uint32_t reg, Value *out);   /* clear -> secret bank */
int mpcvm_reveal(VM *vm, Value share, Value *out);                   /* secret -> clear */
/* Clear value of an opened field element, by the share's type. */
int mpcvm_decode(VM *vm, const struct StShare *type, const Fe *x, Value *out);
/* Open several shares in one round (Share.batch_open). */
int mpcvm_open_many(VM *vm, struct StShare **shares, size_t n, Value *out);
int mpcvm_flush(VM *vm);            /* run pending multiplications now */
void mpcvm_discard(VM *vm);         /* drop pending work after an error */
void mpcvm_mark(VM *vm);            /* GC: mark pending shares */
void mpcvm_free(VM *vm);
/* Share value of a raw Share or a share object; false if neither. */
bool mpcvm_unwrap(VM *vm, Value v, struct StShare **out);
int mpc_builtins_register(VM *vm);  /* real Share.* etc., on attach */

/* closures.c */
int closures_register(VM *vm);
/* create_closure(args[0..argc-1]) without hooks when it succeeds; false
 * (nothing reachable allocated) where the builtin would report an error. */
bool closures_try_make(VM *vm, const Value *args, uint32_t argc, Value *result);

/* translate.c */
int translate_program(VM *vm, const StfProgram *prog);

#endif
