/* vm_internal.h: the VM's state, shared by the files of the vm module only
 * (vm.c, translate.c, interp.c, arith.c, closures.c, hooks.c).  Other
 * modules use vm.h. */
#ifndef STOFFEL_VM_INTERNAL_H
#define STOFFEL_VM_INTERNAL_H

#include "mpc/engine.h" /* the VM reaches MPC only through the engine */
#include "vm.h"

#define SECRET_REGISTER_START 16

/* Internal opcodes: the STF_OP_COUNT wire opcodes with their general
 * handlers, then the translator's products listed in ops_internal.def. */
enum {
    I_BEFORE_FIRST_ = STF_OP_COUNT - 1,
#define INS(name, span) I_##name,
#include "ops_internal.def"
#undef INS
    I_COUNT
};
_Static_assert(I_COUNT <= 256, "Ins.op is one byte");

/* The span of each internal op (see ops_internal.def): I_SPAN(I_GETF). */
enum {
#define INS(name, span) I_##name##_SPAN_ = span,
#include "ops_internal.def"
#undef INS
};
#define I_SPAN(op) op##_SPAN_

/* The families the translator numbers by arithmetic, checked here.  The
 * compare families follow I_CMP_JMPEQ's order (the translator maps
 * I_CMP_JMPxx to another family's xx by offset); the ALU pairs follow the
 * clear-bank ALU forms. */
