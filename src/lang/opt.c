/* opt.c: the optimizer's driver and its clean-up passes (see opt.h).
 *
 * Facts the passes rely on (spec/vm-core.md §2-4): a CALL's arguments are
 * on the argument stack, not in registers, and its result lands in r0; a
 * callee never sees the caller's registers, spill slots or compare flag;
 * falling off the end of a function returns r0.  Writes into the secret
 * bank (r16+) may share a clear value through the MPC engine, so a write
 * there is removed only when it copies one secret register into another.
 * An instruction that can fail (ALU, CMP on unknown values, CALL, ...)
 * is never removed: its error is part of what the program does. */
#include <stdlib.h>
#include <string.h>

#include "bytecode/asm.h"
#include "opt_internal.h"

/* ---- instruction facts --------------------------------------------------------- */

bool opt_is_jump(uint8_t op)
{
    return op == STF_OP_JMP || op == STF_OP_JMPEQ || op == STF_OP_JMPNEQ || op == STF_OP_JMPLT || op == STF_OP_JMPGT;
}

bool opt_is_final(uint8_t op) { return op == STF_OP_JMP || op == STF_OP_RET; }

static bool is_cond_jump(uint8_t op) { return opt_is_jump(op) && op != STF_OP_JMP; }

static bool is_alu(uint8_t op)
{
    return (op >= STF_OP_ADD && op <= STF_OP_XOR) || op == STF_OP_SHL || op == STF_OP_SHR;
}

int opt_reads(const StfInstr *in, uint32_t r[3])
{
    switch (in->op) {
    case STF_OP_MOV:
    case STF_OP_NOT: r[0] = in->b; return 1;
    case STF_OP_CMP:
        r[0] = in->a;
        r[1] = in->b;
        return 2;
    case STF_OP_RET:
    case STF_OP_PUSHARG: r[0] = in->a; return 1;
    case STF_OP_STS: r[0] = in->b; return 1;
    default:
        if (is_alu(in->op)) {
            r[0] = in->b;
            r[1] = in->c;
            return 2;
        }
        return 0;
    }
}

uint32_t opt_writes(const StfInstr *in)
{
    switch (in->op) {
    case STF_OP_LD:
    case STF_OP_LDI:
    case STF_OP_MOV:
    case STF_OP_NOT:
    case STF_OP_LDS: return in->a;
    case STF_OP_CALL: return 0;
    default: return is_alu(in->op) ? in->a : OPT_NONE;
    }
}

/* Pointers to the read operands, to rewrite them. */
static int read_slots(StfInstr *in, uint32_t *r[2])
{
    switch (in->op) {
    case STF_OP_MOV:
    case STF_OP_NOT:
    case STF_OP_STS: r[0] = &in->b; return 1;
    case STF_OP_CMP:
        r[0] = &in->a;
        r[1] = &in->b;
        return 2;
    case STF_OP_RET:
    case STF_OP_PUSHARG: r[0] = &in->a; return 1;
    default:
        if (is_alu(in->op)) {
            r[0] = &in->b;
            r[1] = &in->c;
            return 2;
        }
        return 0;
    }
}

bool opt_name_is(const StfStr *s, const char *name)
{
    size_t n = strlen(name);
    return s->len == n && memcmp(s->s, name, n) == 0;
}

int opt_label(const StfFunction *f, const StfStr *name)
{
    for (uint32_t k = 0; k < f->label_count; k++)
        if (f->labels[k].name.len == name->len && memcmp(f->labels[k].name.s, name->s, name->len) == 0) return (int)k;
    return -1;
}

bool *opt_leaders(const StfFunction *f)
{
    uint32_t n = f->instr_count;
    bool *lead = calloc((size_t)n + 1, 1);
    if (!lead) return NULL;
    lead[0] = true;
    for (uint32_t k = 0; k < f->label_count; k++)
        if (f->labels[k].target <= n) lead[f->labels[k].target] = true;
    for (uint32_t i = 0; i < n; i++)
        if (opt_is_jump(f->instrs[i].op) || f->instrs[i].op == STF_OP_RET) lead[i + 1] = true;
    return lead;
}

