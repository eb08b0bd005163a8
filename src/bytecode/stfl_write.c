/* stfl_write.c: .stflb writer, the exact inverse of stfl_read().
 *
 * Fields are emitted strictly in spec order with the version gates of §2
 * (manifest v>=2, backend v>=3, curve v>=4, function types v>=5,
 * preprocessing demand v>=8); model fields a version has no room for are
 * dropped, as the reference writer does.  Raw forms kept by the reader (Bool
 * byte, Float bits, v<=1 parent flag, function-type bytes) are written as is.
 * Anything the reader would reject is an error here, never silently
 * truncated or normalised, so a written file always reads back. */
#include "stfl.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FTYPE_UNKNOWN 12

typedef struct {
    uint8_t *d;
    size_t len, cap;
    int oom;
    StflError *err;
    const StfFunction *fn; /* function being written (for messages) */
    uint32_t fn_index;
    int64_t ins_index;
} Wr;

static int wfail(Wr *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int wfail(Wr *w, const char *fmt, ...)
{
    char *m = w->err->message;
    size_t cap = sizeof w->err->message;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, cap, fmt, ap);
    va_end(ap);
    if (w->fn) {
        size_t used = strlen(m);
        int nl = w->fn->name.s ? (int)(w->fn->name.len > 48 ? 48 : w->fn->name.len) : 0;
        if (w->ins_index >= 0)
            snprintf(m + used, cap - used, " (function #%" PRIu32 " '%.*s', instruction %" PRId64 ")", w->fn_index, nl,
                     nl ? w->fn->name.s : "", w->ins_index);
        else
            snprintf(m + used, cap - used, " (function #%" PRIu32 " '%.*s')", w->fn_index, nl, nl ? w->fn->name.s : "");
    }
    w->err->offset = w->len; /* where in the output the problem arose */
    return -1;
}

static int grow(Wr *w, size_t n)
{
    if (w->oom) return -1;
    if (w->cap - w->len >= n) return 0;
    size_t cap = w->cap ? w->cap : 256;
    while (cap - w->len < n) {
        if (cap > SIZE_MAX / 2) {
            w->oom = 1;
            return wfail(w, "output too large");
        }
        cap *= 2;
    }
    uint8_t *d = realloc(w->d, cap);
    if (!d) {
        w->oom = 1;
        return wfail(w, "out of memory (%zu bytes)", cap);
    }
    w->d = d;
    w->cap = cap;
    return 0;
}

static int put(Wr *w, const void *p, size_t n)
{
    if (n == 0) return 0;
    if (grow(w, n)) return -1;
    memcpy(w->d + w->len, p, n);
    w->len += n;
    return 0;
}

/* Little-endian integer of `size` bytes. */
static int put_le(Wr *w, uint64_t v, unsigned size)
{
    uint8_t b[8];
    for (unsigned i = 0; i < size; i++) b[i] = (uint8_t)(v >> (8 * i));
    return put(w, b, size);
}

static int put_u8(Wr *w, uint8_t v) { return put(w, &v, 1); }

/* Checks shared by str16 and str32: present, valid UTF-8, NUL only in
 * constants (the reader refuses NUL in names). */
static int put_str(Wr *w, const StfStr *s, int width, const char *what)
{
    uint64_t max = width == 2 ? UINT16_MAX : STFL_MAX_STRING;
    if (s->len > max) return wfail(w, "%s is too long: %" PRIu32 " bytes (limit %" PRIu64 ")", what, s->len, max);
    if (s->len && !s->s) return wfail(w, "%s has length %" PRIu32 " but no bytes", what, s->len);
    const uint8_t *b = (const uint8_t *)s->s;
    if (s->len && stfl_utf8_prefix(b, s->len) != s->len) return wfail(w, "%s is not valid UTF-8", what);
    if (width == 2 && s->len && memchr(b, 0, s->len)) return wfail(w, "%s contains a NUL byte", what);
    if (put_le(w, s->len, (unsigned)width)) return -1;
    return put(w, b, s->len);
}

/* --- constants ------------------------------------------------------------ */

