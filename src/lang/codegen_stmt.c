/* codegen_stmt.c: statements and loops (see codegen_internal.h). */
#include "codegen_internal.h"

#include <stdio.h>
#include <string.h>

#include "lexer.h"

/* The part both kinds of for-loop share, after the body label: the body,
 * then counter += 1 and "jump back while counter < limit". */
static void loop_rest(G *g, const Expr *iter, BodyFn body, void *ud, bool is_stmt, int counter, int limit, int one,
                      int lbody, int lcont, int lcond, int lend)
{
    if (g->nloops >= 256) diag_error(g->C->d, iter->line, iter->col, "loops nested too deeply");
    if (is_stmt) g->loops[g->nloops++] = (Loop){ lend, lcont };
    g->loopdepth++;
    body(g, ud);
    g->loopdepth--;
    if (is_stmt) g->nloops--;
    cg_place(g, lcont);
    uint32_t ri = cg_rd(g, counter, 0), ro = cg_rd(g, one, 1);
    cg_emit(g, STF_OP_ADD, wr_reg(counter), ri, ro);
    cg_wr_done(g, counter);
    cg_place(g, lcond);
    cg_emit(g, STF_OP_CMP, cg_rd(g, counter, 0), cg_rd(g, limit, 1), 0);
    cg_jump(g, STF_OP_JMPLT, lbody);
    cg_place(g, lend);
}

/* for-loop skeleton over a range or a list; `body` emits the loop body
 * (a statement block or a comprehension element). */
void cg_gen_loop(G *g, const char *var, Expr *iter, BodyFn body, void *ud, bool is_stmt)
{
    Mark m = cg_mark(g);
    Type *it = ck_expr(g->C, iter);
    int lbody = cg_new_label(g), lcont = cg_new_label(g), lcond = cg_new_label(g), lend = cg_new_label(g);
    if (iter->kind == E_RANGE) {
        Type *vt = it->elem;
        Val a = cg_gen(g, iter->a, vt, NODST);
        int i = cg_alloc_clear(g);
        cg_mov(g, i, a.loc);
        /* a temporary a stays allocated below i: simpler than reusing its slot */
        Val b = cg_gen(g, iter->b, vt, NODST);
        int lim = b.loc;
        if (!b.temp) {
            lim = cg_alloc_clear(g);
            cg_mov(g, lim, b.loc);
        }
        int one = cg_alloc_clear(g);
        cg_ldi(g, one, cg_k_int(g, vt, 1));
        cg_declare(g, var, vt, i);
        cg_jump(g, STF_OP_JMP, lcond);
        cg_place(g, lbody);
        loop_rest(g, iter, body, ud, is_stmt, i, lim, one, lbody, lcont, lcond, lend);
    } else {
        Type *et = it->k == T_LIST || it->k == T_DICT ? it->elem : it->k == T_STR ? ty_basic(T_STR) : ty_basic(T_ANY);
        if (ty_is_secret(it))
            diag_error(g->C->d, iter->line, iter->col, "iterating over a secret value is not supported");
        Val l = cg_gen(g, iter, NULL, NODST);
        int lst = l.loc;
        if (!l.temp) {
            lst = cg_alloc_clear(g);
            cg_mov(g, lst, l.loc);
        }
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, lst, 0), 0, 0);
        cg_call(g, "len");
        int n = cg_alloc_clear(g);
        cg_mov(g, n, 0);
        int idx = cg_alloc_clear(g);
        cg_ldi(g, idx, cg_k_int(g, NULL, 0));
        int one = cg_alloc_clear(g);
        cg_ldi(g, one, cg_k_int(g, NULL, 1));
        int x = cg_alloc_for(g, et);
        cg_declare(g, var, et, x);
        cg_jump(g, STF_OP_JMP, lcond);
        cg_place(g, lbody);
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, lst, 0), 0, 0);
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, idx, 1), 0, 0);
        cg_call(g, "get_field");
        cg_mov(g, x, 0);
        loop_rest(g, iter, body, ud, is_stmt, idx, n, one, lbody, lcont, lcond, lend);
    }
    cg_unwind(g, m);
}

