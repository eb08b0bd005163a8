/* parser.c: StoffelLang syntax (spec/stoffellang.md §1.1-1.2). */
#include "parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    Diag *d;
    Arena *A;
    const Token *t;
    size_t n, i;
    int depth; /* expression nesting, bounded so no input exhausts the stack */
} P;

#define MAX_EXPR_DEPTH 400

#define PEEK(p) ((p)->t[(p)->i].kind)
#define TOK(p) (&(p)->t[(p)->i])

static void *alloc(P *p, size_t n)
{
    void *x = arena_alloc(p->A, n);
    if (!x) diag_error(p->d, TOK(p)->line, TOK(p)->col, "out of memory");
    return x;
}

static const char *dup(P *p, const char *s) { return arena_strdup(p->A, s, strlen(s)); }

#if defined(__GNUC__)
__attribute__((noreturn))
#endif
static void
err_at(P *p, const Token *t, const char *msg)
{
    diag_error(p->d, t->line, t->col, "%s", msg);
}

static const Token *next(P *p)
{
    const Token *t = TOK(p);
    if (p->i + 1 < p->n) p->i++;
    return t;
}

static bool accept(P *p, int kind)
{
    if (PEEK(p) != kind) return false;
    next(p);
    return true;
}

static const Token *expect(P *p, int kind, const char *what)
{
    const Token *t = TOK(p);
    if (t->kind != kind) {
        char buf[200];
        snprintf(buf, sizeof buf, "expected %s %s, found %s", tok_name(kind), what, tok_name(t->kind));
        err_at(p, t, buf);
    }
    return next(p);
}

static const char *ident(P *p, const char *what)
{
    const Token *t = TOK(p);
    if (t->kind == TK_MAIN) {
        next(p);
        return "main";
    }
    if (t->kind != TK_IDENT) {
        char buf[200];
        snprintf(buf, sizeof buf, "expected a name %s, found %s", what, tok_name(t->kind));
        err_at(p, t, buf);
    }
    next(p);
    return dup(p, t->str);
}

/* growable pointer arrays in the arena: simple doubling copy */
typedef struct {
    void **v;
    int n, cap;
} Vec;
static void vpush(P *p, Vec *v, void *x)
{
    if (v->n == v->cap) {
        int nc = v->cap ? v->cap * 2 : 4;
        void **nv = alloc(p, (size_t)nc * sizeof *nv);
        if (v->n) memcpy(nv, v->v, (size_t)v->n * sizeof *nv);
        v->v = nv;
        v->cap = nc;
    }
    v->v[v->n++] = x;
}

static Expr *mk(P *p, int kind, const Token *t)
{
    Expr *e = alloc(p, sizeof *e);
    e->kind = (uint8_t)kind;
    e->line = t->line;
    e->col = t->col;
    return e;
}

/* ---- types ---- */

static TypeExpr *parse_type_in(P *p);

static TypeExpr *parse_type(P *p)
{
    if (++p->depth > MAX_EXPR_DEPTH) err_at(p, TOK(p), "type nested too deeply");
    TypeExpr *t = parse_type_in(p);
    p->depth--;
    return t;
}

static TypeExpr *parse_type_in(P *p)
{
    const Token *t = TOK(p);
    TypeExpr *ty = alloc(p, sizeof *ty);
    ty->line = t->line;
    ty->col = t->col;
    if (accept(p, TK_SECRET)) {
        TypeExpr *inner = parse_type(p);
        inner->secret = true;
        return inner;
    }
    if (accept(p, TK_NONE)) {
        ty->name = "None";
        return ty;
    }
    if (PEEK(p) == TK_LPAREN) err_at(p, t, "tuple types are not supported: return a list or an object instead");
    ty->name = ident(p, "for a type");
    if (accept(p, TK_DOT)) { /* module.Type */
        const char *rest = ident(p, "after '.' in a type");
        size_t n = strlen(ty->name) + strlen(rest) + 2;
        char *s = alloc(p, n);
        snprintf(s, n, "%s.%s", ty->name, rest);
        ty->name = s;
    }
    if (accept(p, TK_LBRACK)) {
        Vec v = { 0 };
        do {
            vpush(p, &v, parse_type(p));
        } while (accept(p, TK_COMMA));
        expect(p, TK_RBRACK, "to close the type arguments");
        ty->args = (TypeExpr **)v.v;
        ty->nargs = v.n;
    }
    return ty;
}

/* ---- expressions ---- */

static Expr *parse_expr(P *p);
static Expr *parse_unary(P *p);