static int put_const(Wr *w, const StfConst *k, uint32_t index)
{
    /* Range of each integer tag, so out-of-range model values are errors. */
    static const struct {
        unsigned size;
        int64_t min, max;
    } sgn[] = {
        [STF_K_I64] = { 8, INT64_MIN, INT64_MAX },
        [STF_K_I32] = { 4, INT32_MIN, INT32_MAX },
        [STF_K_I16] = { 2, INT16_MIN, INT16_MAX },
        [STF_K_I8] = { 1, INT8_MIN, INT8_MAX },
    };
    static const struct {
        unsigned size;
        uint64_t max;
    } uns[] = {
        [STF_K_U8] = { 1, UINT8_MAX },
        [STF_K_U16] = { 2, UINT16_MAX },
        [STF_K_U32] = { 4, UINT32_MAX },
        [STF_K_U64] = { 8, UINT64_MAX },
    };
    if (put_u8(w, k->tag)) return -1;
    switch (k->tag) {
    case STF_K_UNIT: return 0;
    case STF_K_I64:
    case STF_K_I32:
    case STF_K_I16:
    case STF_K_I8: {
        int64_t v = k->as.i;
        if (v < sgn[k->tag].min || v > sgn[k->tag].max)
            return wfail(w, "constant #%" PRIu32 ": value %" PRId64 " does not fit in %u bytes", index, v,
                         sgn[k->tag].size);
        uint64_t u;
        memcpy(&u, &v, sizeof u); /* two's complement bits */
        return put_le(w, u, sgn[k->tag].size);
    }
    case STF_K_U8:
    case STF_K_U16:
    case STF_K_U32:
    case STF_K_U64:
        if (k->as.u > uns[k->tag].max)
            return wfail(w, "constant #%" PRIu32 ": value %" PRIu64 " does not fit in %u bytes", index, k->as.u,
                         uns[k->tag].size);
        return put_le(w, k->as.u, uns[k->tag].size);
    case STF_K_FLOAT: return put_le(w, k->as.u, 8);
    case STF_K_BOOL: return put_u8(w, k->as.b);
    case STF_K_STRING: {
        char what[48];
        snprintf(what, sizeof what, "string constant #%" PRIu32, index);
        return put_str(w, &k->as.str, 4, what);
    }
    default: return wfail(w, "constant #%" PRIu32 ": unknown constant tag %u", index, k->tag);
    }
}

/* --- functions ------------------------------------------------------------ */

/* Write `count` encoded function types from `bytes`, which must hold exactly
 * that many well-formed types; with no bytes, write Unknown for each (what
 * the reference writer does for functions without type information). */
static int put_ftypes(Wr *w, const uint8_t *bytes, uint32_t len, uint32_t count, const char *what)
{
    if (!bytes || len == 0) {
        for (uint32_t i = 0; i < count; i++)
            if (put_u8(w, FTYPE_UNKNOWN)) return -1;
        return 0;
    }
    size_t pos = 0;
    for (uint32_t i = 0; i < count; i++) {
        size_t bad = 0;
        const char *why = "";
        size_t n = stfl_ftype_len(bytes + pos, len - pos, &bad, &why);
        if (n == 0) return wfail(w, "%s: %s at byte %zu of the stored type bytes", what, why, pos + bad);
        pos += n;
    }
    if (pos != len)
        return wfail(w, "%s: %" PRIu32 " stored type bytes but %" PRIu32 " type%s end at byte %zu", what, len, count,
                     count == 1 ? "" : "s", pos);
    return put(w, bytes, len);
}

static int put_str_list(Wr *w, const StfStr *v, uint16_t count, const char *what)
{
    if (count && !v) return wfail(w, "%u %s but no array", count, what);
    if (put_le(w, count, 2)) return -1;
    for (uint16_t i = 0; i < count; i++)
        if (put_str(w, &v[i], 2, what)) return -1;
    return 0;
}

