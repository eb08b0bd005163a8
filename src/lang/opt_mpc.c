/* opt_mpc.c: the optimizer's passes for fewer online MPC rounds (-O2).
 *
 * The VM queues a secret-by-secret MUL and runs every queued product in
 * one round when a pending result is first read (src/vm/mpc_vm.c), so
 * products that are all issued before the first such read share a round.
 * Share.open is one round per call, Share.batch_open one round for all the
 * shares of its array. */
#include <stdlib.h>
#include <string.h>

#include "opt_internal.h"

static bool secret_mul(const StfInstr *in)
{
    return in->op == STF_OP_MUL && in->b >= OPT_SECRET && in->c >= OPT_SECRET;
}

static bool reads_secret(const StfInstr *in)
{
    uint32_t r[3];
    int nr = opt_reads(in, r);
    for (int j = 0; j < nr; j++)
        if (r[j] >= OPT_SECRET) return true;
    return false;
}

/* A call the product may move above: a plain builtin (no '.', so no MPC
 * builtin) that is not a function of the program.  It reads no registers
 * and writes r0, which a secret product never touches. */
static bool plain_builtin(const StfProgram *p, const StfInstr *in)
{
    if (memchr(in->name.s, '.', in->name.len)) return false;
    for (uint32_t k = 0; k < p->func_count; k++)
        if (p->funcs[k].name.len == in->name.len && memcmp(p->funcs[k].name.s, in->name.s, in->name.len) == 0)
            return false;
    return true;
}

/* May `mul` move above `in`?  Not past control flow or calls other than
 * plain builtins, nor past a write of its operands.  *renamed is set when
 * `in` touches the product's destination: the product then goes to a
 * fresh register, copied to the destination where it was. */
static bool may_cross(const StfProgram *p, const StfInstr *in, const StfInstr *mul, bool *renamed)
{
    if (in->op == STF_OP_RET || opt_is_jump(in->op) || (in->op == STF_OP_CALL && !plain_builtin(p, in))) return false;
    uint32_t w = opt_writes(in);
    if (w == mul->b || w == mul->c) return false;
    uint32_t r[3];
    int nr = opt_reads(in, r);
    for (int j = 0; j < nr; j++)
        if (r[j] == mul->a) *renamed = true;
    if (w == mul->a) *renamed = true;
    return true;
}

/* Move each secret product up to just after what it depends on, within
 * its basic block, when that puts it before an instruction that reads a
 * secret (which may flush the queue): it then joins the earlier round.
 * Moving products earlier never delays a round: dependent ones stay in
 * order.  Returns how many moved, or -1 (OOM). */
int opt_mpc_hoist_muls(const StfProgram *prog, StfFunction *f, uint32_t *moved)
{
    bool *lead = opt_leaders(f);
    if (!lead) return -1;
    uint32_t base = stf_function_frame_size(f), next = 0, top = 0;
    if (base < OPT_SECRET) base = OPT_SECRET;
    int rc = 0;
    for (uint32_t i = 0; i < f->instr_count; i++) {
        if (lead[i]) next = 0;
        if (!secret_mul(&f->instrs[i])) continue;
        StfInstr mul = f->instrs[i];
        uint32_t p = i;
        bool worth = false, renamed = false;
        while (!lead[p] && may_cross(prog, &f->instrs[p - 1], &mul, &renamed)) {
            const StfInstr *in = &f->instrs[p - 1];
            if (!secret_mul(in) && reads_secret(in)) worth = true;
            p--;
        }
        if (!worth) continue;
        while (secret_mul(&f->instrs[p])) p++; /* passing products gains nothing */
        renamed = false;
        for (uint32_t j = p; j < i; j++) may_cross(prog, &f->instrs[j], &mul, &renamed);
        if (renamed) {
            uint32_t t = base + next;
            /* the copy back must stay in the secret bank (else it reveals) */
            if (t > UINT16_MAX || mul.a < OPT_SECRET) continue;
            StfInstr mov = mul;
            mov.op = STF_OP_MOV;
            mov.b = t;
            mov.c = 0;
            if (opt_splice(f, i + 1, 0, &mov, 1) != 0) {
                rc = -1;
                break;
            }
            free(lead);
            lead = opt_leaders(f);
            if (!lead) return -1;
            mul.a = t;
            if (++next > top) top = next;
        }
        /* labels stay: none points inside a block */
        memmove(f->instrs + p + 1, f->instrs + p, (size_t)(i - p) * sizeof *f->instrs);
        f->instrs[p] = mul;
        (*moved)++;
    }
    if (top && base + top > f->register_count) f->register_count = (uint16_t)(base + top);
    free(lead);
    return rc;
}

/* ---- repeated products ----------------------------------------------------------------- */

/* Within a basic block, a secret product of the same two registers as an
 * earlier one, none of the three written since, is a copy of it: one
 * triple and one multiplication less.  Returns how many went. */