/* Target instruction of jump i, f->instr_count for the end, OPT_NONE if
 * its label is unknown (the verifier rejects such a program). */
static uint32_t jump_target(const StfFunction *f, uint32_t i)
{
    int k = opt_label(f, &f->instrs[i].name);
    return k < 0 ? OPT_NONE : f->labels[k].target;
}

/* ---- editing ------------------------------------------------------------------- */

uint32_t opt_compact(StfFunction *f, const bool *dead)
{
    uint32_t n = f->instr_count, kept = 0;
    /* label targets move to the next kept instruction: walk both together */
    uint32_t *newidx = malloc(((size_t)n + 1) * sizeof *newidx);
    if (!newidx) return 0; /* nothing dropped: still correct */
    for (uint32_t i = 0; i < n; i++) {
        newidx[i] = kept;
        if (dead[i])
            free(f->instrs[i].name.s);
        else
            f->instrs[kept++] = f->instrs[i];
    }
    newidx[n] = kept;
    for (uint32_t k = 0; k < f->label_count; k++)
        if (f->labels[k].target <= n) f->labels[k].target = newidx[f->labels[k].target];
    free(newidx);
    f->instr_count = kept;
    return n - kept;
}

int opt_splice(StfFunction *f, uint32_t at, uint32_t count, const StfInstr *ins, uint32_t n)
{
    uint32_t old = f->instr_count, total = old - count + n;
    if (n > count) {
        StfInstr *grown = realloc(f->instrs, (size_t)total * sizeof *grown);
        if (!grown) return -1;
        f->instrs = grown;
    }
    for (uint32_t i = at; i < at + count; i++) free(f->instrs[i].name.s);
    memmove(f->instrs + at + n, f->instrs + at + count, (size_t)(old - at - count) * sizeof *f->instrs);
    memcpy(f->instrs + at, ins, (size_t)n * sizeof *ins);
    for (uint32_t k = 0; k < f->label_count; k++) {
        uint32_t *t = &f->labels[k].target;
        if (*t >= at + count)
            *t = *t - count + n;
        else if (*t > at)
            *t = at;
    }
    f->instr_count = total;
    return 0;
}

int64_t opt_const(StfProgram *p, const StfConst *k)
{
    for (uint32_t i = 0; i < p->const_count; i++)
        if (asm_const_same(&p->consts[i], k)) return i;
    if (p->const_count == UINT32_MAX) return -1;
    StfConst *grown = realloc(p->consts, ((size_t)p->const_count + 1) * sizeof *grown);
    if (!grown) return -1;
    p->consts = grown;
    StfConst c = *k;
    if (c.tag == STF_K_STRING && !stf_str_dup(&c.as.str, k->as.str.s, k->as.str.len)) return -1;
    p->consts[p->const_count] = c;
    return p->const_count++;
}

static bool set_name(StfInstr *in, const StfStr *name)
{
    StfStr s;
    if (!stf_str_dup(&s, name->s, name->len)) return false;
    free(in->name.s);
    in->name = s;
    return true;
}

/* ---- jump threading ------------------------------------------------------------ */

/* A jump to a JMP goes to that JMP's target; a jump to the next
 * instruction goes away; `JMPEQ L; JMP M; L:` becomes `JMPNEQ M` (and the
 * other way round). */
