/* compiler.h: state shared by the checker (check.c) and the code
 * generator (codegen.c).  Not a public interface: see lang.h. */
#ifndef STOFFEL_LANG_COMPILER_H
#define STOFFEL_LANG_COMPILER_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "bytecode/program.h"

typedef enum {
    T_ANY,
    T_NONE,
    T_INT,
    T_FLOAT,
    T_FIX,
    T_BOOL,
    T_STR,
    T_LIST,
    T_DICT,
    T_OBJ,
    T_SHARE,
    T_CLOSURE,
    T_OPAQUE
} TKind;

typedef struct Type {
    uint8_t k; /* TKind */
    bool secret;
    bool sign;    /* T_INT */
    bool lit;     /* untyped literal: adopts the other operand's type */
    uint8_t bits; /* T_INT width; T_FIX 32/64 */
    struct Type *elem, *key;
    const char *name; /* T_OBJ / T_OPAQUE name */
} Type;

typedef struct {
    const char *name; /* as called: "add" or "utils.add" */
    const char *emit; /* function name in the binary */
    FuncDecl *decl;
    Type **ptypes; /* resolved parameter types (type variables -> any) */
    Type *ret;
    bool generic;
    int module; /* index in Compiler.modules */
} FuncSig;

typedef struct {
    ObjectDecl *decl;
    const char **fields; /* own and inherited */
    Type **ftypes;
    int nfields;
} ObjInfo;

typedef enum { CALL_USER, CALL_BUILTIN, CALL_CTOR, CALL_REVEAL, CALL_CAST } CallKind;

typedef struct {
    uint8_t kind;   /* CallKind */
    FuncSig *fn;    /* CALL_USER */
    const char *vm; /* CALL_BUILTIN: VM function name */
    ObjInfo *obj;   /* CALL_CTOR */
    Expr **args;    /* final positional arguments (receiver first for UFCS) */
    int nargs;
    Type *cast; /* CALL_CAST target */
} CallInfo;

typedef struct {
    const char *name;
    Type *type;
    int loc; /* codegen location (see codegen.c) */
} Var;

typedef struct {
    const char *alias;
    const char *path; /* file it came from */
    const char *file; /* name in messages */
    const char *src;  /* its text, for quoting in messages */
    size_t len;
    Module *mod; /* NULL: another alias of modules[target] */
    int target;
} ModInfo;

typedef struct Compiler {
    Diag *d;
    Arena *A;
    ModInfo *modules;
    int nmodules; /* modules[0] is the main file */
    FuncSig *funcs;
    int nfuncs;
    ObjInfo *objs;
    int nobjs;
    int cur_module;
    /* scope (codegen owns it; the checker looks names up) */
    Var *vars;
    int nvars, capvars;
    const char **tvars;
    int ntvars;   /* type parameters of the current function */
    FuncSig *cur; /* function being compiled */
    /* manifest */
    StfProgram *prog;
    int opt_level;
    void *cg;                       /* codegen state of the function being built */
    const char *const *main_inputs; /* "name=value" for main's parameters */
    size_t n_main_inputs;
    bool open_result; /* open a secret result of main */
    char *client0;    /* secret main inputs for client 0, ':'-joined */
    int alias_depth;  /* type aliases being resolved (cycle guard) */
} Compiler;

/* check.c */
Type *ty_new(Compiler *C, int k);
Type *ty_int(Compiler *C, bool sign, int bits);
Type *ty_basic(int k); /* shared clear ANY/NONE/BOOL/STR/FLOAT */
Type *ty_secret(Compiler *C, Type *t);
Type *ty_clear(Compiler *C, Type *t);
bool ty_is_secret(const Type *t);
const char *ty_str(const Type *t, char *buf, size_t n);
Type *ck_resolve(Compiler *C, TypeExpr *te);
Type *ck_expr(Compiler *C, Expr *e);
CallInfo *ck_call(Compiler *C, Expr *e);
/* Check that a value of type `v` (from expression e) may be stored where
 * type `want` is declared; `what` names the place for messages. */
void ck_assignable(Compiler *C, Type *want, Type *v, Expr *e, const char *what);
void ck_condition(Compiler *C, Expr *cond, const char *what);
bool ck_block_returns(const Block *b);
FuncSig *ck_find_func(Compiler *C, const char *name);
ObjInfo *ck_find_obj(Compiler *C, const char *name);
bool ck_enum_member(Compiler *C, const char *en, const char *member, int64_t *out);
void ck_declare(Compiler *C); /* collect signatures of all modules */
bool ck_is_builtin_object(const char *name);
Var *cg_lookup(Compiler *C, const char *name);

#endif