/* ---- statements ---- */

static int compound_op(int tk)
{
    switch (tk) {
    case TK_PLUSEQ: return TK_PLUS;
    case TK_MINUSEQ: return TK_MINUS;
    case TK_STAREQ: return TK_STAR;
    case TK_SLASHEQ: return TK_SLASH;
    case TK_PERCENTEQ: return TK_PERCENT;
    default: return 0;
    }
}

static void gen_assign(G *g, Stmt *s)
{
    Expr *value = s->value;
    if (s->op != TK_ASSIGN) {
        Expr *b = arena_alloc(g->C->A, sizeof *b);
        b->kind = E_BIN;
        b->op = compound_op(s->op);
        b->line = s->line;
        b->col = s->col;
        b->a = s->target;
        b->b = s->value;
        value = b;
    }
    Expr *tg = s->target;
    Type *vt = ck_expr(g->C, value);
    if (tg->kind == E_NAME) {
        Var *v = cg_lookup(g->C, tg->str);
        if (!v) {
            if (ck_find_func(g->C, tg->str)) ERR(g, tg, "cannot assign to function '%s'", tg->str);
            ck_expr(g->C, tg); /* reports unknown name with a suggestion */
        }
        char what[160];
        snprintf(what, sizeof what, "variable '%s'", v->name);
        ck_assignable(g->C, v->type, vt, value, what);
        Val r = cg_gen(g, value, v->type, v->loc);
        if (r.loc != v->loc) {
            r = cg_coerce(g, r, v->type);
            if (is_secret_loc(r.loc) && !is_secret_loc(v->loc))
                ERR(g, value, "cannot store a secret value in clear variable '%s': call .reveal() to open it", v->name);
            cg_mov(g, v->loc, r.loc);
        }
        cg_release(g, r);
        return;
    }
    if (tg->kind == E_INDEX) {
        Type *ot = ck_expr(g->C, tg->a);
        ck_expr(g->C, tg->b);
        Type *et = ot->k == T_LIST || ot->k == T_DICT ? ot->elem : NULL;
        if (et) ck_assignable(g->C, et, vt, value, "list element");
        if (ty_is_secret(tg->b->type))
            ERR(g, tg->b, "writing at a secret index is not supported: the position would reveal it");
        Val o = cg_gen(g, tg->a, NULL, NODST);
        Val k = cg_gen(g, tg->b, ot->k == T_DICT ? ot->key : NULL, NODST);
        Val v = cg_gen(g, value, et, NODST);
        if (et) v = cg_coerce(g, v, et);
        cg_store_index(g, o, k, v);
        cg_release(g, v);
        cg_release(g, k);
        cg_release(g, o);
        return;
    }
    if (tg->kind == E_ATTR) {
        Type *ft = ck_expr(g->C, tg);
        ck_assignable(g->C, ft, vt, value, "field");
        Val o = cg_gen(g, tg->a, NULL, NODST);
        int k = cg_alloc_clear(g);
        cg_ldi(g, k, cg_k_str(g, tg->str, strlen(tg->str)));
        Val v = cg_coerce(g, cg_gen(g, value, ft, NODST), ft);
        cg_store_index(g, o, (Val){ k, true, NULL }, v);
        cg_release(g, v);
        cg_release(g, (Val){ k, true, NULL });
        cg_release(g, o);
        return;
    }
    ERR(g, tg, "cannot assign to this expression");
}

static void stmt_block_body(G *g, void *ud) { cg_gen_block(g, ud); }