static int put_instr(Wr *w, const StfInstr *in)
{
    int fmt = stf_op_format(in->op);
    if (fmt < 0) return wfail(w, "unknown opcode 0x%02x", in->op);
    if (put_u8(w, in->op)) return -1;
    switch (fmt) {
    case STF_FMT_R_OFF: {
        uint32_t u;
        int32_t off = in->off;
        memcpy(&u, &off, sizeof u);
        return put_le(w, in->a, 4) || put_le(w, u, 4) ? -1 : 0;
    }
    case STF_FMT_R_K:
    case STF_FMT_RR:
    case STF_FMT_R_SLOT:
    case STF_FMT_SLOT_R: return put_le(w, in->a, 4) || put_le(w, in->b, 4) ? -1 : 0;
    case STF_FMT_RRR: return put_le(w, in->a, 4) || put_le(w, in->b, 4) || put_le(w, in->c, 4) ? -1 : 0;
    case STF_FMT_R: return put_le(w, in->a, 4);
    case STF_FMT_LABEL: return put_str(w, &in->name, 2, "jump label");
    case STF_FMT_NAME: return put_str(w, &in->name, 2, "call target");
    default: /* STF_FMT_NONE */ return 0;
    }
}

static int put_function(Wr *w, const StfFunction *f, uint16_t version)
{
    w->fn = f;
    w->ins_index = -1;
    if (put_str(w, &f->name, 2, "function name")) return -1;
    if (put_le(w, f->register_count, 2)) return -1;
    if (put_str_list(w, f->params, f->param_count, "parameter names")) return -1;
    if (version >= STFL_V_FUNCTION_TYPES) {
        if (put_le(w, f->param_count, 2)) return -1;
        if (put_ftypes(w, f->param_types, f->param_types_len, f->param_count, "parameter types")) return -1;
        if (put_ftypes(w, f->ret_type, f->ret_type_len, 1, "return type")) return -1;
    }
    if (put_str_list(w, f->upvalues, f->upvalue_count, "upvalue names")) return -1;
    /* v<=1 readers take any byte (non-1 = no parent), so the raw byte is
     * kept there; from v2 on only 0/1 read back. */
    if (version >= 2 && f->parent_flag > 1)
        return wfail(w, "parent flag %u is not 0 or 1 (required from version 2)", f->parent_flag);
    if (put_u8(w, f->parent_flag)) return -1;
    if (f->parent_flag == 1 && put_str(w, &f->parent, 2, "parent name")) return -1;

    if (f->label_count && !f->labels) return wfail(w, "%u labels but no array", f->label_count);
    if (put_le(w, f->label_count, 2)) return -1;
    for (uint16_t i = 0; i < f->label_count; i++) {
        if (put_str(w, &f->labels[i].name, 2, "label name")) return -1;
        if (put_le(w, f->labels[i].target, 4)) return -1;
    }

    if (f->instr_count > STFL_MAX_INSTRUCTIONS)
        return wfail(w, "too many instructions: %" PRIu32 " (limit %u)", f->instr_count, STFL_MAX_INSTRUCTIONS);
    if (f->instr_count && !f->instrs) return wfail(w, "%" PRIu32 " instructions but no array", f->instr_count);
    if (put_le(w, f->instr_count, 4)) return -1;
    for (uint32_t i = 0; i < f->instr_count; i++) {
        w->ins_index = i;
        if (put_instr(w, &f->instrs[i])) return -1;
    }
    w->fn = NULL;
    w->ins_index = -1;
    return 0;
}

/* --- manifest ------------------------------------------------------------- */

static int put_share_types(Wr *w, const StfShareType *v, uint32_t count, uint64_t slot, const char *what)
{
    if (count && !v) return wfail(w, "client %" PRIu64 ": %" PRIu32 " %s but no array", slot, count, what);
    if (put_le(w, count, 4)) return -1;
    for (uint32_t i = 0; i < count; i++) {
        const StfShareType *st = &v[i];
        if (st->tag > 2)
            return wfail(w, "client %" PRIu64 " %s #%" PRIu32 ": unknown share type tag %u", slot, what, i, st->tag);
        if (st->bits == 0) return wfail(w, "client %" PRIu64 " %s #%" PRIu32 ": zero bit length", slot, what, i);
        if (st->tag == 1 && st->frac >= st->bits)
            return wfail(w,
                         "client %" PRIu64 " %s #%" PRIu32 ": %" PRIu32 " fractional bits "
                         "not fewer than %" PRIu32 " total bits",
                         slot, what, i, st->frac, st->bits);
        if (put_u8(w, st->tag) || put_le(w, st->bits, 4)) return -1;
        if (st->tag == 1 && put_le(w, st->frac, 4)) return -1;
    }
    return 0;
}

