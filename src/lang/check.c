/* check.c: StoffelLang types, name resolution and the secret-flow rules
 * (spec/stoffellang.md §1.3-1.6).  The code generator asks for the type of
 * each expression before it emits it; types are cached in Expr.type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "compiler.h"
#include "lexer.h"

#define ERR(C, e, ...) diag_error((C)->d, (e)->line, (e)->col, __VA_ARGS__)

static Type T_any = { .k = T_ANY }, T_none = { .k = T_NONE }, T_bool = { .k = T_BOOL }, T_str = { .k = T_STR },
            T_float = { .k = T_FLOAT }, T_i64 = { .k = T_INT, .sign = true, .bits = 64 },
            T_share = { .k = T_SHARE, .secret = true }, T_closure = { .k = T_CLOSURE };

Type *ty_basic(int k)
{
    switch (k) {
    case T_NONE: return &T_none;
    case T_BOOL: return &T_bool;
    case T_STR: return &T_str;
    case T_FLOAT: return &T_float;
    case T_INT: return &T_i64;
    case T_SHARE: return &T_share;
    case T_CLOSURE: return &T_closure;
    default: return &T_any;
    }
}

Type *ty_new(Compiler *C, int k)
{
    Type *t = arena_alloc(C->A, sizeof *t);
    if (!t) diag_error(C->d, 0, 0, "out of memory");
    t->k = (uint8_t)k;
    return t;
}

Type *ty_int(Compiler *C, bool sign, int bits)
{
    if (sign && bits == 64) return &T_i64;
    Type *t = ty_new(C, T_INT);
    t->sign = sign;
    t->bits = (uint8_t)bits;
    return t;
}

static Type *ty_copy(Compiler *C, const Type *s)
{
    Type *t = ty_new(C, s->k);
    *t = *s;
    return t;
}

Type *ty_secret(Compiler *C, Type *t)
{
    if (t->secret || t->k == T_OBJ || t->k == T_LIST || t->k == T_DICT || t->k == T_ANY) return t;
    Type *n = ty_copy(C, t);
    n->secret = true;
    n->lit = false;
    return n;
}

Type *ty_clear(Compiler *C, Type *t)
{
    if (t->k == T_SHARE) return &T_any;
    if (!t->secret) return t;
    Type *n = ty_copy(C, t);
    n->secret = false;
    return n;
}

bool ty_is_secret(const Type *t) { return t->secret || t->k == T_SHARE; }

static Type *ty_nolit(Compiler *C, Type *t)
{
    if (!t->lit) return t;
    Type *n = ty_copy(C, t);
    n->lit = false;
    return n;
}

static void sappend(char *buf, size_t n, const char *s)
{
    size_t l = strlen(buf);
    if (l + 1 < n) snprintf(buf + l, n - l, "%s", s);
}

static void ty_str_in(const Type *t, char *buf, size_t n)
{
    if (t->secret && t->k != T_SHARE) sappend(buf, n, "secret ");
    char tmp[32];
    switch (t->k) {
    case T_ANY: sappend(buf, n, "any"); break;
    case T_NONE: sappend(buf, n, "None"); break;
    case T_INT:
        snprintf(tmp, sizeof tmp, "%sint%d", t->sign ? "" : "u", t->bits);
        sappend(buf, n, tmp);
        break;
    case T_FLOAT: sappend(buf, n, "float"); break;
    case T_FIX: sappend(buf, n, t->bits == 32 ? "fix32" : "fix64"); break;
    case T_BOOL: sappend(buf, n, "bool"); break;
    case T_STR: sappend(buf, n, "string"); break;
    case T_LIST:
        sappend(buf, n, "list[");
        ty_str_in(t->elem, buf, n);
        sappend(buf, n, "]");
        break;
    case T_DICT:
        sappend(buf, n, "dict[");
        ty_str_in(t->key, buf, n);
        sappend(buf, n, ", ");
        ty_str_in(t->elem, buf, n);
        sappend(buf, n, "]");
        break;
    case T_OBJ:
    case T_OPAQUE: sappend(buf, n, t->name); break;
    case T_SHARE: sappend(buf, n, "Share"); break;
    case T_CLOSURE: sappend(buf, n, "Closure"); break;
    }
}

const char *ty_str(const Type *t, char *buf, size_t n)
{
    buf[0] = 0;
    ty_str_in(t, buf, n);
    return buf;
}

/* ---- lookups ---- */

static const char *const builtin_objects[] = {
    "Share", "ClientStore", "Mpc", "MpcOutput", "Field", "Crypto", "Bytes", "Rbc", "Avss", "LocalStorage",
};

bool ck_is_builtin_object(const char *name)
{
    for (size_t i = 0; i < sizeof builtin_objects / sizeof *builtin_objects; i++)
        if (strcmp(name, builtin_objects[i]) == 0) return true;
    return false;
}

FuncSig *ck_find_func(Compiler *C, const char *name)
{
    /* own module first, then any module (imports are visible unqualified),
     * then qualified alias.name */
    for (int i = 0; i < C->nfuncs; i++)
        if (C->funcs[i].module == C->cur_module && strcmp(C->funcs[i].decl->name, name) == 0) return &C->funcs[i];
    for (int i = 0; i < C->nfuncs; i++)
        if (strcmp(C->funcs[i].decl->name, name) == 0) return &C->funcs[i];
    for (int i = 0; i < C->nfuncs; i++)
        if (strcmp(C->funcs[i].name, name) == 0) return &C->funcs[i];
    return NULL;
}

ObjInfo *ck_find_obj(Compiler *C, const char *name)
{
    for (int i = 0; i < C->nobjs; i++)
        if (strcmp(C->objs[i].decl->name, name) == 0) return &C->objs[i];
    return NULL;
}

static EnumDecl *find_enum(Compiler *C, const char *name)
{
    for (int m = 0; m < C->nmodules; m++) {
        Module *mod = C->modules[m].mod;
        if (!mod) continue;
        for (int i = 0; i < mod->nenums; i++)
            if (strcmp(mod->enums[i]->name, name) == 0) return mod->enums[i];
    }
    return NULL;
}

bool ck_enum_member(Compiler *C, const char *en, const char *member, int64_t *out)
{
    EnumDecl *e = find_enum(C, en);
    if (!e) return false;
    for (int i = 0; i < e->nmembers; i++)
        if (strcmp(e->members[i], member) == 0) {
            *out = e->values[i];
            return true;
        }
    return false;
}

static AliasDecl *find_alias(Compiler *C, const char *name)
{
    for (int m = 0; m < C->nmodules; m++) {
        Module *mod = C->modules[m].mod;
        if (!mod) continue;
        for (int i = 0; i < mod->naliases; i++)
            if (strcmp(mod->aliases[i]->name, name) == 0) return mod->aliases[i];
    }
    return NULL;
}

static int find_module(Compiler *C, const char *alias)
{
    for (int m = 1; m < C->nmodules; m++)
        if (C->modules[m].alias && strcmp(C->modules[m].alias, alias) == 0) return C->modules[m].target;
    return -1;
}

/* ---- type expressions ---- */