#define I_SAME_COND_ORDER(F)                                                                                     \
    _Static_assert(F##NEQ - F##EQ == I_CMP_JMPNEQ - I_CMP_JMPEQ && F##LT - F##EQ == I_CMP_JMPLT - I_CMP_JMPEQ && \
                       F##GT - F##EQ == I_CMP_JMPGT - I_CMP_JMPEQ,                                               \
                   #F " follows the CMP_JMP order")
_Static_assert(I_CMP_JMPNEQ == I_CMP_JMPEQ + 1 && I_CMP_JMPLT == I_CMP_JMPEQ + 2 && I_CMP_JMPGT == I_CMP_JMPEQ + 3,
               "the CMP_JMP family is contiguous");
I_SAME_COND_ORDER(I_JMP_CMPJ);
I_SAME_COND_ORDER(I_ADD_JMP);
I_SAME_COND_ORDER(I_LDK_CMPJ);
_Static_assert(I_SUB_C == I_ADD_C + 1 && I_MUL_C == I_ADD_C + 2 && I_DIV_C == I_ADD_C + 3 && I_MOD_C == I_ADD_C + 4,
               "the clear-bank ALU forms are contiguous");
_Static_assert(I_LDK_SUB == I_LDK_ADD + 1 && I_LDK_MUL == I_LDK_ADD + 2, "LDK_ADD, LDK_SUB, LDK_MUL in order");
/* The pair of clear-bank ALU forms `first` (ADD_C..MUL_C) and `second`
 * (ADD_C..MOD_C). */
#define I_ALU_PAIR_OF(first, second) (I_ADD_ADD + ((first)-I_ADD_C) * 5 + ((second)-I_ADD_C))
#define ALU_PAIR(A, B) \
    _Static_assert(I_##A##_##B == I_ALU_PAIR_OF(I_##A##_C, I_##B##_C), "ALU pair " #A "_" #B " in order");
#define INS(name, span)
#include "ops_internal.def"
#undef INS
#undef ALU_PAIR

/* The name of an internal opcode ("ADD", "I_GETF"); "?" if out of range. */
const char *vm_op_name(unsigned op);

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
    StString *receiver; /* e.g. "Share" */
    StString *method;   /* e.g. "add" */
    StString *full;     /* "Share.add" */
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
    FnSlot *fn_map; /* open addressing, size fn_map_mask + 1 */
    uint32_t fn_map_mask, fn_map_count;
    MethodEntry *methods;
    uint32_t nmethods, methods_cap;

    /* constants of loaded programs and names used by late-bound calls */
    Value *consts;
    uint32_t nconsts, consts_cap;
    StString **names;
    uint32_t nnames, names_cap;
    FnSlot *names_map; /* names by content (index into names) */
    uint32_t names_map_mask;

    /* register stack, frames, argument stack */
    Value *stack;
    uint32_t stack_top, stack_cap;
    Frame *frames;
    uint32_t nframes, frames_cap;
    Value *args;
    uint32_t nargs, args_cap;
    uint32_t host_calls; /* vm_execute calls in progress (nested from natives) */

    /* values kept alive for the embedder */
    Value last_result;
    Value *pins;
    uint32_t npins, pins_cap;

    VmError err;
    uint32_t max_depth;
    uint64_t budget_left; /* valid while budget_on */
    bool budget_on;

    Hook *hooks;
    uint32_t nhooks, hooks_cap;
    int next_hook_id;
    uint32_t hooks_enabled;
    bool in_hook; /* no recursive events from hook callbacks */

    FILE *trace;
    bool trace_instr, trace_regs, trace_stack;
    int trace_hook_id; /* the hook printing register / stack traces, 0 = none */

    int32_t closure_hint;        /* function index last resolved for a closure */
    StString *closure_hint_name; /* the name it was resolved from (a GC root,
                                    so pointer equality is a safe test) */

    struct MpcEngine *mpc;   /* NULL: no MPC (share ops report it) */
    struct MpcVmState *mpcs; /* pending multiplications (mpc_vm.c) */
    /* Client inputs the loaded program's manifest declares (vm_load_program):
     * ClientStore.take_share types the SecretUInt ones (tag 2) so, as
     * upstream, and gives every one its declared width as bound (the range
     * check holds it to that, docs/mpc.md "Share bounds"). */
    struct {
        uint32_t client, index, bits;
        uint8_t tag; /* StfShareType.tag */
    } * uint_inputs;
    uint32_t n_uint_inputs;

    struct ProcSys *procs; /* processes (process.c); NULL until used */
    uint32_t run_nest;     /* nested interpreter loops inside natives:
                                    a process cannot block or yield there */
    int32_t reds_left;     /* reductions left in the running process's
                                    slice (interp.c keeps it in a local) */
    Value raised;          /* Error.raise's value until a pcall takes it */
    bool raised_set;
};

/* vm.c */
/* The VM's own buffers (translation tables, pending MPC work) through the
 * configured allocator, zeroed; not counted as heap.  Free with the size
 * allocated. */
void *vm_mem_alloc(VM *vm, size_t size);
void vm_mem_free(VM *vm, void *p, size_t size);
int vm_grow_stack(VM *vm, uint32_t need); /* re-bases frame regs */
int vm_push_frame(VM *vm, VmFunction *fn, const Value *args, uint32_t argc, StClosure *closure);
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
/* Write a value into a secret-bank register: Unit and Share values (and
 * share objects) are stored as they are, a clear value is secret-shared
 * through the MPC engine (an error without one). */
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
int mpcvm_share_clear(VM *vm, Value v, uint32_t reg, Value *out); /* clear -> secret bank */
int mpcvm_reveal(VM *vm, Value share, Value *out);                /* secret -> clear */
/* Clear value of an opened field element, by the share's type. */
int mpcvm_decode(VM *vm, const struct StShare *type, const Fe *x, Value *out);
/* Open several shares in one round (Share.batch_open). */
int mpcvm_open_many(VM *vm, struct StShare **shares, size_t n, Value *out);
int mpcvm_flush(VM *vm);    /* run pending multiplications now */
void mpcvm_discard(VM *vm); /* drop pending work after an error */
void mpcvm_mark(VM *vm);    /* GC: mark pending shares */
void mpcvm_free(VM *vm);
/* Share value of a raw Share or a share object; false if neither. */
bool mpcvm_unwrap(VM *vm, Value v, struct StShare **out);
/* True for a share object carrying Feldman commitments (an AVSS sharing):
 * a secret register keeps it whole, so the commitments travel with the
 * share as in upstream's share data. */
bool mpcvm_has_commitments(VM *vm, Value v);
int mpc_builtins_register(VM *vm);         /* real Share.* etc., on attach */
int rbc_builtins_register(VM *vm);         /* Rbc.* (rbc_builtins.c), from mpc_builtins_register */
int mpc_open_exp_register(VM *vm);         /* Share.open_exp[_custom] (mpc_open_exp.c) */
int mpc_compare_builtins_register(VM *vm); /* Share.lt etc. (mpc_compare_builtins.c) */
/* Floor quotient or remainder of an integer share (field element x) by a clear integer d. */
int mpcvm_div_public(VM *vm, const struct StShare *s, const Fe *x, Value d, bool want_mod, Value *out);
/* Fixed-point a / b of two fixed-point shares (Newton's iteration, mpc/fixed_ops.c). */
int mpcvm_fixed_div(VM *vm, const struct StShare *a, const struct StShare *b, Value *out);
/* Brings those of the n values x (shares of `kind`, `width` bits) whose
 * public bound[i] exceeds width into width bits, in one batched wrap, and
 * sets their bound[i] to width (docs/mpc.md "Share bounds"); fn names the
 * operation in errors.  Before every masked opening. */
int mpcvm_fit(VM *vm, const char *fn, uint8_t kind, unsigned width, Fe *x, unsigned *bound, size_t n);
/* Tests only: with on == 0 mpcvm_fit wraps nothing, as before issue 20,
 * so that a test can mount the attacks the bounds stop. */
void mpcvm_test_bounds(int on);
/* The bound of a public value x (a clear value made a share): its own size. */
unsigned mpcvm_clear_bound(VM *vm, const Fe *x);

/* closures.c */
int closures_register(VM *vm);
/* create_closure(args[0..argc-1]) without hooks when it succeeds; false
 * (nothing reachable allocated) where the builtin would report an error. */
bool closures_try_make(VM *vm, const Value *args, uint32_t argc, Value *result);

/* translate.c */
int translate_program(VM *vm, const StfProgram *prog);

#endif