static uint32_t thread_jumps(StfFunction *f, bool *dead)
{
    uint32_t n = f->instr_count, changed = 0;
    bool *labelled = calloc((size_t)n + 1, 1);
    if (!labelled) return 0;
    for (uint32_t k = 0; k < f->label_count; k++)
        if (f->labels[k].target <= n) labelled[f->labels[k].target] = true;
    for (uint32_t i = 0; i < n; i++) {
        StfInstr *in = &f->instrs[i];
        if (!opt_is_jump(in->op) || dead[i]) continue;
        int k = opt_label(f, &in->name), k0 = k;
        if (k < 0) continue;
        for (int hops = 0; hops < 16; hops++) {
            uint32_t t = f->labels[k].target;
            if (t >= n || f->instrs[t].op != STF_OP_JMP || t == i) break;
            int k2 = opt_label(f, &f->instrs[t].name);
            if (k2 < 0 || k2 == k || f->labels[k2].target == t) break;
            k = k2;
        }
        if (k != k0 && set_name(in, &f->labels[k].name)) changed++;
        uint32_t t = f->labels[k].target;
        if (t == i + 1) {
            /* falls through to the target anyway; the flag is untouched */
            dead[i] = true;
            changed++;
            continue;
        }
        if ((in->op == STF_OP_JMPEQ || in->op == STF_OP_JMPNEQ) && t == i + 2 && i + 1 < n &&
            f->instrs[i + 1].op == STF_OP_JMP && !labelled[i + 1] && !dead[i + 1]) {
            StfStr s = in->name;
            in->name = f->instrs[i + 1].name;
            f->instrs[i + 1].name = s;
            in->op = in->op == STF_OP_JMPEQ ? STF_OP_JMPNEQ : STF_OP_JMPEQ;
            dead[i + 1] = true;
            changed++;
        }
    }
    free(labelled);
    return changed;
}

/* ---- unreachable code ---------------------------------------------------------- */

static uint32_t drop_unreachable(StfFunction *f, bool *dead)
{
    uint32_t n = f->instr_count, dropped = 0;
    if (n == 0) return 0;
    bool *seen = calloc(n, 1);
    uint32_t *work = malloc((size_t)n * sizeof *work);
    if (!seen || !work) {
        free(seen);
        free(work);
        return 0;
    }
    uint32_t top = 0;
    work[top++] = 0;
    seen[0] = true;
    while (top) {
        uint32_t i = work[--top];
        uint32_t next[2], nn = 0;
        const StfInstr *in = &f->instrs[i];
        if (!opt_is_final(in->op)) next[nn++] = i + 1;
        if (opt_is_jump(in->op)) {
            uint32_t t = jump_target(f, i);
            if (t == OPT_NONE) { /* keep everything: no proof of anything */
                free(seen);
                free(work);
                return 0;
            }
            next[nn++] = t;
        }
        for (uint32_t j = 0; j < nn; j++)
            if (next[j] < n && !seen[next[j]]) {
                seen[next[j]] = true;
                work[top++] = next[j];
            }
    }
    for (uint32_t i = 0; i < n; i++)
        if (!seen[i] && !dead[i]) {
            dead[i] = true;
            dropped++;
        }
    free(seen);
    free(work);
    return dropped;
}

/* ---- constant and copy propagation --------------------------------------------- */

static bool fold_bin(uint8_t op, const StfConst *x, const StfConst *y, StfConst *out)
{
    memset(out, 0, sizeof *out);
    if (x->tag == STF_K_BOOL && y->tag == STF_K_BOOL) {
        bool a = x->as.b != 0, b = y->as.b != 0;
        out->tag = STF_K_BOOL;
        switch (op) {
        case STF_OP_AND: out->as.b = a && b; return true;
        case STF_OP_OR: out->as.b = a || b; return true;
        case STF_OP_XOR: out->as.b = a != b; return true;
        default: return false;
        }
    }
    if (x->tag != STF_K_I64 || y->tag != STF_K_I64) return false;
    int64_t a = x->as.i, b = y->as.i, r;
    out->tag = STF_K_I64;
    switch (op) {
    case STF_OP_ADD:
        if (__builtin_add_overflow(a, b, &r)) return false; /* the VM reports it */
        break;
    case STF_OP_SUB:
        if (__builtin_sub_overflow(a, b, &r)) return false;
        break;
    case STF_OP_MUL:
        if (__builtin_mul_overflow(a, b, &r)) return false;
        break;
    case STF_OP_DIV:
    case STF_OP_MOD:
        if (b == 0 || (b == -1 && a == INT64_MIN)) return false;
        r = op == STF_OP_DIV ? a / b : a % b;
        break;
    case STF_OP_AND: r = a & b; break;
    case STF_OP_OR: r = a | b; break;
    case STF_OP_XOR: r = a ^ b; break;
    case STF_OP_SHL:
    case STF_OP_SHR:
        if (b < 0 || b >= 64) return false;
        if (op == STF_OP_SHL)
            r = (int64_t)((uint64_t)a << b);
        else
            r = a >= 0 ? (int64_t)((uint64_t)a >> b) : ~(int64_t)(~(uint64_t)a >> b);
        break;
    default: return false;
    }
    out->as.i = r;
    return true;
}