static Expr *parse_fstring(P *p, const Token *t)
{
    /* Split f"a {x.y} b" into string parts and name/attribute holes. */
    Expr *e = mk(p, E_FSTR, t);
    Vec parts = { 0 };
    const char *s = t->str;
    size_t n = (size_t)t->ival, i = 0;
    char *lit = alloc(p, n + 1);
    size_t ln = 0;
    while (i < n) {
        if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '{' || s[i + 1] == '}')) {
            lit[ln++] = s[i + 1];
            i += 2;
            continue;
        }
        if (s[i] == '{') {
            if (ln) {
                Expr *le = mk(p, E_STR, t);
                le->str = arena_strdup(p->A, lit, ln);
                le->slen = ln;
                vpush(p, &parts, le);
                lit = alloc(p, n + 1);
                ln = 0;
            }
            size_t j = i + 1;
            while (j < n && s[j] != '}') j++;
            if (j >= n) err_at(p, t, "unterminated '{' in f-string");
            /* identifier(.identifier)* */
            Expr *hole = NULL;
            size_t k = i + 1;
            while (k < j && s[k] == ' ') k++;
            while (k < j) {
                size_t st = k;
                while (k < j && (s[k] == '_' || ((s[k] | 32) >= 'a' && (s[k] | 32) <= 'z') ||
                                 (s[k] >= '0' && s[k] <= '9') || (unsigned char)s[k] >= 0x80))
                    k++;
                if (k == st)
                    err_at(p, t, "f-string holes may hold only a name or dotted fields, like {x} or {order.price}");
                const char *nm = arena_strdup(p->A, s + st, k - st);
                if (!hole) {
                    hole = mk(p, E_NAME, t);
                    hole->str = nm;
                } else {
                    Expr *a = mk(p, E_ATTR, t);
                    a->a = hole;
                    a->str = nm;
                    hole = a;
                }
                while (k < j && s[k] == ' ') k++;
                if (k < j) {
                    if (s[k] != '.')
                        err_at(p, t, "f-string holes may hold only a name or dotted fields, like {x} or {order.price}");
                    k++;
                }
            }
            if (!hole) err_at(p, t, "empty '{}' in f-string");
            vpush(p, &parts, hole);
            i = j + 1;
            continue;
        }
        lit[ln++] = s[i++];
    }
    if (ln || parts.n == 0) {
        Expr *le = mk(p, E_STR, t);
        le->str = arena_strdup(p->A, lit, ln);
        le->slen = ln;
        vpush(p, &parts, le);
    }
    e->items = (Expr **)parts.v;
    e->nitems = parts.n;
    return e;
}

static Expr *parse_call_args(P *p, Expr *callee, const Token *t)
{
    Expr *e = mk(p, E_CALL, t);
    e->a = callee;
    Vec args = { 0 }, names = { 0 };
    bool any_named = false;
    if (PEEK(p) != TK_RPAREN) {
        do {
            if (PEEK(p) == TK_RPAREN) break;
            const char *name = NULL;
            if ((PEEK(p) == TK_IDENT) && p->t[p->i + 1].kind == TK_COLON) {
                name = dup(p, TOK(p)->str);
                next(p);
                next(p);
                any_named = true;
            } else if (PEEK(p) == TK_IDENT && p->t[p->i + 1].kind == TK_ASSIGN) {
                name = dup(p, TOK(p)->str);
                next(p);
                next(p);
                any_named = true;
            } else if (any_named) {
                err_at(p, TOK(p), "positional argument after a named argument");
            }
            vpush(p, &args, parse_expr(p));
            vpush(p, &names, (void *)name);
        } while (accept(p, TK_COMMA));
    }
    expect(p, TK_RPAREN, "to close the argument list");
    e->items = (Expr **)args.v;
    e->nitems = args.n;
    e->names = any_named ? (const char **)names.v : NULL;
    return e;
}