static const struct {
    const char *name;
    int k;
    bool sign;
    int bits;
} scalar_names[] = {
    { "int", T_INT, true, 64 },      { "int64", T_INT, true, 64 },    { "i64", T_INT, true, 64 },
    { "int32", T_INT, true, 32 },    { "i32", T_INT, true, 32 },      { "int16", T_INT, true, 16 },
    { "i16", T_INT, true, 16 },      { "int8", T_INT, true, 8 },      { "i8", T_INT, true, 8 },
    { "uint64", T_INT, false, 64 },  { "u64", T_INT, false, 64 },     { "uint32", T_INT, false, 32 },
    { "u32", T_INT, false, 32 },     { "uint16", T_INT, false, 16 },  { "u16", T_INT, false, 16 },
    { "uint8", T_INT, false, 8 },    { "u8", T_INT, false, 8 },       { "uint", T_INT, false, 64 },
    { "float", T_FLOAT, 0, 64 },     { "float64", T_FLOAT, 0, 64 },   { "f64", T_FLOAT, 0, 64 },
    { "fix64", T_FIX, 0, 64 },       { "fixed", T_FIX, 0, 64 },       { "fixed64", T_FIX, 0, 64 },
    { "fix32", T_FIX, 0, 32 },       { "fixed32", T_FIX, 0, 32 },     { "bool", T_BOOL, 0, 0 },
    { "string", T_STR, 0, 0 },       { "None", T_NONE, 0, 0 },        { "void", T_NONE, 0, 0 },
    { "Share", T_SHARE, 0, 0 },      { "Closure", T_CLOSURE, 0, 0 },  { "Object", T_OPAQUE, 0, 0 },
    { "AvssShare", T_OPAQUE, 0, 0 }, { "RbcResult", T_OPAQUE, 0, 0 }, { "any", T_ANY, 0, 0 },
};

Type *ck_resolve(Compiler *C, TypeExpr *te)
{
    if (!te) return &T_any;
    const char *n = te->name;
    Type *t = NULL;
    for (int i = 0; i < C->ntvars; i++)
        if (strcmp(C->tvars[i], n) == 0) t = &T_any;
    if (!t) {
        for (size_t i = 0; i < sizeof scalar_names / sizeof *scalar_names; i++)
            if (strcmp(scalar_names[i].name, n) == 0) {
                int k = scalar_names[i].k;
                if (k == T_INT)
                    t = ty_int(C, scalar_names[i].sign, scalar_names[i].bits);
                else if (k == T_FIX) {
                    t = ty_new(C, T_FIX);
                    t->bits = (uint8_t)scalar_names[i].bits;
                } else if (k == T_OPAQUE) {
                    t = ty_new(C, T_OPAQUE);
                    t->name = n;
                } else
                    t = ty_basic(k);
                break;
            }
    }
    if (!t && strcmp(n, "bytes") == 0) {
        t = ty_new(C, T_LIST);
        t->elem = ty_int(C, false, 8);
    }
    if (!t && (strcmp(n, "list") == 0 || strcmp(n, "dict") == 0)) {
        bool list = n[0] == 'l';
        if (te->nargs != (list ? 1 : 2))
            diag_error(C->d, te->line, te->col,
                       list ? "list takes one type argument: list[T]" : "dict takes two type arguments: dict[K, V]");
        t = ty_new(C, list ? T_LIST : T_DICT);
        if (list)
            t->elem = ck_resolve(C, te->args[0]);
        else {
            t->key = ck_resolve(C, te->args[0]);
            t->elem = ck_resolve(C, te->args[1]);
        }
    }
    if (!t && (strcmp(n, "List") == 0 || strcmp(n, "Dict") == 0))
        diag_error(C->d, te->line, te->col, "unknown type '%s': builtin type names are lower case (%s)", n,
                   n[0] == 'L' ? "list[T]" : "dict[K, V]");
    if (!t) {
        AliasDecl *a = find_alias(C, n);
        if (a) {
            /* aliases may name aliases, but not in a cycle */
            if (++C->alias_depth > 32) diag_error(C->d, a->line, a->col, "type alias '%s' refers to itself", a->name);
            t = ck_resolve(C, a->type);
            C->alias_depth--;
        } else if (ck_find_obj(C, n)) {
            t = ty_new(C, T_OBJ);
            t->name = n;
        } else if (find_enum(C, n)) {
            t = &T_i64;
        } else {
            const char *dot = strchr(n, '.');
            if (dot) {
                /* module.Type: look the bare name up */
                TypeExpr tmp = *te;
                tmp.name = dot + 1;
                return ck_resolve(C, &tmp);
            }
            const char *cands[64];
            size_t nc = 0;
            for (size_t i = 0; i < sizeof scalar_names / sizeof *scalar_names && nc < 64; i++)
                cands[nc++] = scalar_names[i].name;
            for (int i = 0; i < C->nobjs && nc < 64; i++) cands[nc++] = C->objs[i].decl->name;
            const char *s = diag_suggest(n, cands, nc);
            if (s) diag_error(C->d, te->line, te->col, "unknown type '%s'; did you mean '%s'?", n, s);
            diag_error(C->d, te->line, te->col, "unknown type '%s'", n);
        }
    }
    if (te->secret) {
        if (t->k == T_FLOAT)
            diag_error(C->d, te->line, te->col,
                       "secret float is not supported by the current MPC protocol: use secret fix64");
        /* only scalars can be secret; on other types the qualifier is dropped */
        if (t->k == T_INT || t->k == T_BOOL || t->k == T_FIX) t = ty_secret(C, t);
    }
    return t;
}

/* ---- expressions ---- */

static Type *set(Expr *e, Type *t)
{
    e->type = t;
    return t;
}

static bool is_num(const Type *t) { return t->k == T_INT || t->k == T_FLOAT || t->k == T_FIX; }

/* The common type of two arithmetic operands. */
static Type *unify_num(Compiler *C, Expr *e, Type *a, Type *b, const char *opname)
{
    bool secret = ty_is_secret(a) || ty_is_secret(b);
    Type *r;
    char x[96], y[96];
    if (a->k == T_SHARE || b->k == T_SHARE) {
        r = a->k == T_SHARE ? b : a;
        if (r->k == T_SHARE || r->k == T_ANY || r->lit) return &T_share;
        return ty_secret(C, ty_nolit(C, r));
    }
    if (a->k == T_ANY || b->k == T_ANY) {
        r = a->k == T_ANY ? b : a;
        if (r->k == T_ANY || r->lit || !is_num(r)) return secret ? &T_share : &T_any;
        return secret ? ty_secret(C, r) : r;
    }
    /* secret bools are arithmetic shares of 0/1: 1 - b, a * b, ... */
    if ((a->k == T_BOOL && a->secret && (is_num(b) || b->k == T_BOOL)) ||
        (b->k == T_BOOL && b->secret && (is_num(a) || a->k == T_BOOL))) {
        Type *o = a->k == T_BOOL ? b : a;
        if (o->k == T_BOOL || o->lit) return ty_secret(C, &T_bool);
        return ty_secret(C, ty_nolit(C, o));
    }
    if (!is_num(a) || !is_num(b)) {
        if (a->k == T_BOOL || b->k == T_BOOL)
            ERR(C, e, "cannot use %s on %s and %s: booleans are not numbers", opname, ty_str(a, x, sizeof x),
                ty_str(b, y, sizeof y));
        ERR(C, e, "cannot use %s on %s and %s", opname, ty_str(a, x, sizeof x), ty_str(b, y, sizeof y));
    }
    if (a->k == T_INT && b->k == T_INT) {
        if (a->lit && b->lit)
            r = a;
        else if (a->lit)
            r = b;
        else if (b->lit)
            r = a;
        else if (a->bits == b->bits && a->sign == b->sign)
            r = a;
        else
            ERR(C, e, "mixed integer widths in %s: %s and %s (convert one side explicitly)", opname,
                ty_str(ty_clear(C, a), x, sizeof x), ty_str(ty_clear(C, b), y, sizeof y));
    } else if (a->k == T_INT || b->k == T_INT) {
        Type *i = a->k == T_INT ? a : b, *f = a->k == T_INT ? b : a;
        (void)i;
        r = f;
    } else if (a->k == T_FIX || b->k == T_FIX) {
        r = a->k == T_FIX ? a : b;
    } else {
        r = a->lit ? b : a;
    }
    if (secret) return ty_secret(C, r);
    if (r->lit && !(a->lit && b->lit)) r = ty_nolit(C, r);
    return r;
}