static bool fold_not(const StfConst *x, StfConst *out)
{
    memset(out, 0, sizeof *out);
    out->tag = x->tag;
    if (x->tag == STF_K_I64)
        out->as.i = ~x->as.i;
    else if (x->tag == STF_K_BOOL)
        out->as.b = x->as.b == 0;
    else
        return false;
    return true;
}

/* The compare flag CMP would set (-1, 0, 1), or 2 when unknown. */
static int fold_cmp(const StfConst *x, const StfConst *y)
{
    if (x->tag == STF_K_I64 && y->tag == STF_K_I64) return (x->as.i > y->as.i) - (x->as.i < y->as.i);
    if (x->tag == STF_K_BOOL && y->tag == STF_K_BOOL) return (x->as.b != 0) - (y->as.b != 0);
    return 2;
}

static bool jump_taken(uint8_t op, int flag)
{
    switch (op) {
    case STF_OP_JMPEQ: return flag == 0;
    case STF_OP_JMPNEQ: return flag != 0;
    case STF_OP_JMPLT: return flag < 0;
    case STF_OP_JMPGT: return flag > 0;
    default: return true;
    }
}

typedef struct {
    uint32_t nregs;
    int64_t *kc;  /* clear register -> constant index it holds, or -1 */
    uint32_t *cp; /* register -> same-bank register it is a copy of */
    uint32_t ncp; /* entries of cp in use (0: nothing to invalidate) */
    int flag;     /* known compare flag, 2 unknown */
} Facts;

static void facts_reset(Facts *s)
{
    for (uint32_t r = 0; r < s->nregs; r++) {
        s->kc[r] = -1;
        s->cp[r] = OPT_NONE;
    }
    s->ncp = 0;
    s->flag = 2;
}

static void facts_kill(Facts *s, uint32_t w)
{
    if (w >= s->nregs) return;
    s->kc[w] = -1;
    if (s->cp[w] != OPT_NONE) {
        s->cp[w] = OPT_NONE;
        s->ncp--;
    }
    for (uint32_t r = 0; s->ncp && r < s->nregs; r++)
        if (s->cp[r] == w) {
            s->cp[r] = OPT_NONE;
            s->ncp--;
        }
}

static bool same_bank(uint32_t a, uint32_t b) { return (a < OPT_SECRET) == (b < OPT_SECRET); }

/* An LDI of constant k may be dropped when the register holds k already;
 * never for strings (each LDI loads a fresh copy). */
static bool holds(const StfProgram *p, const Facts *s, uint32_t r, int64_t k)
{
    return r < OPT_SECRET && s->kc[r] >= 0 && k < p->const_count && p->consts[k].tag != STF_K_STRING &&
           asm_const_same(&p->consts[s->kc[r]], &p->consts[k]);
}

/* Within each basic block: follow which clear registers hold which
 * constant and which register is a copy of which; read the original
 * instead of the copy, compute ALU results and compare flags of known
 * constants, drop loads and moves that change nothing.  safe[i] marks a
 * CMP of known constants (it cannot fail, so dead code may drop it). */