static Expr *parse_primary(P *p)
{
    const Token *t = TOK(p);
    Expr *e;
    switch (t->kind) {
    case TK_INT:
        next(p);
        if (t->overflow) err_at(p, t, "integer literal does not fit in 64 bits");
        e = mk(p, E_INT, t);
        e->ival = t->ival;
        e->suffix = t->suffix;
        e->bits = t->bits;
        return e;
    case TK_FLOAT:
        next(p);
        e = mk(p, E_FLOAT, t);
        e->fval = t->fval;
        return e;
    case TK_STRING:
        next(p);
        e = mk(p, E_STR, t);
        e->str = arena_strdup(p->A, t->str, (size_t)t->ival);
        e->slen = (size_t)t->ival;
        return e;
    case TK_FSTRING: next(p); return parse_fstring(p, t);
    case TK_TRUE:
    case TK_FALSE:
        next(p);
        e = mk(p, E_BOOL, t);
        e->ival = t->kind == TK_TRUE;
        return e;
    case TK_NONE: next(p); return mk(p, E_NONE, t);
    case TK_IDENT:
    case TK_MAIN:
        if (t->kind == TK_IDENT && strcmp(t->str, "lambda") == 0)
            err_at(p, t, "lambda is not supported: define a function with def and pass its name to create_closure");
        e = mk(p, E_NAME, t);
        e->str = ident(p, "");
        return e;
    case TK_LPAREN: {
        next(p);
        e = parse_expr(p);
        if (PEEK(p) == TK_COMMA) err_at(p, TOK(p), "tuples are not supported: use a list");
        expect(p, TK_RPAREN, "to close '('");
        return e;
    }
    case TK_LBRACK: {
        next(p);
        e = mk(p, E_LIST, t);
        Vec v = { 0 };
        if (PEEK(p) != TK_RBRACK) {
            Expr *first = parse_expr(p);
            if (PEEK(p) == TK_FOR) { /* [elem for x in it if cond] */
                next(p);
                e->kind = E_COMP;
                e->a = first;
                e->var = ident(p, "for the comprehension variable");
                expect(p, TK_IN, "in a comprehension");
                Expr *it = parse_expr(p);
                if (accept(p, TK_DOTDOT)) {
                    Expr *r = mk(p, E_RANGE, t);
                    r->a = it;
                    r->b = parse_expr(p);
                    it = r;
                }
                e->b = it;
                if (accept(p, TK_IF)) e->c = parse_expr(p);
                expect(p, TK_RBRACK, "to close the comprehension");
                return e;
            }
            vpush(p, &v, first);
            while (accept(p, TK_COMMA)) {
                if (PEEK(p) == TK_RBRACK) break;
                vpush(p, &v, parse_expr(p));
            }
        }
        expect(p, TK_RBRACK, "to close the list");
        e->items = (Expr **)v.v;
        e->nitems = v.n;
        return e;
    }
    case TK_LBRACE: {
        next(p);
        e = mk(p, E_DICT, t);
        Vec k = { 0 }, v = { 0 };
        while (PEEK(p) != TK_RBRACE) {
            vpush(p, &k, parse_expr(p));
            expect(p, TK_COLON, "between a dict key and its value");
            vpush(p, &v, parse_expr(p));
            if (!accept(p, TK_COMMA)) break;
        }
        expect(p, TK_RBRACE, "to close the dict");
        e->items = (Expr **)k.v;
        e->vals = (Expr **)v.v;
        e->nitems = k.n;
        return e;
    }
    default: {
        char buf[160];
        snprintf(buf, sizeof buf, "expected an expression, found %s", tok_name(t->kind));
        err_at(p, t, buf);
    }
    }
}

static Expr *parse_postfix(P *p)
{
    Expr *e = parse_primary(p);
    int chain = 0;
    for (;;) {
        const Token *t = TOK(p);
        if (++chain + p->depth > MAX_EXPR_DEPTH) err_at(p, t, "expression too long: split it into several statements");
        if (accept(p, TK_LPAREN)) {
            e = parse_call_args(p, e, t);
        } else if (accept(p, TK_DOT)) {
            Expr *a = mk(p, E_ATTR, t);
            a->a = e;
            if (PEEK(p) == TK_INT) { err_at(p, TOK(p), "tuple fields are not supported"); }
            a->str = ident(p, "after '.'");
            e = a;
        } else if (accept(p, TK_LBRACK)) {
            /* index or slice a[i], a[i:j], a[i:j:k], a[:j] ... */
            Expr *lo = NULL, *hi = NULL, *st = NULL;
            bool slice = false;
            if (PEEK(p) != TK_COLON) lo = parse_expr(p);
            if (accept(p, TK_COLON)) {
                slice = true;
                if (PEEK(p) != TK_COLON && PEEK(p) != TK_RBRACK) hi = parse_expr(p);
                if (accept(p, TK_COLON) && PEEK(p) != TK_RBRACK) st = parse_expr(p);
            }
            expect(p, TK_RBRACK, "to close the index");
            Expr *x = mk(p, slice ? E_SLICE : E_INDEX, t);
            x->a = e;
            x->b = lo;
            x->c = hi;
            x->d = st;
            e = x;
        } else {
            return e;
        }
    }
}