static bool fits(const Type *t, uint64_t mag, bool neg)
{
    if (t->k != T_INT) return true;
    if (!t->sign) return !neg && (t->bits == 64 || mag < (UINT64_C(1) << t->bits));
    uint64_t lim = UINT64_C(1) << (t->bits - 1);
    return neg ? mag <= lim : mag < lim;
}

static void no_secret(Compiler *C, Expr *e, Type *t, const char *what)
{
    if (ty_is_secret(t)) ERR(C, e, "%s", what);
}

Var *cg_lookup(Compiler *C, const char *name);

static Type *elem_of(Compiler *C, Expr *e, Type *t)
{
    switch (t->k) {
    case T_LIST: return t->elem;
    case T_DICT: return t->elem;
    case T_STR: return &T_str;
    case T_ANY: return &T_any;
    default: {
        char b[96];
        ERR(C, e, "cannot index a value of type %s", ty_str(t, b, sizeof b));
    }
    }
}

#if defined(__GNUC__)
__attribute__((noreturn))
#endif
static void
unknown_name(Compiler *C, Expr *e, const char *name)
{
    const char *cands[512];
    size_t nc = 0;
    for (int i = C->nvars - 1; i >= 0 && nc < 256; i--) cands[nc++] = C->vars[i].name;
    for (int i = 0; i < C->nfuncs && nc < 400; i++) cands[nc++] = C->funcs[i].decl->name;
    const char *s = diag_suggest(name, cands, nc);
    if (s) ERR(C, e, "unknown name '%s'; did you mean '%s'?", name, s);
    ERR(C, e, "unknown name '%s'", name);
}