static int propagate(StfProgram *p, StfFunction *f, bool *dead, bool *safe, LangOptStats *st)
{
    uint32_t n = f->instr_count;
    Facts s = { .nregs = stf_function_frame_size(f) };
    if (s.nregs == UINT32_MAX) return 0;
    bool *lead = opt_leaders(f);
    s.kc = malloc((size_t)s.nregs * sizeof *s.kc);
    s.cp = malloc((size_t)s.nregs * sizeof *s.cp);
    int rc = lead && s.kc && s.cp ? 0 : -1;
    for (uint32_t i = 0; rc == 0 && i < n; i++) {
        if (lead[i]) facts_reset(&s);
        StfInstr *in = &f->instrs[i];
        uint32_t *slot[2];
        int nr = read_slots(in, slot);
        for (int j = 0; j < nr; j++)
            if (*slot[j] < s.nregs && s.cp[*slot[j]] != OPT_NONE) {
                *slot[j] = s.cp[*slot[j]];
                st->propagated++;
            }
        uint32_t a = in->a;
        if (in->op == STF_OP_LDI) {
            if (holds(p, &s, a, in->b)) {
                dead[i] = true;
                st->dead++;
                continue;
            }
            facts_kill(&s, a);
            if (a < OPT_SECRET && in->b < p->const_count) s.kc[a] = in->b;
        } else if (in->op == STF_OP_MOV) {
            uint32_t b = in->b;
            if (a == b || (a < s.nregs && s.cp[a] == b)) {
                dead[i] = true;
                st->dead++;
                continue;
            }
            facts_kill(&s, a);
            if (same_bank(a, b) && a < s.nregs && b < s.nregs) {
                s.cp[a] = b;
                s.ncp++;
                if (a < OPT_SECRET) s.kc[a] = s.kc[b];
            }
        } else if ((is_alu(in->op) || in->op == STF_OP_NOT) && a < OPT_SECRET) {
            StfConst r;
            int64_t kb = in->b < s.nregs ? s.kc[in->b] : -1;
            int64_t kk = in->op == STF_OP_NOT ? 0 : (in->c < s.nregs ? s.kc[in->c] : -1);
            bool ok = kb >= 0 && kk >= 0 &&
                      (in->op == STF_OP_NOT ? fold_not(&p->consts[kb], &r)
                                            : fold_bin(in->op, &p->consts[kb], &p->consts[kk], &r));
            int64_t idx = ok ? opt_const(p, &r) : -1;
            facts_kill(&s, a);
            if (idx >= 0) {
                in->op = STF_OP_LDI;
                in->b = (uint32_t)idx;
                in->c = 0;
                s.kc[a] = idx;
                st->folded++;
            }
        } else if (in->op == STF_OP_CMP) {
            int64_t ka = a < s.nregs ? s.kc[a] : -1, kb = in->b < s.nregs ? s.kc[in->b] : -1;
            s.flag = ka >= 0 && kb >= 0 ? fold_cmp(&p->consts[ka], &p->consts[kb]) : 2;
            safe[i] = s.flag != 2;
        } else if (is_cond_jump(in->op) && s.flag != 2) {
            if (jump_taken(in->op, s.flag))
                in->op = STF_OP_JMP;
            else
                dead[i] = true;
            st->folded++;
        } else {
            uint32_t w = opt_writes(in);
            if (w != OPT_NONE) facts_kill(&s, w);
        }
    }
    free(lead);
    free(s.kc);
    free(s.cp);
    return rc;
}

/* ---- dead stores (liveness over basic blocks) ---------------------------------- */

typedef struct {
    uint32_t words; /* per set: registers, then the compare flag */
    uint64_t *use, *def, *in, *out;
} Sets;

#define SET(v, s, r) ((v)[(size_t)(s)*sets->words + (r) / 64] |= UINT64_C(1) << ((r) % 64))
#define HAS(v, s, r) (((v)[(size_t)(s)*sets->words + (r) / 64] >> ((r) % 64)) & 1)

/* Can instruction i go when nothing reads what it writes?  Only when it
 * cannot fail and has no other effect. */
static bool removable(const StfInstr *in, bool safe)
{
    switch (in->op) {
    case STF_OP_NOP:
    case STF_OP_LDS: return true;
    case STF_OP_LDI: return in->a < OPT_SECRET;
    case STF_OP_MOV: return same_bank(in->a, in->b);
    case STF_OP_CMP: return safe;
    default: return false;
    }
}