static Expr *parse_unary(P *p)
{
    const Token *t = TOK(p);
    if (p->depth > MAX_EXPR_DEPTH) err_at(p, t, "expression nested too deeply");
    if (t->kind == TK_MINUS || t->kind == TK_PLUS) {
        next(p);
        p->depth++;
        Expr *x = parse_unary(p);
        p->depth--;
        if (t->kind == TK_PLUS) return x;
        if (x->kind == E_INT && x->op == 0) {
            x->op = TK_MINUS;
            x->line = t->line;
            x->col = t->col;
            return x;
        }
        if (x->kind == E_FLOAT) {
            x->fval = -x->fval;
            return x;
        }
        Expr *e = mk(p, E_UN, t);
        e->op = TK_MINUS;
        e->a = x;
        return e;
    }
    return parse_postfix(p);
}

/* precedence: higher binds tighter */
static int binprec(int k)
{
    switch (k) {
    case TK_OR: return 1;
    case TK_XOR: return 2;
    case TK_AND: return 3;
    case TK_EQ:
    case TK_NE:
    case TK_LT:
    case TK_LE:
    case TK_GT:
    case TK_GE:
    case TK_IN: return 5;
    case TK_PIPE: return 6;
    case TK_CARET: return 7;
    case TK_AMP: return 8;
    case TK_SHL:
    case TK_SHR: return 9;
    case TK_PLUS:
    case TK_MINUS: return 10;
    case TK_STAR:
    case TK_SLASH:
    case TK_PERCENT:
    case TK_MOD: return 11;
    default: return 0;
    }
}

static Expr *parse_binary_in(P *p, int minprec);

static Expr *parse_binary(P *p, int minprec)
{
    if (++p->depth > MAX_EXPR_DEPTH) err_at(p, TOK(p), "expression nested too deeply");
    Expr *e = parse_binary_in(p, minprec);
    p->depth--;
    return e;
}

static Expr *parse_binary_in(P *p, int minprec)
{
    Expr *l;
    int chain = 0;
    const Token *t0 = TOK(p);
    if (t0->kind == TK_NOT && minprec <= 4) {
        next(p);
        Expr *e = mk(p, E_UN, t0);
        e->op = TK_NOT;
        e->a = parse_binary(p, 4);
        l = e;
    } else if (t0->kind == TK_NOT) {
        next(p);
        Expr *e = mk(p, E_UN, t0);
        e->op = TK_NOT;
        e->a = parse_binary(p, minprec);
        l = e;
    } else {
        l = parse_unary(p);
    }
    for (;;) {
        const Token *t = TOK(p);
        int k = t->kind;
        bool notin = false;
        if (k == TK_NOT && p->t[p->i + 1].kind == TK_IN) {
            notin = true;
            k = TK_IN;
        }
        int pr = binprec(k);
        if (!pr || pr < minprec) return l;
        if (k == TK_PIPE || k == TK_AMP || k == TK_CARET) {
            char buf[120];
            snprintf(buf, sizeof buf, "operator %s is not StoffelLang: use 'or', 'and' or 'xor'", tok_name(k));
            err_at(p, t, buf);
        }
        next(p);
        if (notin) next(p);
        /* a left-leaning chain nests as deep as it is long */
        if (++chain + p->depth > MAX_EXPR_DEPTH) err_at(p, t, "expression too long: split it into several statements");
        Expr *r = parse_binary(p, pr + 1);
        Expr *e = mk(p, E_BIN, t);
        e->op = k;
        e->a = l;
        e->b = r;
        e->line = l->line; /* messages point at the start of the expression */
        e->col = l->col;
        if (notin) {
            Expr *n = mk(p, E_UN, t);
            n->op = TK_NOT;
            n->a = e;
            e = n;
        }
        l = e;
    }
}

static Expr *parse_expr(P *p) { return parse_binary(p, 1); }

/* ---- statements ---- */

static Block parse_block(P *p);

static void end_stmt(P *p)
{
    if (PEEK(p) == TK_NEWLINE) {
        next(p);
        return;
    }
    if (PEEK(p) == TK_EOF || PEEK(p) == TK_DEDENT) return;
    char buf[160];
    snprintf(buf, sizeof buf, "expected end of line, found %s", tok_name(PEEK(p)));
    err_at(p, TOK(p), buf);
}

static Stmt *mks(P *p, int kind, const Token *t)
{
    Stmt *s = alloc(p, sizeof *s);
    s->kind = (uint8_t)kind;
    s->line = t->line;
    s->col = t->col;
    return s;
}