Type *ck_expr(Compiler *C, Expr *e)
{
    if (e->type) return e->type;
    char x[96], y[96];
    switch (e->kind) {
    case E_INT: {
        bool neg = e->op == TK_MINUS;
        if (e->suffix) {
            Type *t = ty_int(C, e->suffix == 'i', e->bits);
            if (!fits(t, e->ival, neg)) ERR(C, e, "integer literal out of range for %s", ty_str(t, x, sizeof x));
            return set(e, t);
        }
        if (!fits(&T_i64, e->ival, neg)) {
            /* a large unsuffixed literal is a uint64 */
            if (neg) ERR(C, e, "integer literal out of range for int64");
            return set(e, ty_int(C, false, 64));
        }
        Type *t = ty_new(C, T_INT);
        t->sign = true;
        t->bits = 64;
        t->lit = true;
        return set(e, t);
    }
    case E_FLOAT: {
        Type *t = ty_new(C, T_FLOAT);
        t->lit = true;
        return set(e, t);
    }
    case E_STR: return set(e, &T_str);
    case E_FSTR:
        for (int i = 0; i < e->nitems; i++) {
            Type *t = ck_expr(C, e->items[i]);
            if (ty_is_secret(t)) ERR(C, e->items[i], "f-string would reveal a secret value: call .reveal() explicitly");
        }
        return set(e, &T_str);
    case E_BOOL: return set(e, &T_bool);
    case E_NONE: return set(e, &T_none);
    case E_NAME: {
        Var *v = cg_lookup(C, e->str);
        if (v) return set(e, v->type);
        if (ck_find_func(C, e->str)) return set(e, &T_closure);
        if (find_enum(C, e->str)) ERR(C, e, "'%s' is an enum: use a member like %s.Member", e->str, e->str);
        unknown_name(C, e, e->str);
    }
    case E_UN: {
        Type *t = ck_expr(C, e->a);
        if (e->op == TK_MINUS) {
            if (t->k == T_ANY || t->k == T_SHARE) return set(e, t);
            if (!is_num(t)) ERR(C, e, "unary '-' needs a number, found %s", ty_str(t, x, sizeof x));
            if (t->k == T_INT && !t->sign) ERR(C, e, "unary '-' on unsigned %s", ty_str(t, x, sizeof x));
            return set(e, t);
        }
        /* not */
        if (t->k == T_BOOL || t->k == T_ANY) return set(e, t);
        if (t->k == T_SHARE) return set(e, t);
        if (t->k == T_INT) {
            no_secret(C, e, t,
                      "bitwise 'not' on a secret integer is not supported: only secret bool supports not/and/or/xor");
            return set(e, ty_nolit(C, t));
        }
        ERR(C, e, "'not' needs a bool or an integer, found %s", ty_str(t, x, sizeof x));
    }
    case E_BIN: {
        Type *a = ck_expr(C, e->a), *b = ck_expr(C, e->b);
        bool secret = ty_is_secret(a) || ty_is_secret(b);
        switch (e->op) {
        case TK_PLUS:
            if (a->k == T_STR || b->k == T_STR) {
                if ((a->k != T_STR && a->k != T_ANY) || (b->k != T_STR && b->k != T_ANY))
                    ERR(C, e, "'+' joins two strings; found %s and %s (use to_string)", ty_str(a, x, sizeof x),
                        ty_str(b, y, sizeof y));
                return set(e, &T_str);
            }
            if (a->k == T_LIST && b->k == T_LIST) return set(e, a);
            return set(e, unify_num(C, e, a, b, "'+'"));
        case TK_MINUS: return set(e, unify_num(C, e, a, b, "'-'"));
        case TK_STAR:
            if (a->k == T_LIST && (b->k == T_INT || b->k == T_ANY)) return set(e, a);
            return set(e, unify_num(C, e, a, b, "'*'"));
        case TK_SLASH: {
            Type *t = unify_num(C, e, a, b, "'/'");
            if (ty_is_secret(b) && t->k != T_SHARE)
                ERR(C, e, "division by a secret value is not supported: divide by a public value");
            return set(e, t);
        }
        case TK_PERCENT:
        case TK_MOD: {
            const char *w = e->op == TK_MOD ? "'mod'" : "'%'";
            Type *t = unify_num(C, e, a, b, w);
            if (secret) ERR(C, e, "%s on a secret value is not supported by the MPC protocol", w);
            return set(e, t);
        }
        case TK_EQ:
        case TK_NE:
        case TK_LT:
        case TK_LE:
        case TK_GT:
        case TK_GE: {
            if (is_num(a) && is_num(b) && (a->k != b->k)) {
                Type *i = a->k == T_INT ? a : b->k == T_INT ? b : NULL;
                if (i && !i->lit && !(a->lit || b->lit))
                    ERR(C, e, "cannot compare %s with %s", ty_str(a, x, sizeof x), ty_str(b, y, sizeof y));
            }
            Type *t = secret ? ty_secret(C, &T_bool) : &T_bool;
            return set(e, t);
        }
        case TK_IN:
            if (secret) ERR(C, e, "'in' on a secret value is not supported: membership would reveal it");
            return set(e, &T_bool);
        case TK_AND:
        case TK_OR:
        case TK_XOR: {
            const char *w = e->op == TK_AND ? "and" : e->op == TK_OR ? "or" : "xor";
            Type *ca = a, *cb = b;
            if (ca->k == T_SHARE || cb->k == T_SHARE || (ca->k == T_ANY && secret) || (cb->k == T_ANY && secret))
                return set(e, &T_share);
            if (ca->k == T_ANY || cb->k == T_ANY) return set(e, ca->k == T_ANY ? cb : ca);
            if (ca->k == T_BOOL && cb->k == T_BOOL) return set(e, secret ? ty_secret(C, &T_bool) : &T_bool);
            if (ca->k == T_INT && cb->k == T_INT) {
                if (secret)
                    ERR(C, e, "bitwise '%s' on secret integers is not supported: only secret bool supports %s", w, w);
                return set(e, unify_num(C, e, a, b, w));
            }
            ERR(C, e, "'%s' needs two bools or two integers of the same type, found %s and %s", w,
                ty_str(a, x, sizeof x), ty_str(b, y, sizeof y));
        }
        case TK_SHL:
        case TK_SHR: {
            const char *w = e->op == TK_SHL ? "shl" : "shr";
            if (secret) ERR(C, e, "'%s' on a secret value is not supported", w);
            if (a->k == T_ANY) return set(e, a);
            if (a->k != T_INT) ERR(C, e, "'%s' needs an integer, found %s", w, ty_str(a, x, sizeof x));
            if (b->k != T_INT && b->k != T_ANY) ERR(C, e, "'%s' needs an integer shift amount", w);
            return set(e, a->lit && !b->lit && b->k == T_INT ? b : a);
        }
        default: ERR(C, e, "unsupported operator");
        }
    }
    case E_CALL: {
        CallInfo *ci = ck_call(C, e);
        (void)ci;
        return e->type;
    }
    case E_INDEX: {
        Type *t = ck_expr(C, e->a);
        Type *it = ck_expr(C, e->b);
        if (ty_is_secret(it))
            ERR(C, e->b, "indexing with a secret index is not supported: the position read would reveal it");
        if (t->k == T_LIST || t->k == T_STR) {
            if (it->k != T_INT && it->k != T_ANY)
                ERR(C, e->b, "list index must be an integer, found %s", ty_str(it, x, sizeof x));
        }
        return set(e, elem_of(C, e, t));
    }
    case E_SLICE: {
        Type *t = ck_expr(C, e->a);
        if (e->b) no_secret(C, e->b, ck_expr(C, e->b), "slicing with a secret bound is not supported");
        if (e->c) no_secret(C, e->c, ck_expr(C, e->c), "slicing with a secret bound is not supported");
        if (e->d) ck_expr(C, e->d);
        return set(e, t);
    }
    case E_ATTR: {
        if (e->a->kind == E_NAME && !cg_lookup(C, e->a->str)) {
            int64_t v;
            if (find_enum(C, e->a->str)) {
                if (!ck_enum_member(C, e->a->str, e->str, &v))
                    ERR(C, e, "enum %s has no member '%s'", e->a->str, e->str);
                return set(e, &T_i64);
            }
            if (find_module(C, e->a->str) >= 0 || ck_is_builtin_object(e->a->str))
                ERR(C, e, "'%s.%s' is a function: call it with ()", e->a->str, e->str);
        }
        Type *t = ck_expr(C, e->a);
        if (strcmp(e->str, "len") == 0 && (t->k == T_LIST || t->k == T_STR || t->k == T_DICT)) return set(e, &T_i64);
        if (t->k == T_ANY || t->k == T_OPAQUE) return set(e, &T_any);
        if (t->k == T_OBJ) {
            ObjInfo *o = ck_find_obj(C, t->name);
            for (int i = 0; o && i < o->nfields; i++)
                if (strcmp(o->fields[i], e->str) == 0) return set(e, o->ftypes[i]);
            if (o) {
                const char *s = diag_suggest(e->str, o->fields, (size_t)o->nfields);
                if (s) ERR(C, e, "object %s has no field '%s'; did you mean '%s'?", t->name, e->str, s);
            }
            ERR(C, e, "object %s has no field '%s'", t->name, e->str);
        }
        if (t->k == T_DICT) return set(e, t->elem);
        if (strcmp(e->str, "length") == 0 || strcmp(e->str, "len") == 0)
            ERR(C, e, "'.%s' is not a field: call len(x) or x.len()", e->str);
        ERR(C, e, "a value of type %s has no field '%s'", ty_str(t, x, sizeof x), e->str);
    }
    case E_LIST: {
        Type *el = NULL;
        for (int i = 0; i < e->nitems; i++) {
            Type *t = ck_expr(C, e->items[i]);
            if (!el) {
                el = t;
                continue;
            }
            if (el->k == T_ANY) continue;
            if (t->k == T_ANY) {
                el = t;
                continue;
            }
            bool same = el->k == t->k || (is_num(el) && is_num(t) && (el->lit || t->lit)) ||
                        ((el->k == T_SHARE) != (t->k == T_SHARE) && (ty_is_secret(el) || ty_is_secret(t)));
            if (!same)
                ERR(C, e->items[i], "list elements must all have one type: found %s after %s", ty_str(t, x, sizeof x),
                    ty_str(el, y, sizeof y));
            if (el->k == T_INT && t->k == T_INT && !el->lit && !t->lit && (el->bits != t->bits || el->sign != t->sign))
                ERR(C, e->items[i], "list elements must all have one type: found %s after %s", ty_str(t, x, sizeof x),
                    ty_str(el, y, sizeof y));
            if (el->lit && !t->lit) el = t;
            if (ty_is_secret(t) && !ty_is_secret(el)) el = t;
        }
        Type *lt = ty_new(C, T_LIST);
        lt->elem = el ? ty_nolit(C, el) : &T_any;
        return set(e, lt);
    }
    case E_DICT: {
        Type *dt = ty_new(C, T_DICT);
        dt->key = &T_any;
        dt->elem = &T_any;
        for (int i = 0; i < e->nitems; i++) {
            Type *k = ck_expr(C, e->items[i]);
            Type *v = ck_expr(C, e->vals[i]);
            if (i == 0) {
                dt->key = ty_nolit(C, k);
                dt->elem = ty_nolit(C, v);
            }
        }
        return set(e, dt);
    }
    case E_RANGE: {
        Type *a = ck_expr(C, e->a), *b = ck_expr(C, e->b);
        if (ty_is_secret(a) || ty_is_secret(b))
            ERR(C, e, "a range with a secret bound is not supported: the number of iterations would reveal it");
        Type *lt = ty_new(C, T_LIST);
        lt->elem = unify_num(C, e, a, b, "'..'");
        if (lt->elem->lit) lt->elem = &T_i64;
        return set(e, lt);
    }
    case E_COMP: {
        Type *it = ck_expr(C, e->b);
        /* the loop variable is visible in elem and cond while checking */
        if (C->nvars == C->capvars) {
            int nc = C->capvars ? C->capvars * 2 : 64;
            Var *nv = realloc(C->vars, (size_t)nc * sizeof *nv);
            if (!nv) ERR(C, e, "out of memory");
            C->vars = nv;
            C->capvars = nc;
        }
        C->vars[C->nvars++] = (Var){ .name = e->var, .type = elem_of(C, e->b, it), .loc = 0 };
        Type *el = ck_expr(C, e->a);
        if (e->c) ck_condition(C, e->c, "comprehension filter");
        C->nvars--;
        Type *lt = ty_new(C, T_LIST);
        lt->elem = ty_nolit(C, el);
        return set(e, lt);
    }
    }
    ERR(C, e, "unsupported expression");
}