uint32_t opt_mpc_reuse_products(StfFunction *f)
{
    bool *lead = opt_leaders(f);
    uint32_t *avail = malloc(((size_t)f->instr_count + 1) * sizeof *avail);
    uint32_t navail = 0, reused = 0;
    for (uint32_t i = 0; lead && avail && i < f->instr_count; i++) {
        if (lead[i]) navail = 0;
        StfInstr *in = &f->instrs[i];
        if (secret_mul(in))
            for (uint32_t k = 0; k < navail; k++) {
                const StfInstr *m = &f->instrs[avail[k]];
                /* a move from the secret bank into the clear one would reveal */
                bool banks = (m->a < OPT_SECRET) == (in->a < OPT_SECRET);
                if (banks && ((m->b == in->b && m->c == in->c) || (m->b == in->c && m->c == in->b))) {
                    in->op = STF_OP_MOV;
                    in->b = m->a;
                    in->c = 0;
                    reused++;
                    break;
                }
            }
        uint32_t w = opt_writes(in);
        for (uint32_t k = 0; w != OPT_NONE && k < navail;) {
            const StfInstr *m = &f->instrs[avail[k]];
            if (m->a == w || m->b == w || m->c == w)
                avail[k] = avail[--navail];
            else
                k++;
        }
        if (secret_mul(in) && in->a != in->b && in->a != in->c) avail[navail++] = i;
    }
    free(lead);
    free(avail);
    return reused;
}

/* ---- secret bool gates ---------------------------------------------------------------- */

/* AND, OR and XOR of two secret bools each run their own round in the VM,
 * at once.  As arithmetic on 0/1 shares (what the VM computes: AND = ab,
 * OR = a + b - ab, XOR = a + b - 2ab) the product is a queued MUL, which
 * batches with the others.  The checker allows these gates on secret
 * bools only.  The product goes to a fresh secret register (the frame
 * grows; temporaries are reused from block to block).  Returns how many
 * gates were lowered, or -1 (OOM). */
int opt_mpc_lower_gates(StfFunction *f, uint32_t *lowered)
{
    bool *lead = opt_leaders(f);
    if (!lead) return -1;
    uint32_t base = stf_function_frame_size(f), next = 0, top = 0;
    if (base < OPT_SECRET) base = OPT_SECRET;
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < f->instr_count; i++) {
        if (lead[i]) next = 0;
        StfInstr in = f->instrs[i];
        if ((in.op != STF_OP_AND && in.op != STF_OP_OR && in.op != STF_OP_XOR) || in.b < OPT_SECRET ||
            in.c < OPT_SECRET)
            continue;
        if (in.op == STF_OP_AND) {
            f->instrs[i].op = STF_OP_MUL;
            (*lowered)++;
            continue;
        }
        uint32_t t = base + next;
        if (t > UINT16_MAX) continue; /* no register left: keep the gate */
        StfInstr seq[4];
        for (int j = 0; j < 4; j++) seq[j] = in;
        seq[0].op = STF_OP_MUL; /* t = ab */
        seq[0].a = t;
        seq[1].op = STF_OP_ADD; /* d = a + b */
        seq[2].op = STF_OP_SUB; /* d -= ab (twice for XOR) */
        seq[2].b = in.a;
        seq[2].c = t;
        seq[3] = seq[2];
        uint32_t len = in.op == STF_OP_XOR ? 4 : 3;
        if (opt_splice(f, i, 1, seq, len) != 0) {
            rc = -1;
            break;
        }
        if (++next > top) top = next;
        (*lowered)++;
        bool *grown = realloc(lead, (size_t)f->instr_count + 1);
        if (!grown) {
            rc = -1;
            break;
        }
        lead = grown;
        memmove(lead + i + len, lead + i + 1, (size_t)(f->instr_count - i - len + 1));
        memset(lead + i + 1, 0, len - 1);
        i += len - 1;
    }
    if (top && base + top > f->register_count) f->register_count = (uint16_t)(base + top);
    free(lead);
    return rc;
}

/* ---- reveal batching --------------------------------------------------------------- */

/* Does every basic block leave the argument stack empty (so it is empty at
 * every block's start)?  Also false when LD reads the stack. */
static bool stack_clean(const StfFunction *f, const bool *lead)
{
    uint32_t depth = 0;
    for (uint32_t i = 0; i < f->instr_count; i++) {
        if (lead[i] && depth) return false;
        if (lead[i]) depth = 0;
        const StfInstr *in = &f->instrs[i];
        if (in->op == STF_OP_LD) return false;
        if (in->op == STF_OP_PUSHARG) depth++;
        if (in->op == STF_OP_CALL) depth = 0;
        if (opt_is_jump(in->op) && depth) return false;
    }
    return depth == 0;
}