static Stmt *parse_if(P *p, const Token *t)
{
    /* elif chains nest: bound them like expressions */
    if (++p->depth > MAX_EXPR_DEPTH) err_at(p, t, "too many elif branches: use match or a lookup list");
    Stmt *s = mks(p, S_IF, t);
    s->value = parse_expr(p);
    expect(p, TK_COLON, "after the if condition");
    s->body = parse_block(p);
    const Token *e = TOK(p);
    if (accept(p, TK_ELIF)) {
        Stmt *inner = parse_if(p, e);
        s->orelse.v = alloc(p, sizeof(Stmt *));
        s->orelse.v[0] = inner;
        s->orelse.n = 1;
    } else if (accept(p, TK_ELSE)) {
        expect(p, TK_COLON, "after else");
        s->orelse = parse_block(p);
    }
    p->depth--;
    return s;
}

static bool is_ident_named(const Token *t, const char *w) { return t->kind == TK_IDENT && strcmp(t->str, w) == 0; }

static Stmt *parse_stmt(P *p)
{
    const Token *t = TOK(p);
    Stmt *s;
    switch (t->kind) {
    case TK_VAR: {
        next(p);
        s = mks(p, S_VAR, t);
        const Token *nt = TOK(p);
        s->name = ident(p, "after var");
        if (PEEK(p) == TK_COMMA) err_at(p, TOK(p), "tuple unpacking is not supported: declare one variable per var");
        (void)nt;
        if (accept(p, TK_COLON)) s->type = parse_type(p);
        if (accept(p, TK_ASSIGN)) {
            s->value = parse_expr(p);
            if (PEEK(p) == TK_COMMA) err_at(p, TOK(p), "tuples are not supported: use a list");
        }
        end_stmt(p);
        return s;
    }
    case TK_SECRET: err_at(p, t, "'secret' qualifies a type, not a declaration: write `var x: secret int64 = ...`");
    case TK_IF: next(p); return parse_if(p, t);
    case TK_WHILE:
        next(p);
        s = mks(p, S_WHILE, t);
        s->value = parse_expr(p);
        expect(p, TK_COLON, "after the while condition");
        s->body = parse_block(p);
        return s;
    case TK_FOR: {
        next(p);
        s = mks(p, S_FOR, t);
        s->name = ident(p, "for the loop variable");
        if (PEEK(p) == TK_COMMA) err_at(p, TOK(p), "tuple unpacking is not supported in for loops");
        expect(p, TK_IN, "in a for loop");
        Expr *it = parse_expr(p);
        const Token *dt = TOK(p);
        if (accept(p, TK_DOTDOT)) {
            Expr *r = mk(p, E_RANGE, dt);
            r->a = it;
            r->b = parse_expr(p);
            it = r;
        }
        s->value = it;
        expect(p, TK_COLON, "after the for header");
        s->body = parse_block(p);
        return s;
    }
    case TK_BREAK:
        next(p);
        s = mks(p, S_BREAK, t);
        end_stmt(p);
        return s;
    case TK_CONTINUE:
        next(p);
        s = mks(p, S_CONTINUE, t);
        end_stmt(p);
        return s;
    case TK_PASS:
        next(p);
        s = mks(p, S_PASS, t);
        end_stmt(p);
        return s;
    case TK_RETURN:
        next(p);
        s = mks(p, S_RETURN, t);
        if (PEEK(p) != TK_NEWLINE && PEEK(p) != TK_EOF && PEEK(p) != TK_DEDENT) s->value = parse_expr(p);
        if (PEEK(p) == TK_COMMA)
            err_at(p, TOK(p), "returning several values is not supported: return a list or an object");
        end_stmt(p);
        return s;
    case TK_DISCARD:
        next(p);
        s = mks(p, S_DISCARD, t);
        s->value = parse_expr(p);
        end_stmt(p);
        return s;
    case TK_DEF: err_at(p, t, "nested def is not supported here: define functions at the top level");
    default: break;
    }
    if (t->kind == TK_IDENT) {
        static const char *const unsupported[][2] = {
            { "let", "'let' is not StoffelLang: declare variables with 'var'" },
            { "proc", "'proc' is not StoffelLang: define functions with 'def'" },
            { "try", "try/except is not supported: StoffelLang has no exceptions" },
            { "except", "try/except is not supported: StoffelLang has no exceptions" },
            { "raise", "raise is not supported: StoffelLang has no exceptions; use assert" },
            { "with", "'with' is not supported" },
            { "yield", "'yield' is not supported: StoffelLang has no generators" },
            { "global", "'global' is not supported" },
            { "nonlocal", "'nonlocal' is not supported" },
            { "del", "'del' is not supported: use delete(list, index)" },
            { "fn", "'fn' is not StoffelLang: define functions with 'def'" },
        };
        const Token *nt = &p->t[p->i + 1];
        bool stmt_like =
            nt->kind == TK_IDENT || nt->kind == TK_COLON || nt->kind == TK_SECRET || nt->kind == TK_NEWLINE;
        for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
            if (strcmp(t->str, unsupported[i][0]) == 0 && stmt_like) {
                if (strcmp(t->str, "let") == 0 && nt->kind == TK_SECRET)
                    err_at(p, t, "'secret let' is not StoffelLang: write `var x: secret int64 = ...`");
                err_at(p, t, unsupported[i][1]);
            }
        bool call_form = false;
        if (strcmp(t->str, "assert") == 0 && nt->kind == TK_LPAREN) {
            /* assert(cond, msg) is a call; assert (a) == b, msg a statement */
            size_t j = p->i + 1;
            int depth = 0;
            for (; j < p->n; j++) {
                int k = p->t[j].kind;
                if (k == TK_LPAREN || k == TK_LBRACK || k == TK_LBRACE)
                    depth++;
                else if (k == TK_RPAREN || k == TK_RBRACK || k == TK_RBRACE) {
                    if (--depth == 0) break;
                } else if (k == TK_EOF)
                    break;
            }
            int after = j + 1 < p->n ? p->t[j + 1].kind : TK_EOF;
            call_form = after == TK_NEWLINE || after == TK_EOF || after == TK_DEDENT;
        }
        if (strcmp(t->str, "assert") == 0 && !call_form && nt->kind != TK_ASSIGN && nt->kind != TK_DOT &&
            nt->kind != TK_NEWLINE) {
            next(p);
            s = mks(p, S_ASSERT, t);
            s->value = parse_expr(p);
            if (accept(p, TK_COMMA)) s->target = parse_expr(p);
            end_stmt(p);
            return s;
        }
        if (strcmp(t->str, "match") == 0 && nt->kind != TK_LPAREN && nt->kind != TK_ASSIGN && nt->kind != TK_DOT) {
            next(p);
            s = mks(p, S_MATCH, t);
            s->value = parse_expr(p);
            expect(p, TK_COLON, "after match");
            expect(p, TK_NEWLINE, "after match:");
            expect(p, TK_INDENT, "for the cases");
            int cap = 8;
            s->cases = alloc(p, (size_t)cap * sizeof *s->cases);
            while (PEEK(p) != TK_DEDENT && PEEK(p) != TK_EOF) {
                const Token *ct = TOK(p);
                if (!is_ident_named(ct, "case")) err_at(p, ct, "expected 'case' inside match");
                next(p);
                MatchCase mc = { 0 };
                if (is_ident_named(TOK(p), "_"))
                    next(p);
                else
                    mc.pattern = parse_expr(p);
                expect(p, TK_COLON, "after the case pattern");
                mc.body = parse_block(p);
                if (s->ncases == cap) {
                    MatchCase *nc = alloc(p, (size_t)cap * 2 * sizeof *nc);
                    memcpy(nc, s->cases, (size_t)cap * sizeof *nc);
                    s->cases = nc;
                    cap *= 2;
                }
                s->cases[s->ncases++] = mc;
            }
            expect(p, TK_DEDENT, "after the cases");
            return s;
        }
    }
    /* expression or assignment */
    Expr *e = parse_expr(p);
    if (PEEK(p) == TK_COMMA) err_at(p, TOK(p), "tuple unpacking is not supported: assign one variable at a time");
    int op = PEEK(p);
    if (op == TK_ASSIGN || op == TK_PLUSEQ || op == TK_MINUSEQ || op == TK_STAREQ || op == TK_SLASHEQ ||
        op == TK_PERCENTEQ) {
        next(p);
        if (e->kind != E_NAME && e->kind != E_INDEX && e->kind != E_ATTR)
            diag_error(p->d, e->line, e->col, "cannot assign to this expression");
        s = mks(p, S_ASSIGN, t);
        s->op = op;
        s->target = e;
        s->value = parse_expr(p);
        if (PEEK(p) == TK_COMMA) err_at(p, TOK(p), "tuples are not supported: use a list");
        end_stmt(p);
        return s;
    }
    s = mks(p, S_EXPR, t);
    s->value = e;
    end_stmt(p);
    return s;
}