/* Short source-like text of an expression, for messages. */
static void expr_text(const Expr *e, char *buf, size_t n, int depth)
{
    if (!e || depth > 6) {
        sappend(buf, n, "...");
        return;
    }
    char tmp[64];
    switch (e->kind) {
    case E_INT:
        snprintf(tmp, sizeof tmp, "%s%llu", e->op == TK_MINUS ? "-" : "", (unsigned long long)e->ival);
        sappend(buf, n, tmp);
        break;
    case E_FLOAT:
        snprintf(tmp, sizeof tmp, "%g", e->fval);
        sappend(buf, n, tmp);
        break;
    case E_BOOL: sappend(buf, n, e->ival ? "True" : "False"); break;
    case E_STR: sappend(buf, n, "\"...\""); break;
    case E_NAME: sappend(buf, n, e->str); break;
    case E_ATTR:
        expr_text(e->a, buf, n, depth + 1);
        sappend(buf, n, ".");
        sappend(buf, n, e->str);
        break;
    case E_INDEX:
        expr_text(e->a, buf, n, depth + 1);
        sappend(buf, n, "[");
        expr_text(e->b, buf, n, depth + 1);
        sappend(buf, n, "]");
        break;
    case E_CALL:
        expr_text(e->a, buf, n, depth + 1);
        sappend(buf, n, e->nitems ? "(...)" : "()");
        break;
    case E_UN:
        sappend(buf, n, e->op == TK_NOT ? "not " : "-");
        expr_text(e->a, buf, n, depth + 1);
        break;
    case E_BIN: {
        static const struct {
            int tk;
            const char *s;
        } ops[] = {
            { TK_PLUS, " + " },  { TK_MINUS, " - " }, { TK_STAR, " * " },  { TK_SLASH, " / " }, { TK_PERCENT, " % " },
            { TK_MOD, " mod " }, { TK_EQ, " == " },   { TK_NE, " != " },   { TK_LT, " < " },    { TK_LE, " <= " },
            { TK_GT, " > " },    { TK_GE, " >= " },   { TK_AND, " and " }, { TK_OR, " or " },   { TK_XOR, " xor " },
            { TK_IN, " in " },   { TK_SHL, " shl " }, { TK_SHR, " shr " },
        };
        const char *o = " ? ";
        for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
            if (ops[i].tk == e->op) o = ops[i].s;
        expr_text(e->a, buf, n, depth + 1);
        sappend(buf, n, o);
        expr_text(e->b, buf, n, depth + 1);
        break;
    }
    default: sappend(buf, n, "..."); break;
    }
}

void ck_condition(Compiler *C, Expr *cond, const char *what)
{
    Type *t = ck_expr(C, cond);
    char b[96];
    if (ty_is_secret(t)) {
        char text[128] = "";
        expr_text(cond, text, sizeof text, 0);
        diag_error(C->d, cond->line, cond->col,
                   "branching on a secret value isn't supported: this %s `%s` is %s, so which way it goes would "
                   "leak it; compute both results and select with arithmetic (b + c*(a-b)), or reveal the "
                   "condition explicitly with .reveal()",
                   what, text, ty_str(t, b, sizeof b));
    }
    if (t->k != T_BOOL && t->k != T_ANY)
        diag_error(C->d, cond->line, cond->col, "%s must be a bool, found %s", what, ty_str(t, b, sizeof b));
}

/* ---- assignability ---- */

void ck_assignable(Compiler *C, Type *want, Type *v, Expr *e, const char *what)
{
    char x[96], y[96];
    int line = e ? e->line : 0, col = e ? e->col : 0;
    if (want->k == T_ANY || v->k == T_ANY) {
        if (ty_is_secret(v) && !ty_is_secret(want) && want->k != T_ANY && want->k != T_OBJ && want->k != T_OPAQUE)
            goto reveal;
        return;
    }
    if (ty_is_secret(v) && !ty_is_secret(want) && want->k != T_OBJ && want->k != T_OPAQUE) {
    reveal:
        diag_error(C->d, line, col,
                   "cannot implicitly reveal a secret value (%s) into clear %s of type %s: call .reveal() to open it "
                   "explicitly",
                   ty_str(v, x, sizeof x), what, ty_str(want, y, sizeof y));
    }
    if (want->k == T_SHARE || v->k == T_SHARE) return;
    if (want->k == T_OPAQUE || v->k == T_OPAQUE) return;
    if (v->k == T_NONE && (want->k == T_NONE || want->k == T_OBJ || want->k == T_LIST || want->k == T_DICT)) return;
    if (want->k == T_INT && v->k == T_INT) {
        if (v->lit) {
            if (e && e->kind == E_INT && !fits(want, e->ival, e->op == TK_MINUS))
                diag_error(C->d, line, col, "integer literal %s%llu does not fit in %s", e->op == TK_MINUS ? "-" : "",
                           (unsigned long long)e->ival, ty_str(ty_clear(C, want), x, sizeof x));
            return;
        }
        if (want->bits == v->bits && want->sign == v->sign) return;
        bool widen = want->bits > v->bits && (want->sign || !v->sign);
        if (!widen)
            diag_error(C->d, line, col, "cannot narrow %s to %s in %s: the value may not fit",
                       ty_str(ty_clear(C, v), x, sizeof x), ty_str(ty_clear(C, want), y, sizeof y), what);
        return;
    }
    if ((want->k == T_FIX || want->k == T_FLOAT) && (v->k == T_FIX || v->k == T_FLOAT || (v->k == T_INT && v->lit)))
        return;
    if (want->k == T_BOOL && v->k == T_INT && v->lit && e && e->kind == E_INT && e->ival <= 1) return;
    if (want->k == v->k) {
        if (want->k == T_LIST || want->k == T_DICT) {
            if (want->elem->k == T_ANY || v->elem->k == T_ANY) return;
            Type *we = want->elem, *ve = v->elem;
            /* a list of clear values may become a list of secrets element-wise */
            if (ty_is_secret(we) && !ty_is_secret(ve)) return;
            ck_assignable(C, we, ve, e && e->kind == E_LIST ? NULL : NULL, what);
            return;
        }
        if (want->k == T_OBJ && strcmp(want->name, v->name) != 0) goto mismatch;
        return;
    }
mismatch:
    diag_error(C->d, line, col, "type mismatch in %s: expected %s, found %s", what, ty_str(want, x, sizeof x),
               ty_str(v, y, sizeof y));
}