static int put_manifest(Wr *w, const StfManifest *m, uint16_t version)
{
    if (version >= STFL_V_MPC_BACKEND) {
        if (m->backend > 1) return wfail(w, "unknown MPC backend %u (expected 0 or 1)", m->backend);
        if (put_u8(w, m->backend)) return -1;
    }
    if (version >= STFL_V_MPC_CURVE) {
        if (m->curve > 5) return wfail(w, "unknown MPC curve %u (expected 0-5)", m->curve);
        if (put_u8(w, m->curve)) return -1;
    }
    if (m->client_count > STFL_MAX_CLIENTS)
        return wfail(w, "too many client schemas: %" PRIu32 " (limit %u)", m->client_count, STFL_MAX_CLIENTS);
    if (m->client_count && !m->clients) return wfail(w, "%" PRIu32 " client schemas but no array", m->client_count);
    if (put_le(w, m->client_count, 4)) return -1;
    for (uint32_t i = 0; i < m->client_count; i++) {
        const StfClientSchema *c = &m->clients[i];
        if (put_le(w, c->slot, 8)) return -1;
        if (put_share_types(w, c->inputs, c->input_count, c->slot, "inputs")) return -1;
        if (put_share_types(w, c->outputs, c->output_count, c->slot, "outputs")) return -1;
    }
    if (version >= STFL_V_PREPROCESSING) {
        if (put_le(w, m->triples, 8) || put_le(w, m->randoms, 8) || put_le(w, m->prandbits, 8) ||
            put_le(w, m->prandints, 8) || put_u8(w, m->dynamic))
            return -1;
    }
    return 0;
}

/* --- whole file ----------------------------------------------------------- */

static int put_program(Wr *w, const StfProgram *p)
{
    if (p->version > STF_FORMAT_VERSION_MAX)
        return wfail(w, "unsupported format version %u (this writer knows 0-%d)", p->version, STF_FORMAT_VERSION_MAX);
    if (put(w, "STFL", 4) || put_le(w, p->version, 2)) return -1;

    if (p->const_count > STFL_MAX_CONSTANTS)
        return wfail(w, "too many constants: %" PRIu32 " (limit %u)", p->const_count, STFL_MAX_CONSTANTS);
    if (p->const_count && !p->consts) return wfail(w, "%" PRIu32 " constants but no array", p->const_count);
    if (put_le(w, p->const_count, 4)) return -1;
    for (uint32_t i = 0; i < p->const_count; i++)
        if (put_const(w, &p->consts[i], i)) return -1;

    if (p->func_count > STFL_MAX_FUNCTIONS)
        return wfail(w, "too many functions: %" PRIu32 " (limit %u)", p->func_count, STFL_MAX_FUNCTIONS);
    if (p->func_count && !p->funcs) return wfail(w, "%" PRIu32 " functions but no array", p->func_count);
    if (put_le(w, p->func_count, 4)) return -1;
    for (uint32_t i = 0; i < p->func_count; i++) {
        w->fn_index = i;
        if (put_function(w, &p->funcs[i], p->version)) return -1;
    }

    if (p->version >= STFL_V_MANIFEST && put_manifest(w, &p->manifest, p->version)) return -1;
    return 0;
}

int stfl_write(const StfProgram *p, uint8_t **out, size_t *out_len, StflError *err)
{
    StflError dummy;
    if (!err) err = &dummy;
    memset(err, 0, sizeof *err);
    *out = NULL;
    *out_len = 0;
    Wr w = { .err = err, .ins_index = -1 };
    if (put_program(&w, p)) {
        free(w.d);
        return -1;
    }
    if (!w.d) { /* unreachable (the header is always written), but keep *out valid */
        w.d = malloc(1);
        if (!w.d) return wfail(&w, "out of memory");
    }
    *out = w.d;
    *out_len = w.len;
    return 0;
}