static Block parse_block(P *p)
{
    Block b = { 0 };
    Vec v = { 0 };
    if (PEEK(p) != TK_NEWLINE) { /* `if x: stmt` on one line */
        vpush(p, &v, parse_stmt(p));
        b.v = (Stmt **)v.v;
        b.n = v.n;
        return b;
    }
    next(p);
    if (PEEK(p) != TK_INDENT) err_at(p, TOK(p), "expected an indented block (2 spaces deeper)");
    next(p);
    while (PEEK(p) != TK_DEDENT && PEEK(p) != TK_EOF) vpush(p, &v, parse_stmt(p));
    accept(p, TK_DEDENT);
    b.v = (Stmt **)v.v;
    b.n = v.n;
    return b;
}

/* ---- declarations ---- */

static FuncDecl *parse_def(P *p)
{
    const Token *t = next(p); /* def */
    FuncDecl *f = alloc(p, sizeof *f);
    f->line = t->line;
    f->col = t->col;
    f->name = ident(p, "for the function");
    if (accept(p, TK_LBRACK)) {
        Vec v = { 0 };
        do {
            vpush(p, &v, (void *)ident(p, "for a type parameter"));
        } while (accept(p, TK_COMMA));
        expect(p, TK_RBRACK, "after the type parameters");
        f->tparams = (const char **)v.v;
        f->ntparams = v.n;
    }
    expect(p, TK_LPAREN, "after the function name");
    int cap = 8;
    f->params = alloc(p, (size_t)cap * sizeof *f->params);
    while (PEEK(p) != TK_RPAREN) {
        Param pa = { 0 };
        pa.line = TOK(p)->line;
        pa.col = TOK(p)->col;
        if (accept(p, TK_STAR)) pa.vararg = true;
        pa.name = ident(p, "for a parameter");
        if (accept(p, TK_COLON)) pa.type = parse_type(p);
        if (accept(p, TK_ASSIGN)) {
            pa.def = parse_expr(p);
            int k = pa.def->kind;
            if (k != E_INT && k != E_FLOAT && k != E_STR && k != E_BOOL && k != E_NONE)
                diag_error(p->d, pa.def->line, pa.def->col, "default values must be literals");
        }
        if (f->nparams == cap) {
            Param *np = alloc(p, (size_t)cap * 2 * sizeof *np);
            memcpy(np, f->params, (size_t)cap * sizeof *np);
            f->params = np;
            cap *= 2;
        }
        f->params[f->nparams++] = pa;
        if (!accept(p, TK_COMMA)) break;
    }
    expect(p, TK_RPAREN, "to close the parameters");
    if (accept(p, TK_ARROW)) {
        f->ret = parse_type(p);
        f->has_ret = true;
    }
    /* {.builtin.} / {.builtin: "name".} pragmas declare a VM builtin */
    if (PEEK(p) == TK_LBRACE && p->t[p->i + 1].kind == TK_DOT) {
        while (PEEK(p) != TK_RBRACE && PEEK(p) != TK_EOF && PEEK(p) != TK_NEWLINE) next(p);
        expect(p, TK_RBRACE, "to close the pragma");
        f->builtin = true;
        expect(p, TK_COLON, "after the function header");
        if (PEEK(p) == TK_NEWLINE && p->t[p->i + 1].kind != TK_INDENT) {
            next(p);
            return f;
        }
        f->body = parse_block(p);
        return f;
    }
    expect(p, TK_COLON, "after the function header");
    f->body = parse_block(p);
    return f;
}

