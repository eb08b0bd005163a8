/* program.c: opcode tables generated from opcodes.def and helpers for the
 * in-memory program model. */
#include "program.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/heap.h"

static const char *const op_names[STF_OP_COUNT] = {
#define OP(name, byte, fmt) [byte] = #name,
#include "opcodes.def"
#undef OP
};

static const int op_formats[STF_OP_COUNT] = {
#define OP(name, byte, fmt) [byte] = STF_FMT_##fmt,
#include "opcodes.def"
#undef OP
};

const char *stf_op_name(int op) { return (op >= 0 && op < STF_OP_COUNT) ? op_names[op] : NULL; }

int stf_op_format(int op) { return (op >= 0 && op < STF_OP_COUNT) ? op_formats[op] : -1; }

int stf_op_lookup(const char *mnemonic, size_t len)
{
    for (int op = 0; op < STF_OP_COUNT; op++) {
        if (strlen(op_names[op]) == len && strncasecmp(op_names[op], mnemonic, len) == 0) return op;
    }
    return -1;
}

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

uint32_t stf_function_frame_size(const StfFunction *f)
{
    uint32_t n = max_u32(f->register_count, 1);
    n = max_u32(n, f->param_count);
    for (uint32_t i = 0; i < f->instr_count; i++) {
        const StfInstr *in = &f->instrs[i];
        uint32_t hi = 0;
        switch (stf_op_format(in->op)) {
        case STF_FMT_RRR: hi = max_u32(max_u32(in->a, in->b), in->c); break;
        case STF_FMT_RR: hi = max_u32(in->a, in->b); break;
        case STF_FMT_R_OFF:
        case STF_FMT_R_K:
        case STF_FMT_R:
        case STF_FMT_R_SLOT: hi = in->a; break;
        case STF_FMT_SLOT_R: hi = in->b; break;
        default: continue;
        }
        if (hi == UINT32_MAX) return UINT32_MAX;
        n = max_u32(n, hi + 1);
    }
    return n;
}

static bool str_eq(const StfStr *a, const StfStr *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

static bool bytes_eq(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static bool instr_eq(const StfInstr *x, const StfInstr *y)
{
    if (x->op != y->op) return false;
    switch (stf_op_format(x->op)) {
    case STF_FMT_LABEL:
    case STF_FMT_NAME: return str_eq(&x->name, &y->name);
    case STF_FMT_R_OFF: return x->a == y->a && x->off == y->off;
    default: return x->a == y->a && x->b == y->b && x->c == y->c;
    }
}

static bool find_label(const StfFunction *f, const StfLabel *l)
{
    for (uint32_t i = 0; i < f->label_count; i++)
        if (str_eq(&f->labels[i].name, &l->name)) return f->labels[i].target == l->target;
    return false;
}

bool stf_function_equal(const StfFunction *a, const StfFunction *b)
{
    if (!str_eq(&a->name, &b->name) || a->register_count != b->register_count || a->param_count != b->param_count ||
        a->upvalue_count != b->upvalue_count || a->label_count != b->label_count || a->instr_count != b->instr_count ||
        (a->parent_flag == 1) != (b->parent_flag == 1))
        return false;
    if (a->parent_flag == 1 && !str_eq(&a->parent, &b->parent)) return false;
    if (!bytes_eq(a->param_types, a->param_types_len, b->param_types, b->param_types_len) ||
        !bytes_eq(a->ret_type, a->ret_type_len, b->ret_type, b->ret_type_len))
        return false;
    for (uint32_t i = 0; i < a->param_count; i++)
        if (!str_eq(&a->params[i], &b->params[i])) return false;
    for (uint32_t i = 0; i < a->upvalue_count; i++)
        if (!str_eq(&a->upvalues[i], &b->upvalues[i])) return false;
    for (uint32_t i = 0; i < a->label_count; i++)
        if (!find_label(b, &a->labels[i])) return false;
    for (uint32_t i = 0; i < a->instr_count; i++)
        if (!instr_eq(&a->instrs[i], &b->instrs[i])) return false;
    return true;
}

void stf_program_init(StfProgram *p)
{
    memset(p, 0, sizeof *p);
    p->version = STF_FORMAT_VERSION_DEFAULT;
}

static void free_strs(StfStr *v, uint32_t n)
{
    if (!v) return;
    for (uint32_t i = 0; i < n; i++) free(v[i].s);
    free(v);
}

void stf_function_free(StfFunction *f)
{
    free(f->name.s);
    free_strs(f->params, f->param_count);
    free(f->param_types);
    free(f->ret_type);
    free_strs(f->upvalues, f->upvalue_count);
    free(f->parent.s);
    if (f->labels) {
        for (uint32_t i = 0; i < f->label_count; i++) free(f->labels[i].name.s);
        free(f->labels);
    }
    if (f->instrs) {
        for (uint32_t i = 0; i < f->instr_count; i++) free(f->instrs[i].name.s);
        free(f->instrs);
    }
    memset(f, 0, sizeof *f);
}

void stf_program_free(StfProgram *p)
{
    if (p->consts) {
        for (uint32_t i = 0; i < p->const_count; i++)
            if (p->consts[i].tag == STF_K_STRING) free(p->consts[i].as.str.s);
        free(p->consts);
    }
    if (p->funcs) {
        for (uint32_t i = 0; i < p->func_count; i++) stf_function_free(&p->funcs[i]);
        free(p->funcs);
    }
    if (p->manifest.clients) {
        for (uint32_t i = 0; i < p->manifest.client_count; i++) {
            free(p->manifest.clients[i].inputs);
            free(p->manifest.clients[i].outputs);
        }
        free(p->manifest.clients);
    }
    stf_program_init(p);
}

bool stf_str_dup(StfStr *out, const char *s, size_t len)
{
    out->s = NULL;
    out->len = 0;
    if (len > UINT32_MAX - 1) return false;
    out->s = malloc(len + 1);
    if (!out->s) return false;
    if (len) memcpy(out->s, s, len);
    out->s[len] = '\0';
    out->len = (uint32_t)len;
    return true;
}

const char *stf_backend_name(unsigned code)
{
    static const char *const names[STF_BACKEND_COUNT] = { "honeybadger", "avss" };
    return code < STF_BACKEND_COUNT ? names[code] : "unknown";
}

const char *stf_curve_name(unsigned code)
{
    static const char *const names[STF_CURVE_COUNT] = { "bls12-381", "bn254",     "curve25519",
                                                        "ed25519",   "secp256k1", "p-256" };
    return code < STF_CURVE_COUNT ? names[code] : "unknown";
}

uint32_t stf_name_index_capacity(uint32_t count)
{
    uint32_t size = 16;
    while (size < 2 * (uint64_t)count) size *= 2;
    return size;
}

uint32_t *stf_name_index_slot(const StfNameIndex *ix, const StfStr *name, StfNameOf name_of, const void *ctx)
{
    for (uint32_t h = bytes_hash(name->s, name->len) & ix->mask;; h = (h + 1) & ix->mask) {
        uint32_t k = ix->slots[h];
        if (!k) return &ix->slots[h];
        const StfStr *o = name_of(ctx, k - 1);
        if (o->len == name->len && memcmp(o->s, name->s, name->len) == 0) return &ix->slots[h];
    }
}