static uint32_t drop_dead(StfFunction *f, bool *dead, const bool *safe)
{
    uint32_t n = f->instr_count, dropped = 0;
    uint32_t R = stf_function_frame_size(f);
    if (n == 0 || R == UINT32_MAX) return 0;
    uint32_t FLAG = R;
    bool *lead = opt_leaders(f);
    uint32_t *blk = malloc((size_t)n * sizeof *blk), *start = malloc(((size_t)n + 1) * sizeof *start);
    Sets sv = { .words = (R + 1 + 63) / 64 }, *sets = &sv;
    uint32_t nb = 0;
    if (lead && blk && start)
        for (uint32_t i = 0; i < n; i++) {
            if (lead[i]) start[nb++] = i;
            blk[i] = nb - 1;
        }
    size_t sz = (size_t)(nb ? nb : 1) * sets->words * sizeof(uint64_t);
    sets->use = calloc(1, sz);
    sets->def = calloc(1, sz);
    sets->in = calloc(1, sz);
    sets->out = calloc(1, sz);
    /* successors of each block: up to two, OPT_NONE = none, nb = the end */
    uint32_t *succ = malloc((size_t)(nb ? nb : 1) * 2 * sizeof *succ);
    if (!lead || !blk || !start || !sets->use || !sets->def || !sets->in || !sets->out || !succ) goto done;
    start[nb] = n;
    for (uint32_t b = 0; b < nb; b++) {
        succ[2 * b] = succ[2 * b + 1] = OPT_NONE;
        int32_t last = -1;
        for (uint32_t i = start[b]; i < start[b + 1]; i++) {
            if (dead[i]) continue;
            last = (int32_t)i;
            const StfInstr *in = &f->instrs[i];
            uint32_t r[3];
            int nr = opt_reads(in, r);
            for (int j = 0; j < nr; j++)
                if (r[j] < R && !HAS(sets->def, b, r[j])) SET(sets->use, b, r[j]);
            if (is_cond_jump(in->op) && !HAS(sets->def, b, FLAG)) SET(sets->use, b, FLAG);
            uint32_t w = opt_writes(in);
            if (w < R) SET(sets->def, b, w);
            if (in->op == STF_OP_CMP) SET(sets->def, b, FLAG);
        }
        uint8_t op = last >= 0 ? f->instrs[last].op : STF_OP_NOP;
        if (!opt_is_final(op)) succ[2 * b] = b + 1;
        if (opt_is_jump(op)) {
            uint32_t t = jump_target(f, (uint32_t)last);
            if (t == OPT_NONE) goto done; /* unknown label: keep everything */
            succ[2 * b + 1] = t < n ? blk[t] : nb;
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t b = nb; b-- > 0;) {
            uint64_t *out = &sets->out[(size_t)b * sets->words];
            for (int j = 0; j < 2; j++) {
                uint32_t s = succ[2 * b + j];
                if (s == OPT_NONE) continue;
                if (s == nb) {
                    out[0] |= 1; /* falling off the end returns r0 */
                    continue;
                }
                for (uint32_t w = 0; w < sets->words; w++) out[w] |= sets->in[(size_t)s * sets->words + w];
            }
            for (uint32_t w = 0; w < sets->words; w++) {
                size_t x = (size_t)b * sets->words + w;
                uint64_t v = sets->use[x] | (out[w] & ~sets->def[x]);
                if (v != sets->in[x]) {
                    sets->in[x] = v;
                    changed = true;
                }
            }
        }
    }
    /* backwards through each block with its live-out set */
    uint64_t *live = sets->use; /* reused as scratch, one set */
    for (uint32_t b = 0; b < nb; b++) {
        memcpy(live, &sets->out[(size_t)b * sets->words], sets->words * sizeof *live);
        for (uint32_t i = start[b + 1]; i-- > start[b];) {
            if (dead[i]) continue;
            const StfInstr *in = &f->instrs[i];
            uint32_t w = in->op == STF_OP_CMP ? FLAG : opt_writes(in);
            bool needed = w == OPT_NONE || w >= R + 1 || ((live[w / 64] >> (w % 64)) & 1);
            if (!needed && removable(in, safe[i])) {
                dead[i] = true;
                dropped++;
                continue;
            }
            if (w != OPT_NONE && w <= R) live[w / 64] &= ~(UINT64_C(1) << (w % 64));
            uint32_t r[3];
            int nr = opt_reads(in, r);
            for (int j = 0; j < nr; j++)
                if (r[j] < R) live[r[j] / 64] |= UINT64_C(1) << (r[j] % 64);
            if (is_cond_jump(in->op)) live[FLAG / 64] |= UINT64_C(1) << (FLAG % 64);
        }
    }
done:
    free(lead);
    free(blk);
    free(start);
    free(sets->use);
    free(sets->def);
    free(sets->in);
    free(sets->out);
    free(succ);
    return dropped;
}