static ObjectDecl *parse_object(P *p)
{
    const Token *t = next(p);
    ObjectDecl *o = alloc(p, sizeof *o);
    o->line = t->line;
    o->col = t->col;
    o->name = ident(p, "for the object");
    if (accept(p, TK_LPAREN)) {
        o->base = ident(p, "for the base object");
        expect(p, TK_RPAREN, "after the base object");
    }
    expect(p, TK_COLON, "after the object name");
    expect(p, TK_NEWLINE, "after object NAME:");
    expect(p, TK_INDENT, "for the fields");
    int cap = 8;
    o->fields = alloc(p, (size_t)cap * sizeof *o->fields);
    while (PEEK(p) != TK_DEDENT && PEEK(p) != TK_EOF) {
        if (accept(p, TK_PASS)) {
            end_stmt(p);
            continue;
        }
        Field fl;
        fl.name = ident(p, "for a field");
        expect(p, TK_COLON, "after the field name");
        fl.type = parse_type(p);
        end_stmt(p);
        if (o->nfields == cap) {
            Field *nf = alloc(p, (size_t)cap * 2 * sizeof *nf);
            memcpy(nf, o->fields, (size_t)cap * sizeof *nf);
            o->fields = nf;
            cap *= 2;
        }
        o->fields[o->nfields++] = fl;
    }
    accept(p, TK_DEDENT);
    return o;
}

