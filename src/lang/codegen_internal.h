/* codegen_internal.h: state and helpers shared by the code generator's
 * files (not an interface outside src/lang/codegen*.c):
 *   codegen_emit.c  instructions, labels, constants, register banks, scopes
 *   codegen_expr.c  expressions and conditional branches
 *   codegen_call.c  calls: user functions, constructors, builtins
 *   codegen_stmt.c  statements and loops
 *   codegen.c       functions, the main wrapper, the whole program */
#ifndef STOFFEL_LANG_CODEGEN_INTERNAL_H
#define STOFFEL_LANG_CODEGEN_INTERNAL_H

#include <limits.h>

#include "codegen.h"

#define NHOME 12 /* clear homes r1..r12 */
#define SCR0 13  /* spill scratch r13..r15 */
#define SEC0 16
#define NODST INT_MIN
#define DISCARD (INT_MIN + 1) /* the caller drops the value */
#define R0OK (INT_MIN + 2)    /* a call result may stay in r0: used before any other call */
#define ERR(G, e, ...) diag_error((G)->C->d, (e)->line, (e)->col, __VA_ARGS__)

typedef struct {
    int loc;   /* >= 0 register, < 0 spill slot -(loc+1) */
    bool temp; /* owned by the expression: release after use */
    Type *t;
} Val;

typedef struct {
    int brk, cont;
} Loop;

typedef struct {
    Compiler *C;
    StfFunction *fn;
    StfInstr *code;
    uint32_t ncode, capcode;
    uint32_t *label_at;
    int nlabels, caplabels;
    int nclear, maxclear, nsec, maxsec;
    Loop loops[256];
    int nloops;
    int line;      /* current source line for the line table */
    Type *ret;     /* return type of the function */
    Type *want;    /* type the current call's result is stored as */
    int ceiling;   /* clear indices below it are registers */
    int loopdepth; /* > 0 inside a loop body */
    struct {
        uint32_t k;
        int reg;
    } hoist[4]; /* loop constants loaded once at entry */
    int nhoist;
} G;

/* A scope's extent: variables and temporaries to drop when it ends. */
typedef struct {
    int nvars, nclear, nsec;
} Mark;

/* A loop body: a statement block or a comprehension element. */
typedef void (*BodyFn)(G *g, void *ud);

static inline bool is_secret_loc(int loc) { return loc >= SEC0; }

/* Clear index idx: a home register below the ceiling (r1..), else a spill
 * slot.  The ceiling starts at NHOME and drops when a loop constant takes
 * a register above every index used so far (see cg_hoisted()). */
static inline int clear_loc_c(int ceiling, int idx) { return idx < ceiling ? 1 + idx : -(idx - ceiling) - 1; }

static inline bool bank_secret(const Type *t) { return ty_is_secret(t); }

static inline uint32_t wr_reg(int loc) { return loc >= 0 ? (uint32_t)loc : SCR0 + 2; }

/* codegen_emit.c */
StfInstr *cg_emit(G *g, int op, uint32_t a, uint32_t b, uint32_t c);
int cg_new_label(G *g);
void cg_place(G *g, int l);
void cg_jump(G *g, int op, int l);
uint32_t cg_k_int(G *g, const Type *t, int64_t v);
uint32_t cg_k_float(G *g, double d);
uint32_t cg_k_bool(G *g, bool b);
uint32_t cg_k_str(G *g, const char *s, size_t n);
uint32_t cg_k_unit(G *g);
int cg_alloc_clear(G *g);
int cg_alloc_for(G *g, const Type *t);
void cg_release(G *g, Val v);
uint32_t cg_rd(G *g, int loc, int scratch);
void cg_wr_done(G *g, int loc);
void cg_mov(G *g, int dst, int src);
void cg_ldi(G *g, int dst, uint32_t k);
int cg_dest(G *g, int hint, const Type *t, bool *temp);
void cg_declare(G *g, const char *name, Type *t, int loc);
Mark cg_mark(G *g);
void cg_unwind(G *g, Mark m);
Val cg_coerce(G *g, Val v, Type *want);
StfInstr *cg_call(G *g, const char *name);
void cg_call_create_array(G *g, int64_t capacity);
Val cg_result(G *g, Type *t, int hint);
void cg_call2(G *g, Val a, Val b, const char *fn);
void cg_store_index(G *g, Val obj, Val key, Val v);

/* codegen_expr.c */
Val cg_gen(G *g, Expr *e, Type *want, int hint);
void cg_branch(G *g, Expr *e, bool when, int label);
int cg_hoisted(G *g, uint32_t k);

/* codegen_call.c */
Val cg_gen_call(G *g, Expr *e, int hint);

/* codegen_stmt.c */
void cg_gen_loop(G *g, const char *var, Expr *iter, BodyFn body, void *ud, bool is_stmt);
void cg_gen_block(G *g, const Block *b);

#endif