/* `PUSHARG s; CALL Share.open; MOV d, r0` with s secret, d clear (not r0). */
static bool open_triple(const StfFunction *f, const bool *lead, uint32_t j)
{
    if (j + 2 >= f->instr_count || lead[j + 1] || lead[j + 2]) return false;
    const StfInstr *in = &f->instrs[j];
    return in[0].op == STF_OP_PUSHARG && in[0].a >= OPT_SECRET && in[1].op == STF_OP_CALL &&
           opt_name_is(&in[1].name, "Share.open") && in[2].op == STF_OP_MOV && in[2].b == 0 && in[2].a >= 1 &&
           in[2].a < OPT_SECRET;
}

typedef struct {
    StfInstr *v;
    uint32_t n;
    uint32_t line;
    bool oom;
} Seq;

static void emit(Seq *q, uint8_t op, uint32_t a, uint32_t b, const char *call)
{
    StfInstr *in = &q->v[q->n++];
    memset(in, 0, sizeof *in);
    in->op = op;
    in->a = a;
    in->b = b;
    in->line = q->line;
    if (call && !stf_str_dup(&in->name, call, strlen(call))) q->oom = true;
}

/* k opens -> one Share.batch_open of an array of the k shares; each
 * destination then takes its element, the last one through r0 so that r0
 * ends as before. */
static int batch(StfProgram *p, StfFunction *f, uint32_t at, uint32_t k)
{
    Seq q = { .v = calloc((size_t)7 + 6 * k, sizeof *q.v), .line = f->instrs[at + 1].line };
    if (!q.v) return -1;
    const StfInstr *t = &f->instrs[at];
    uint32_t D = t[3 * (k - 1) + 2].a; /* last destination holds the arrays */
    emit(&q, STF_OP_CALL, 0, 0, "create_array");
    emit(&q, STF_OP_MOV, D, 0, NULL);
    emit(&q, STF_OP_PUSHARG, D, 0, NULL);
    for (uint32_t i = 0; i < k; i++) emit(&q, STF_OP_PUSHARG, t[3 * i].a, 0, NULL);
    emit(&q, STF_OP_CALL, 0, 0, "array_push");
    emit(&q, STF_OP_PUSHARG, D, 0, NULL);
    emit(&q, STF_OP_CALL, 0, 0, "Share.batch_open");
    emit(&q, STF_OP_MOV, D, 0, NULL);
    for (uint32_t i = 0; i < k && !q.oom; i++) {
        uint32_t d = i + 1 < k ? t[3 * i + 2].a : 0; /* the index's register */
        StfConst c = { .tag = STF_K_I64, .as.i = i };
        int64_t idx = opt_const(p, &c);
        if (idx < 0) {
            q.oom = true;
            break;
        }
        emit(&q, STF_OP_LDI, d, (uint32_t)idx, NULL);
        emit(&q, STF_OP_PUSHARG, D, 0, NULL);
        emit(&q, STF_OP_PUSHARG, d, 0, NULL);
        emit(&q, STF_OP_CALL, 0, 0, "get_field");
        emit(&q, STF_OP_MOV, i + 1 < k ? d : D, 0, NULL);
    }
    if (q.oom || opt_splice(f, at, 3 * k, q.v, q.n) != 0) {
        for (uint32_t i = 0; i < q.n; i++) free(q.v[i].name.s);
        free(q.v);
        return -1;
    }
    free(q.v);
    return (int)q.n;
}

int opt_mpc_batch_opens(StfProgram *p, StfFunction *f, uint32_t *merged)
{
    bool *lead = opt_leaders(f);
    if (!lead) return -1;
    if (!stack_clean(f, lead)) {
        free(lead);
        return 0;
    }
    uint32_t depth = 0;
    for (uint32_t i = 0; i < f->instr_count; i++) {
        if (lead[i]) depth = 0;
        uint32_t k = 0;
        uint16_t used = 0; /* destination registers r1-r15 taken */
        while (depth == 0 && open_triple(f, lead, i + 3 * k) && (k == 0 || !lead[i + 3 * k]) &&
               !(used >> f->instrs[i + 3 * k + 2].a & 1)) {
            used |= (uint16_t)(1u << f->instrs[i + 3 * k + 2].a);
            k++;
        }
        if (k >= 2) {
            int len = batch(p, f, i, k);
            free(lead);
            if (len < 0) return -1;
            *merged += k;
            lead = opt_leaders(f);
            if (!lead) return -1;
            i += (uint32_t)len - 1; /* ends after a CALL: the stack is empty */
            depth = 0;
            continue;
        }
        const StfInstr *in = &f->instrs[i];
        if (in->op == STF_OP_PUSHARG) depth++;
        if (in->op == STF_OP_CALL) depth = 0;
    }
    free(lead);
    return 0;
}