static EnumDecl *parse_enum(P *p)
{
    const Token *t = next(p);
    EnumDecl *en = alloc(p, sizeof *en);
    en->line = t->line;
    en->col = t->col;
    en->name = ident(p, "for the enum");
    expect(p, TK_COLON, "after the enum name");
    expect(p, TK_NEWLINE, "after enum NAME:");
    expect(p, TK_INDENT, "for the members");
    Vec names = { 0 };
    int64_t vals[1024];
    int64_t nextv = 0;
    while (PEEK(p) != TK_DEDENT && PEEK(p) != TK_EOF) {
        const char *nm = ident(p, "for an enum member");
        if (accept(p, TK_ASSIGN)) {
            bool neg = accept(p, TK_MINUS);
            const Token *v = expect(p, TK_INT, "as the member value");
            nextv = neg ? -(int64_t)v->ival : (int64_t)v->ival;
        }
        if (names.n >= 1024) err_at(p, TOK(p), "too many enum members");
        vals[names.n] = nextv++;
        vpush(p, &names, (void *)nm);
        end_stmt(p);
    }
    accept(p, TK_DEDENT);
    en->members = (const char **)names.v;
    en->nmembers = names.n;
    en->values = alloc(p, (size_t)(names.n + 1) * sizeof(int64_t));
    memcpy(en->values, vals, (size_t)names.n * sizeof(int64_t));
    return en;
}

void parse_module(Diag *d, Arena *arena, const TokenList *toks, Module *m)
{
    P p = { .d = d, .A = arena, .t = toks->toks, .n = toks->count, .i = 0 };
    Vec funcs = { 0 }, objs = { 0 }, enums = { 0 }, aliases = { 0 }, imports = { 0 }, top = { 0 };
    while (PEEK(&p) != TK_EOF) {
        const Token *t = TOK(&p);
        switch (t->kind) {
        case TK_NEWLINE: next(&p); continue;
        case TK_INDENT: err_at(&p, t, "unexpected indentation");
        case TK_DEDENT: next(&p); continue;
        case TK_DEF: vpush(&p, &funcs, parse_def(&p)); continue;
        case TK_OBJECT: vpush(&p, &objs, parse_object(&p)); continue;
        case TK_ENUM: vpush(&p, &enums, parse_enum(&p)); continue;
        case TK_MAIN: err_at(&p, t, "the `main NAME()` header is gone: write `def main() -> T:`");
        case TK_TYPE: {
            next(&p);
            AliasDecl *a = alloc(&p, sizeof *a);
            a->line = t->line;
            a->col = t->col;
            a->name = ident(&p, "for the type alias");
            expect(&p, TK_ASSIGN, "in a type alias");
            a->type = parse_type(&p);
            end_stmt(&p);
            vpush(&p, &aliases, a);
            continue;
        }
        case TK_IMPORT: {
            next(&p);
            ImportDecl *im = alloc(&p, sizeof *im);
            im->line = t->line;
            im->col = t->col;
            if (PEEK(&p) == TK_STRING) {
                im->path = dup(&p, next(&p)->str);
                im->quoted = true;
            } else {
                char buf[512];
                size_t n = 0;
                const char *last = NULL;
                do {
                    last = PEEK(&p) == TK_STAR ? (next(&p), "*") : ident(&p, "in the import path");
                    size_t l = strlen(last);
                    if (n + l + 2 >= sizeof buf) err_at(&p, t, "import path too long");
                    if (n) buf[n++] = '.';
                    memcpy(buf + n, last, l);
                    n += l;
                } while (accept(&p, TK_DOT));
                buf[n] = 0;
                im->path = arena_strdup(arena, buf, n);
                im->alias = last;
            }
            if (accept(&p, TK_AS)) im->alias = ident(&p, "after 'as'");
            end_stmt(&p);
            vpush(&p, &imports, im);
            continue;
        }
        default: vpush(&p, &top, parse_stmt(&p));
        }
    }
    m->funcs = (FuncDecl **)funcs.v;
    m->nfuncs = funcs.n;
    m->objects = (ObjectDecl **)objs.v;
    m->nobjects = objs.n;
    m->enums = (EnumDecl **)enums.v;
    m->nenums = enums.n;
    m->aliases = (AliasDecl **)aliases.v;
    m->naliases = aliases.n;
    m->imports = (ImportDecl **)imports.v;
    m->nimports = imports.n;
    m->top.v = (Stmt **)top.v;
    m->top.n = top.n;
}
