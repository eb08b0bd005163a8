/* ast.h: the StoffelLang syntax tree.  All nodes live in one Arena and are
 * freed together. */
#ifndef STOFFEL_LANG_AST_H
#define STOFFEL_LANG_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ArenaBlock ArenaBlock;
typedef struct {
    ArenaBlock *head;
} Arena;

void *arena_alloc(Arena *a, size_t n); /* zeroed; NULL on OOM */
char *arena_strdup(Arena *a, const char *s, size_t n);
void arena_free(Arena *a);

/* A type as written in the source. */
typedef struct TypeExpr {
    const char *name;       /* "int64", "list", "Order", ... */
    struct TypeExpr **args; /* list[T], dict[K,V] */
    int nargs;
    bool secret;
    int line, col;
} TypeExpr;

typedef enum {
    E_INT,
    E_FLOAT,
    E_STR,
    E_BOOL,
    E_NONE,
    E_NAME,
    E_BIN,
    E_UN,
    E_CALL,
    E_INDEX,
    E_SLICE,
    E_ATTR,
    E_LIST,
    E_DICT,
    E_COMP,
    E_FSTR,
    E_RANGE
} ExprKind;

struct Type;

typedef struct Expr {
    uint8_t kind; /* ExprKind */
    int op;       /* E_BIN / E_UN: token kind */
    int line, col;
    uint64_t ival;        /* E_INT (magnitude), E_BOOL */
    uint8_t suffix, bits; /* E_INT width suffix ('i'/'u', bits) */
    double fval;
    const char *str; /* E_STR text, E_NAME / E_ATTR name */
    size_t slen;
    struct Expr *a, *b, *c, *d; /* operands; E_CALL: a = callee; E_COMP: a=elem, b=iter, c=cond */
    struct Expr **items;        /* E_CALL args, E_LIST items, E_DICT keys, E_FSTR parts */
    struct Expr **vals;         /* E_DICT values */
    const char **names;         /* E_CALL: argument names (NULL = positional) */
    int nitems;
    const char *var;   /* E_COMP loop variable */
    struct Type *type; /* filled by the checker */
    void *info;        /* E_CALL: resolved callee (checker's CallInfo) */
} Expr;

typedef enum {
    S_VAR,
    S_ASSIGN,
    S_EXPR,
    S_IF,
    S_WHILE,
    S_FOR,
    S_BREAK,
    S_CONTINUE,
    S_PASS,
    S_RETURN,
    S_ASSERT,
    S_MATCH,
    S_DISCARD
} StmtKind;

typedef struct Stmt Stmt;
typedef struct {
    Stmt **v;
    int n;
} Block;

typedef struct {
    Expr *pattern; /* NULL = `case _` */
    Block body;
} MatchCase;

struct Stmt {
    uint8_t kind;
    int line, col;
    const char *name;     /* S_VAR, S_FOR variable */
    TypeExpr *type;       /* S_VAR */
    int op;               /* S_ASSIGN: TK_ASSIGN or compound token */
    Expr *target, *value; /* S_ASSIGN target/value; S_VAR value; S_EXPR/S_RETURN value;
                                     S_IF/S_WHILE: value = condition; S_FOR: value = iterable
                                     (an E_RANGE for a..b); S_ASSERT value, target = message */
    Block body, orelse;   /* S_IF/S_WHILE/S_FOR */
    MatchCase *cases;     /* S_MATCH */
    int ncases;
};

typedef struct {
    const char *name;
    TypeExpr *type; /* NULL = untyped */
    Expr *def;      /* literal default or NULL */
    bool vararg;
    int line, col;
} Param;

typedef struct {
    const char *name;
    const char **tparams; /* generic type parameters */
    int ntparams;
    Param *params;
    int nparams;
    TypeExpr *ret; /* NULL = None / inferred */
    bool has_ret;
    Block body;
    int line, col;
    const char *module; /* NULL for the main file */
    bool builtin;       /* {.builtin.} declaration: the VM provides it */
} FuncDecl;

typedef struct {
    const char *name;
    TypeExpr *type;
} Field;

typedef struct {
    const char *name, *base;
    Field *fields;
    int nfields;
    int line, col;
} ObjectDecl;

typedef struct {
    const char *name;
    const char **members;
    int64_t *values;
    int nmembers;
    int line, col;
} EnumDecl;

typedef struct {
    const char *name;
    TypeExpr *type;
    int line, col;
} AliasDecl;

typedef struct {
    const char *path;  /* "a.b" or a quoted relative path */
    const char *alias; /* last component or `as` name */
    bool quoted;
    int line, col;
} ImportDecl;

typedef struct {
    FuncDecl **funcs;
    int nfuncs;
    ObjectDecl **objects;
    int nobjects;
    EnumDecl **enums;
    int nenums;
    AliasDecl **aliases;
    int naliases;
    ImportDecl **imports;
    int nimports;
    Block top; /* top-level statements (script mode) */
} Module;

#endif