/* ---- calls ---- */

static Type *parse_ret(Compiler *C, const char *r, Type *first_arg)
{
    if (strcmp(r, "int64") == 0) return &T_i64;
    if (strcmp(r, "uint64") == 0) return ty_int(C, false, 64);
    if (strcmp(r, "bool") == 0) return &T_bool;
    if (strcmp(r, "string") == 0) return &T_str;
    if (strcmp(r, "void") == 0) return &T_none;
    if (strcmp(r, "Share") == 0) return &T_share;
    if (strcmp(r, "Closure") == 0) return &T_closure;
    if (strcmp(r, "fix64") == 0) {
        Type *t = ty_new(C, T_FIX);
        t->bits = 64;
        return t;
    }
    if (strcmp(r, "bytes") == 0) {
        Type *t = ty_new(C, T_LIST);
        t->elem = ty_int(C, false, 8);
        return t;
    }
    if (strcmp(r, "E") == 0) return first_arg && first_arg->k == T_LIST ? first_arg->elem : &T_any;
    if (strncmp(r, "list[", 5) == 0) {
        Type *t = ty_new(C, T_LIST);
        t->elem = strcmp(r, "list[int64]") == 0    ? &T_i64
                  : strcmp(r, "list[string]") == 0 ? &T_str
                  : strcmp(r, "list[Share]") == 0  ? &T_share
                                                   : &T_any;
        return t;
    }
    if (strcmp(r, "RbcResult") == 0) {
        Type *t = ty_new(C, T_OPAQUE);
        t->name = "RbcResult";
        return t;
    }
    return &T_any;
}

/* Bind type variables of a generic signature from an argument type. */
static Type *bind_tv(Compiler *C, TypeExpr *pat, Type *actual, const char *tv)
{
    if (!pat || !actual) return NULL;
    if (strcmp(pat->name, tv) == 0) return pat->secret ? ty_clear(C, actual) : actual;
    if ((strcmp(pat->name, "list") == 0 && pat->nargs == 1 && actual->k == T_LIST))
        return bind_tv(C, pat->args[0], actual->elem, tv);
    if (strcmp(pat->name, "dict") == 0 && pat->nargs == 2 && actual->k == T_DICT) {
        Type *t = bind_tv(C, pat->args[0], actual->key, tv);
        return t ? t : bind_tv(C, pat->args[1], actual->elem, tv);
    }
    return NULL;
}

static Type *subst(Compiler *C, TypeExpr *te, const char **tvs, Type **binds, int n)
{
    if (!te) return &T_none;
    for (int i = 0; i < n; i++)
        if (strcmp(te->name, tvs[i]) == 0) {
            Type *t = binds[i] ? binds[i] : &T_any;
            return te->secret ? ty_secret(C, t) : t;
        }
    if (strcmp(te->name, "list") == 0 && te->nargs == 1) {
        Type *t = ty_new(C, T_LIST);
        t->elem = subst(C, te->args[0], tvs, binds, n);
        return t;
    }
    if (strcmp(te->name, "dict") == 0 && te->nargs == 2) {
        Type *t = ty_new(C, T_DICT);
        t->key = subst(C, te->args[0], tvs, binds, n);
        t->elem = subst(C, te->args[1], tvs, binds, n);
        return t;
    }
    const char **save = C->tvars;
    int ns = C->ntvars;
    C->tvars = tvs;
    C->ntvars = n;
    Type *t = ck_resolve(C, te);
    C->tvars = save;
    C->ntvars = ns;
    return t;
}

static Expr *default_expr(Compiler *C, Param *p)
{
    (void)C;
    return p->def;
}

/* Arrange a user call's arguments to positional order (named, defaults,
 * varargs) and check them against the parameters. */
static void bind_user_args(Compiler *C, Expr *call, CallInfo *ci, Expr *recv)
{
    FuncSig *f = ci->fn;
    FuncDecl *d = f->decl;
    int np = d->nparams;
    Expr **out = arena_alloc(C->A, (size_t)(np + 1) * sizeof *out);
    int given = call->nitems + (recv ? 1 : 0);
    int pos = 0;
    bool has_var = np && d->params[np - 1].vararg;
    int fixed = has_var ? np - 1 : np;
    Expr **vargs = NULL;
    int nv = 0;
    for (int i = 0; i < given; i++) {
        Expr *a = recv ? (i == 0 ? recv : call->items[i - 1]) : call->items[i];
        const char *nm = (call->names && (recv ? i > 0 : 1)) ? call->names[recv ? i - 1 : i] : NULL;
        if (nm) {
            int j = 0;
            while (j < np && strcmp(d->params[j].name, nm) != 0) j++;
            if (j == np) {
                const char *cands[64];
                size_t nc = 0;
                for (int k = 0; k < np && k < 64; k++) cands[nc++] = d->params[k].name;
                const char *s = diag_suggest(nm, cands, nc);
                if (s) ERR(C, a, "function %s has no parameter '%s'; did you mean '%s'?", d->name, nm, s);
                ERR(C, a, "function %s has no parameter '%s'", d->name, nm);
            }
            if (out[j]) ERR(C, a, "parameter '%s' is given twice", nm);
            out[j] = a;
            continue;
        }
        if (pos < fixed) {
            out[pos++] = a;
        } else if (has_var) {
            if (!vargs) vargs = arena_alloc(C->A, (size_t)given * sizeof *vargs);
            vargs[nv++] = a;
        } else {
            ERR(C, call, "%s takes %d argument%s but %d were given", d->name, np, np == 1 ? "" : "s", given);
        }
    }
    if (has_var) {
        Expr *l = arena_alloc(C->A, sizeof *l);
        l->kind = E_LIST;
        l->line = call->line;
        l->col = call->col;
        l->items = vargs;
        l->nitems = nv;
        out[np - 1] = l;
    }
    for (int j = 0; j < fixed; j++) {
        if (out[j]) continue;
        if (d->params[j].def) {
            out[j] = default_expr(C, &d->params[j]);
            continue;
        }
        ERR(C, call, "missing argument '%s' in call to %s", d->params[j].name, d->name);
    }
    ci->args = out;
    ci->nargs = np;
    /* types; generic type variables bound from the arguments */
    Type *binds[16] = { 0 };
    int ntv = d->ntparams < 16 ? d->ntparams : 16;
    for (int j = 0; j < np; j++) {
        Type *at = ck_expr(C, out[j]);
        for (int k = 0; k < ntv; k++)
            if (!binds[k]) binds[k] = bind_tv(C, d->params[j].type, at, d->tparams[k]);
        if (!(has_var && j == np - 1)) {
            char what[160];
            snprintf(what, sizeof what, "argument '%s' of %s", d->params[j].name, d->name);
            ck_assignable(C, f->ptypes[j], at, out[j], what);
        }
    }
    if (f->generic && d->ret) {
        int save = C->cur_module;
        C->cur_module = f->module;
        call->type = subst(C, d->ret, d->tparams, binds, ntv);
        C->cur_module = save;
    } else {
        call->type = f->ret;
    }
}