/* ---- driver -------------------------------------------------------------------- */

/* Keep only the constants some LDI loads, numbered in order of first use
 * (as the assembler numbers them, so --print-ir shows no .const lines). */
static int renumber_consts(StfProgram *p)
{
    uint32_t n = p->const_count, next = 0;
    uint32_t *map = malloc(((size_t)n + 1) * sizeof *map);
    StfConst *kept = malloc(((size_t)n + 1) * sizeof *kept);
    if (!map || !kept) {
        free(map);
        free(kept);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) map[i] = OPT_NONE;
    for (uint32_t f = 0; f < p->func_count; f++)
        for (uint32_t i = 0; i < p->funcs[f].instr_count; i++) {
            StfInstr *in = &p->funcs[f].instrs[i];
            if (in->op != STF_OP_LDI || in->b >= n) continue;
            if (map[in->b] == OPT_NONE) {
                map[in->b] = next;
                kept[next++] = p->consts[in->b];
            }
            in->b = map[in->b];
        }
    for (uint32_t i = 0; i < n; i++)
        if (map[i] == OPT_NONE && p->consts[i].tag == STF_K_STRING) free(p->consts[i].as.str.s);
    free(p->consts);
    p->consts = kept;
    p->const_count = next;
    free(map);
    return 0;
}

/* One round of the clean-up passes; how much changed, or -1 (OOM). */
static int64_t sweep(StfProgram *p, StfFunction *f, LangOptStats *st)
{
    uint32_t n = f->instr_count;
    bool *dead = calloc((size_t)n + 1, 1), *safe = calloc((size_t)n + 1, 1);
    if (!dead || !safe) {
        free(dead);
        free(safe);
        return -1;
    }
    int64_t changed = 0;
    LangOptStats before = *st;
    if (propagate(p, f, dead, safe, st) != 0) {
        free(dead);
        free(safe);
        return -1;
    }
    changed += (st->propagated - before.propagated) + (st->folded - before.folded) + (st->dead - before.dead);
    uint32_t c = drop_dead(f, dead, safe);
    st->dead += c;
    changed += c;
    opt_compact(f, dead);
    memset(dead, 0, (size_t)n + 1);
    c = thread_jumps(f, dead);
    st->threaded += c;
    changed += c;
    opt_compact(f, dead);
    memset(dead, 0, (size_t)n + 1);
    c = drop_unreachable(f, dead);
    st->unreachable += c;
    changed += c;
    opt_compact(f, dead);
    free(dead);
    free(safe);
    return changed;
}

int lang_optimize(StfProgram *p, int level, LangOptStats *stats)
{
    LangOptStats local;
    LangOptStats *st = stats ? stats : &local;
    memset(st, 0, sizeof *st);
    for (uint32_t i = 0; i < p->func_count; i++) st->instrs_before += p->funcs[i].instr_count;
    int rc = 0;
    for (uint32_t i = 0; level > 0 && rc == 0 && i < p->func_count; i++) {
        StfFunction *f = &p->funcs[i];
        /* the MPC passes first: they match the generator's own patterns */
        if (level >= 2) {
            if (opt_mpc_lower_gates(f, &st->lowered) != 0) rc = -1;
            st->reused += opt_mpc_reuse_products(f);
            if (rc == 0 && opt_mpc_hoist_muls(p, f, &st->hoisted) != 0) rc = -1;
            if (opt_mpc_batch_opens(p, f, &st->batched) != 0) rc = -1;
        }
        /* -O1: one sweep; -O2 and up: until nothing changes (bounded) */
        for (int round = 0; rc == 0 && round < (level >= 2 ? 8 : 1); round++) {
            int64_t c = sweep(p, f, st);
            if (c < 0) rc = -1;
            if (c <= 0) break;
        }
    }
    if (level > 0 && rc == 0) rc = renumber_consts(p);
    for (uint32_t i = 0; i < p->func_count; i++) st->instrs_after += p->funcs[i].instr_count;
    return rc;
}