static void gen_stmt(G *g, Stmt *s)
{
    g->line = s->line;
    switch (s->kind) {
    case S_VAR: {
        Type *t;
        if (s->type) {
            t = ck_resolve(g->C, s->type);
            if (s->value) {
                char what[160];
                snprintf(what, sizeof what, "variable '%s'", s->name);
                ck_assignable(g->C, t, ck_expr(g->C, s->value), s->value, what);
            }
        } else if (s->value) {
            t = ck_expr(g->C, s->value);
            if (t->lit) t = t->k == T_FLOAT ? ty_basic(T_FLOAT) : ty_basic(T_INT);
            if (t->k == T_NONE && s->value->kind != E_NONE)
                ERR(g, s->value, "cannot declare '%s' from an expression with no value", s->name);
            if (t->k == T_NONE) t = ty_basic(T_ANY);
        } else {
            ERR(g, s, "variable '%s' needs a type or an initial value", s->name);
        }
        int loc;
        if (s->value) {
            Val v = cg_gen(g, s->value, t, NODST);
            v = cg_coerce(g, v, t);
            if (is_secret_loc(v.loc) && !bank_secret(t) && t->k != T_ANY)
                ERR(g, s->value, "cannot store a secret value in clear variable '%s': call .reveal() to open it",
                    s->name);
            if (v.temp && (is_secret_loc(v.loc) == bank_secret(t) || t->k == T_ANY)) {
                loc = v.loc;
            } else {
                loc = cg_alloc_for(g, is_secret_loc(v.loc) ? ty_basic(T_SHARE) : t);
                cg_mov(g, loc, v.loc);
                cg_release(g, v); /* no-op unless v was a temp of the other bank */
            }
            if (is_secret_loc(loc) && !bank_secret(t)) t = ty_secret(g->C, t);
        } else {
            loc = cg_alloc_for(g, t);
            uint32_t k = t->k == T_INT                        ? cg_k_int(g, t, 0)
                         : (t->k == T_FLOAT || t->k == T_FIX) ? cg_k_float(g, 0.0)
                         : t->k == T_BOOL                     ? cg_k_bool(g, false)
                         : t->k == T_STR                      ? cg_k_str(g, "", 0)
                                                              : cg_k_unit(g);
            if (t->k == T_OBJ || t->k == T_DICT) {
                cg_call(g, "create_object");
                cg_mov(g, loc, 0);
            } else if (t->k == T_LIST) {
                cg_call_create_array(g, 0);
                cg_mov(g, loc, 0);
            } else if (is_secret_loc(loc)) {
                int c = cg_alloc_clear(g);
                cg_ldi(g, c, k);
                cg_mov(g, loc, c);
                cg_release(g, (Val){ c, true, NULL });
            } else {
                cg_ldi(g, loc, k);
            }
        }
        cg_declare(g, s->name, t, loc);
        return;
    }
    case S_ASSIGN: gen_assign(g, s); return;
    case S_EXPR:
    case S_DISCARD: {
        Val v = cg_gen(g, s->value, NULL, s->value->kind == E_CALL ? DISCARD : NODST);
        cg_release(g, v);
        return;
    }
    case S_IF: {
        ck_condition(g->C, s->value, "if condition");
        int lelse = cg_new_label(g), lend = cg_new_label(g);
        cg_branch(g, s->value, false, lelse);
        Mark m = cg_mark(g);
        cg_gen_block(g, &s->body);
        cg_unwind(g, m);
        if (s->orelse.n) cg_jump(g, STF_OP_JMP, lend);
        cg_place(g, lelse);
        if (s->orelse.n) {
            cg_gen_block(g, &s->orelse);
            cg_unwind(g, m);
        }
        cg_place(g, lend);
        return;
    }
    case S_WHILE: {
        ck_condition(g->C, s->value, "while condition");
        int lbody = cg_new_label(g), lcond = cg_new_label(g), lend = cg_new_label(g);
        cg_jump(g, STF_OP_JMP, lcond);
        cg_place(g, lbody);
        if (g->nloops >= 256) ERR(g, s, "loops nested too deeply");
        g->loops[g->nloops++] = (Loop){ lend, lcond };
        g->loopdepth++;
        Mark m = cg_mark(g);
        cg_gen_block(g, &s->body);
        cg_unwind(g, m);
        g->nloops--;
        cg_place(g, lcond);
        g->line = s->line;
        cg_branch(g, s->value, true, lbody);
        g->loopdepth--;
        cg_place(g, lend);
        return;
    }
    case S_FOR: cg_gen_loop(g, s->name, s->value, stmt_block_body, &s->body, true); return;
    case S_BREAK:
    case S_CONTINUE:
        if (!g->nloops) ERR(g, s, "'%s' outside a loop", s->kind == S_BREAK ? "break" : "continue");
        cg_jump(g, STF_OP_JMP, s->kind == S_BREAK ? g->loops[g->nloops - 1].brk : g->loops[g->nloops - 1].cont);
        return;
    case S_PASS: return;
    case S_RETURN: {
        Type *rt = g->ret;
        if (!s->value) {
            if (rt->k != T_NONE && rt->k != T_ANY) ERR(g, s, "missing return value: the function returns a value");
            int u = cg_alloc_clear(g);
            cg_ldi(g, u, cg_k_unit(g));
            cg_emit(g, STF_OP_RET, cg_rd(g, u, 0), 0, 0);
            cg_release(g, (Val){ u, true, NULL });
            return;
        }
        Type *vt = ck_expr(g->C, s->value);
        if (rt->k == T_NONE && vt->k != T_NONE)
            ERR(g, s->value, "this function returns None: declare a return type with -> T");
        ck_assignable(g->C, rt, vt, s->value, "return value");
        Val v = cg_coerce(g, cg_gen(g, s->value, rt, NODST), rt);
        cg_emit(g, STF_OP_RET, cg_rd(g, v.loc, 0), 0, 0);
        cg_release(g, v);
        return;
    }
    case S_ASSERT: {
        ck_condition(g->C, s->value, "assert condition");
        Val c = cg_gen(g, s->value, NULL, NODST);
        Val m = s->target ? cg_gen(g, s->target, NULL, NODST) : (Val){ 0, false, NULL };
        if (s->target && s->target->type->k != T_STR && s->target->type->k != T_ANY)
            ERR(g, s->target, "assert message must be a string");
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, c.loc, 0), 0, 0);
        if (s->target) cg_emit(g, STF_OP_PUSHARG, cg_rd(g, m.loc, 1), 0, 0);
        if (s->target) cg_release(g, m);
        cg_release(g, c);
        cg_call(g, "assert");
        return;
    }
    case S_MATCH: {
        Type *t = ck_expr(g->C, s->value);
        if (ty_is_secret(t)) ERR(g, s->value, "match on a secret value isn't supported: the case taken would leak it");
        Mark m0 = cg_mark(g);
        Val v = cg_gen(g, s->value, NULL, NODST);
        int lend = cg_new_label(g);
        for (int i = 0; i < s->ncases; i++) {
            MatchCase *c = &s->cases[i];
            int lnext = cg_new_label(g);
            if (c->pattern) {
                ck_expr(g->C, c->pattern);
                Val p = cg_gen(g, c->pattern, t, NODST);
                cg_emit(g, STF_OP_CMP, cg_rd(g, v.loc, 0), cg_rd(g, p.loc, 1), 0);
                cg_release(g, p);
                cg_jump(g, STF_OP_JMPNEQ, lnext);
            }
            Mark m = cg_mark(g);
            cg_gen_block(g, &c->body);
            cg_unwind(g, m);
            cg_jump(g, STF_OP_JMP, lend);
            cg_place(g, lnext);
        }
        cg_place(g, lend);
        cg_unwind(g, m0);
        return;
    }
    }
}

void cg_gen_block(G *g, const Block *b)
{
    for (int i = 0; i < b->n; i++) gen_stmt(g, b->v[i]);
}