#if defined(__GNUC__)
__attribute__((noreturn))
#endif
static void
unknown_function(Compiler *C, Expr *e, const char *name)
{
    size_t nb;
    const char *const *bn = builtin_names(&nb);
    const char **cands = arena_alloc(C->A, (nb + (size_t)C->nfuncs + 1) * sizeof *cands);
    size_t nc = 0;
    for (size_t i = 0; i < nb; i++) cands[nc++] = bn[i];
    for (int i = 0; i < C->nfuncs; i++) cands[nc++] = C->funcs[i].name;
    const char *s = diag_suggest(name, cands, nc);
    if (s) ERR(C, e, "unknown function '%s'; did you mean '%s'?", name, s);
    ERR(C, e, "unknown function '%s'", name);
}

static CallInfo *builtin_call(Compiler *C, Expr *e, const Builtin *b, Expr *recv)
{
    CallInfo *ci = arena_alloc(C->A, sizeof *ci);
    ci->kind =
        strcmp(b->vm, "Share.open") == 0 && (strcmp(b->name, "reveal") == 0 || strcmp(b->name, "Share.reveal") == 0)
            ? CALL_REVEAL
            : CALL_BUILTIN;
    ci->vm = b->vm;
    int n = e->nitems + (recv ? 1 : 0);
    ci->args = arena_alloc(C->A, (size_t)(n + 1) * sizeof *ci->args);
    int k = 0;
    if (recv) ci->args[k++] = recv;
    for (int i = 0; i < e->nitems; i++) ci->args[k++] = e->items[i];
    ci->nargs = n;
    Type *first = NULL;
    for (int i = 0; i < n; i++) {
        Type *t = ck_expr(C, ci->args[i]);
        if (i == 0) first = t;
    }
    if (ci->kind == CALL_REVEAL) {
        if (n != 1) ERR(C, e, "reveal takes one secret value");
        e->type = first->k == T_SHARE ? &T_any : ty_clear(C, first);
    } else if (strcmp(b->name, "assert") == 0) {
        if (n < 1 || n > 2) ERR(C, e, "assert takes a condition and an optional message");
        if (ty_is_secret(first)) ERR(C, e, "assert on a secret condition would reveal it: reveal it explicitly first");
        e->type = &T_none;
    } else if (strcmp(b->name, "Share.open_fixed") == 0 || strcmp(b->name, "Share.open") == 0) {
        e->type = strcmp(b->name, "Share.open_fixed") == 0            ? parse_ret(C, "fix64", NULL)
                  : first && first->k != T_SHARE && first->k != T_ANY ? ty_clear(C, first)
                                                                      : &T_any;
    } else if (strcmp(b->name, "copy") == 0 || strcmp(b->name, "slice") == 0) {
        e->type = first ? first : &T_any;
    } else {
        e->type = parse_ret(C, b->ret, first);
    }
    e->info = ci;
    return ci;
}

CallInfo *ck_call(Compiler *C, Expr *e)
{
    if (e->info) return e->info;
    Expr *callee = e->a;
    CallInfo *ci = arena_alloc(C->A, sizeof *ci);
    if (!ci) ERR(C, e, "out of memory");
    if (callee->kind == E_NAME) {
        const char *n = callee->str;
        FuncSig *f = cg_lookup(C, n) ? NULL : ck_find_func(C, n);
        if (f) {
            ci->kind = CALL_USER;
            ci->fn = f;
            e->info = ci;
            bind_user_args(C, e, ci, NULL);
            return ci;
        }
        ObjInfo *o = ck_find_obj(C, n);
        if (o) {
            ci->kind = CALL_CTOR;
            ci->obj = o;
            ci->args = e->items;
            ci->nargs = e->nitems;
            for (int i = 0; i < e->nitems; i++) {
                if (!e->names || !e->names[i])
                    ERR(C, e->items[i], "object constructors take named fields: %s(field: value)", n);
                int j = 0;
                while (j < o->nfields && strcmp(o->fields[j], e->names[i]) != 0) j++;
                if (j == o->nfields) {
                    const char *s = diag_suggest(e->names[i], o->fields, (size_t)o->nfields);
                    if (s) ERR(C, e->items[i], "object %s has no field '%s'; did you mean '%s'?", n, e->names[i], s);
                    ERR(C, e->items[i], "object %s has no field '%s'", n, e->names[i]);
                }
                char what[160];
                snprintf(what, sizeof what, "field '%s' of %s", o->fields[j], n);
                ck_assignable(C, o->ftypes[j], ck_expr(C, e->items[i]), e->items[i], what);
            }
            Type *t = ty_new(C, T_OBJ);
            t->name = o->decl->name;
            e->type = t;
            e->info = ci;
            return ci;
        }
        const Builtin *b = builtin_find(n);
        if (b && !strchr(n, '.')) return builtin_call(C, e, b, NULL);
        if (cg_lookup(C, n)) ERR(C, e, "'%s' is a variable, not a function: use call_closure to call a closure", n);
        unknown_function(C, e, n);
    }
    if (callee->kind == E_ATTR) {
        Expr *recv = callee->a;
        const char *m = callee->str;
        char q[256];
        if (recv->kind == E_NAME && !cg_lookup(C, recv->str)) {
            if (ck_is_builtin_object(recv->str)) {
                snprintf(q, sizeof q, "%s.%s", recv->str, m);
                const Builtin *b = builtin_find(q);
                if (!b) unknown_function(C, callee, q);
                return builtin_call(C, e, b, NULL);
            }
            int mod = find_module(C, recv->str);
            if (mod >= 0) {
                FuncSig *f = NULL;
                for (int i = 0; i < C->nfuncs && !f; i++)
                    if (C->funcs[i].module == mod && strcmp(C->funcs[i].decl->name, m) == 0) f = &C->funcs[i];
                if (!f) {
                    snprintf(q, sizeof q, "%s.%s", recv->str, m);
                    unknown_function(C, callee, q);
                }
                ci->kind = CALL_USER;
                ci->fn = f;
                e->info = ci;
                bind_user_args(C, e, ci, NULL);
                return ci;
            }
        }
        Type *rt = ck_expr(C, recv);
        if (ty_is_secret(rt)) {
            FuncSig *f = ck_find_func(C, m);
            if (f) {
                ci->kind = CALL_USER;
                ci->fn = f;
                e->info = ci;
                bind_user_args(C, e, ci, recv);
                return ci;
            }
            snprintf(q, sizeof q, "Share.%s", m);
            const Builtin *b = builtin_find(q);
            if (!b) b = builtin_find(m);
            if (!b) unknown_function(C, callee, q);
            return builtin_call(C, e, b, recv);
        }
        FuncSig *f = ck_find_func(C, m);
        if (f) {
            ci->kind = CALL_USER;
            ci->fn = f;
            e->info = ci;
            bind_user_args(C, e, ci, recv);
            return ci;
        }
        const Builtin *b = builtin_find(m);
        if (b && !strchr(m, '.')) return builtin_call(C, e, b, recv);
        if (strcmp(m, "length") == 0) ERR(C, callee, "unknown method 'length': use len(x) or x.len()");
        unknown_function(C, callee, m);
    }
    ERR(C, e, "this expression cannot be called");
}

/* ---- return paths ---- */

bool ck_block_returns(const Block *b)
{
    for (int i = 0; i < b->n; i++) {
        const Stmt *s = b->v[i];
        if (s->kind == S_RETURN) return true;
        if (s->kind == S_IF && s->orelse.n && ck_block_returns(&s->body) && ck_block_returns(&s->orelse)) return true;
        if (s->kind == S_MATCH) {
            bool all = s->ncases > 0, dflt = false;
            for (int c = 0; c < s->ncases; c++) {
                if (!s->cases[c].pattern) dflt = true;
                if (!ck_block_returns(&s->cases[c].body)) all = false;
            }
            if (all && dflt) return true;
        }
        if (s->kind == S_WHILE && s->value->kind == E_BOOL && s->value->ival) return true;
        if (s->kind == S_EXPR && s->value->kind == E_CALL && s->value->a->kind == E_NAME &&
            strcmp(s->value->a->str, "assert") == 0 && s->value->nitems >= 1 && s->value->items[0]->kind == E_BOOL &&
            !s->value->items[0]->ival)
            return true;
    }
    return false;
}

/* ---- declarations ---- */

static void add_obj_fields(Compiler *C, ObjInfo *oi, ObjectDecl *o, int depth)
{
    if (depth > 32) diag_error(C->d, o->line, o->col, "object inheritance is circular");
    if (o->base) {
        ObjInfo *b = ck_find_obj(C, o->base);
        if (!b) diag_error(C->d, o->line, o->col, "unknown base object '%s'", o->base);
        add_obj_fields(C, oi, b->decl, depth + 1);
    }
    for (int i = 0; i < o->nfields; i++) {
        oi->fields[oi->nfields] = o->fields[i].name;
        oi->ftypes[oi->nfields] = NULL;
        oi->nfields++;
    }
}

static int count_fields(Compiler *C, ObjectDecl *o, int depth)
{
    if (depth > 32) diag_error(C->d, o->line, o->col, "object inheritance is circular");
    int n = o->nfields;
    if (o->base) {
        ObjInfo *b = ck_find_obj(C, o->base);
        if (!b) diag_error(C->d, o->line, o->col, "unknown base object '%s'", o->base);
        n += count_fields(C, b->decl, depth + 1);
    }
    return n;
}

static TypeExpr *field_texpr(Compiler *C, ObjectDecl *o, const char *name)
{
    for (int i = 0; i < o->nfields; i++)
        if (strcmp(o->fields[i].name, name) == 0) return o->fields[i].type;
    if (o->base) {
        ObjInfo *b = ck_find_obj(C, o->base);
        if (b) return field_texpr(C, b->decl, name);
    }
    return NULL;
}

void ck_declare(Compiler *C)
{
    int nobj = 0, nfn = 0;
    for (int m = 0; m < C->nmodules; m++) {
        if (!C->modules[m].mod) continue;
        nobj += C->modules[m].mod->nobjects;
        nfn += C->modules[m].mod->nfuncs;
    }
    C->objs = arena_alloc(C->A, (size_t)(nobj + 1) * sizeof *C->objs);
    C->funcs = arena_alloc(C->A, (size_t)(nfn + 1) * sizeof *C->funcs);
    for (int m = 0; m < C->nmodules; m++) {
        Module *mod = C->modules[m].mod;
        if (!mod) continue;
        for (int i = 0; i < mod->nobjects; i++) {
            ObjectDecl *o = mod->objects[i];
            if (ck_find_obj(C, o->name)) diag_error(C->d, o->line, o->col, "object '%s' is defined twice", o->name);
            C->objs[C->nobjs++].decl = o;
        }
    }
    for (int i = 0; i < C->nobjs; i++) {
        ObjInfo *oi = &C->objs[i];
        int n = count_fields(C, oi->decl, 0);
        oi->fields = arena_alloc(C->A, (size_t)(n + 1) * sizeof *oi->fields);
        oi->ftypes = arena_alloc(C->A, (size_t)(n + 1) * sizeof *oi->ftypes);
        add_obj_fields(C, oi, oi->decl, 0);
    }
    for (int i = 0; i < C->nobjs; i++) {
        ObjInfo *oi = &C->objs[i];
        for (int f = 0; f < oi->nfields; f++) {
            Type *t = ck_resolve(C, field_texpr(C, oi->decl, oi->fields[f]));
            /* secret on an object-typed field is dropped: objects are clear handles */
            oi->ftypes[f] = t;
        }
    }
    for (int m = 0; m < C->nmodules; m++) {
        Module *mod = C->modules[m].mod;
        if (!mod) continue;
        C->cur_module = m;
        for (int i = 0; i < mod->nfuncs; i++) {
            FuncDecl *d = mod->funcs[i];
            if (d->builtin) continue;
            for (int j = 0; j < C->nfuncs; j++)
                if (C->funcs[j].module == m && strcmp(C->funcs[j].decl->name, d->name) == 0)
                    diag_error(C->d, d->line, d->col, "function '%s' is defined twice (there is no overloading)",
                               d->name);
            FuncSig *f = &C->funcs[C->nfuncs++];
            f->decl = d;
            f->module = m;
            if (m == 0) {
                f->name = d->name;
                f->emit = d->name;
            } else {
                size_t n = strlen(C->modules[m].alias) + strlen(d->name) + 2;
                char *q = arena_alloc(C->A, n);
                snprintf(q, n, "%s.%s", C->modules[m].alias, d->name);
                f->name = q;
                f->emit = q;
            }
            f->generic = d->ntparams > 0;
            C->tvars = d->tparams;
            C->ntvars = d->ntparams;
            f->ptypes = arena_alloc(C->A, (size_t)(d->nparams + 1) * sizeof *f->ptypes);
            for (int j = 0; j < d->nparams; j++) {
                Type *t = ck_resolve(C, d->params[j].type);
                if (d->params[j].vararg) {
                    Type *l = ty_new(C, T_LIST);
                    l->elem = t;
                    t = l;
                }
                f->ptypes[j] = t;
                if (d->params[j].def)
                    ck_assignable(C, t, ck_expr(C, d->params[j].def), d->params[j].def, "default value");
            }
            f->ret = d->has_ret ? ck_resolve(C, d->ret) : &T_none;
            C->tvars = NULL;
            C->ntvars = 0;
        }
    }
    C->cur_module = 0;
}
