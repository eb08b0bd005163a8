/* disasm.c: StfProgram -> assembly text that asm_parse turns back into an
 * identical program (syntax: docs/assembly.md).
 *
 * Everything that a plain listing would lose is written out explicitly:
 * the pool as `.const` lines unless the literal LDIs rebuild it exactly,
 * `#N` where a literal would resolve to another entry, `.label_order` when
 * the label list is not in positional order, raw forms for odd bytes. */
#include "disasm.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"

#define CANONICAL_NAN 0x7ff8000000000000ull

typedef struct {
    char *data;
    size_t len, cap;
    bool oom;
} Out;

static bool out_reserve(Out *o, size_t n)
{
    if (o->oom) return false;
    if (o->cap - o->len > n) return true;
    size_t cap = o->cap ? o->cap : 4096;
    while (cap - o->len <= n) {
        if (cap > SIZE_MAX / 2) {
            o->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *d = realloc(o->data, cap);
    if (!d) {
        o->oom = true;
        return false;
    }
    o->data = d;
    o->cap = cap;
    return true;
}

static void out_bytes(Out *o, const char *p, size_t n)
{
    if (!out_reserve(o, n)) return;
    if (n) memcpy(o->data + o->len, p, n);
    o->len += n;
    o->data[o->len] = '\0';
}

static void out_str(Out *o, const char *s) { out_bytes(o, s, strlen(s)); }

static void out_printf(Out *o, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        out_bytes(o, small, (size_t)n);
        return;
    }
    if (!out_reserve(o, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(o->data + o->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

/* ---- names and strings ------------------------------------------------------ */

static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }

/* Can the name be written bare (as the assembler's identifier rule reads it)? */
static bool is_plain_name(const char *s, size_t len, bool colon)
{
    if (len == 0 || !(is_alpha((unsigned char)s[0]) || s[0] == '_')) return false;
    for (size_t i = 1; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(is_alpha(c) || is_digit(c) || c == '_' || c == '.' || (colon && c == ':'))) return false;
    }
    return true;
}

/* Length of the valid UTF-8 sequence starting at s[i], 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t i)
{
    unsigned c = s[i];
    size_t need;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) {
        need = 1;
        cp = c & 0x1f;
        min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        need = 2;
        cp = c & 0x0f;
        min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        need = 3;
        cp = c & 0x07;
        min = 0x10000;
    } else
        return 0;
    if (n - i - 1 < need) return 0;
    for (size_t k = 1; k <= need; k++) {
        if ((s[i + k] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return need + 1;
}

/* A double-quoted string: UTF-8 kept as is, control bytes and invalid
 * bytes escaped so the text stays one line and re-reads to the same bytes. */
static void out_quoted(Out *o, const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    out_bytes(o, "\"", 1);
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t run = i;
        while (run < n && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' && s[run] != '\\') run++;
        if (run > i) {
            out_bytes(o, p + i, run - i);
            i = run;
            continue;
        }
        size_t seq = c >= 0x80 ? utf8_seq(s, n, i) : 0;
        if (seq) {
            out_bytes(o, p + i, seq);
            i += seq;
            continue;
        }
        switch (c) {
        case '"': out_str(o, "\\\""); break;
        case '\\': out_str(o, "\\\\"); break;
        case '\n': out_str(o, "\\n"); break;
        case '\t': out_str(o, "\\t"); break;
        case '\r': out_str(o, "\\r"); break;
        case 0: out_str(o, "\\0"); break;
        default: out_printf(o, "\\x%02x", c); break;
        }
        i++;
    }
    out_bytes(o, "\"", 1);
}

static void out_name_bytes(Out *o, const char *s, size_t len, bool colon)
{
    if (is_plain_name(s, len, colon))
        out_bytes(o, s, len);
    else
        out_quoted(o, s, len);
}

static void out_name(Out *o, const StfStr *s, bool colon) { out_name_bytes(o, s->s, s->len, colon); }

/* ---- constants -------------------------------------------------------------- */

static bool is_nan_bits(uint64_t b)
{
    return (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0x000fffffffffffffull);
}

/* Shortest decimal text that reads back to exactly these bits (C locale is
 * in effect, see disasm_program).  NaN/inf are left to the callers. */
static void format_double(char buf[40], uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, 40, "%.*g", prec, d);
        double back = strtod(buf, NULL);
        uint64_t back_bits;
        memcpy(&back_bits, &back, sizeof back);
        if (back_bits == bits) break;
    }
    if (!strpbrk(buf, ".e")) strcat(buf, ".0"); /* keep it a float literal */
}

static void out_float(Out *o, uint64_t bits)
{
    char buf[40];
    if (is_nan_bits(bits)) {
        out_str(o, "nan");
        return;
    }
    if ((bits & 0x7fffffffffffffffull) == 0x7ff0000000000000ull) {
        out_str(o, bits >> 63 ? "-inf" : "inf");
        return;
    }
    format_double(buf, bits);
    out_str(o, buf);
}

static const char *const int_suffix[] = {
    [STF_K_I64] = "",  [STF_K_I32] = "i32", [STF_K_I16] = "i16", [STF_K_I8] = "i8",
    [STF_K_U8] = "u8", [STF_K_U16] = "u16", [STF_K_U32] = "u32", [STF_K_U64] = "u64",
};

static void out_int(Out *o, const StfConst *c, bool suffix)
{
    const char *suf = suffix ? int_suffix[c->tag] : "";
    switch (c->tag) {
    case STF_K_I64: out_printf(o, "%" PRId64 "%s", c->as.i, suf); break;
    case STF_K_I32: out_printf(o, "%" PRId32 "%s", (int32_t)c->as.u, suf); break;
    case STF_K_I16: out_printf(o, "%d%s", (int)(int16_t)c->as.u, suf); break;
    case STF_K_I8: out_printf(o, "%d%s", (int)(int8_t)c->as.u, suf); break;
    case STF_K_U8: out_printf(o, "%u%s", (unsigned)(uint8_t)c->as.u, suf); break;
    case STF_K_U16: out_printf(o, "%u%s", (unsigned)(uint16_t)c->as.u, suf); break;
    case STF_K_U32: out_printf(o, "%" PRIu32 "%s", (uint32_t)c->as.u, suf); break;
    default: out_printf(o, "%" PRIu64 "%s", c->as.u, suf); break;
    }
}

/* LDI operand form: resolves (by the dedup rule) to a value equal to *c. */
static void out_literal(Out *o, const StfConst *c)
{
    switch (c->tag) {
    case STF_K_UNIT: out_str(o, "()"); break;
    case STF_K_FLOAT: out_float(o, c->as.u); break;
    case STF_K_BOOL: out_str(o, c->as.b ? "true" : "false"); break;
    case STF_K_STRING: out_quoted(o, c->as.str.s, c->as.str.len); break;
    default: out_int(o, c, true); break;
    }
}

/* Does the literal text read back to exactly this entry (bits and bytes)? */
static bool literal_is_exact(const StfConst *c)
{
    if (c->tag == STF_K_FLOAT) return !is_nan_bits(c->as.u) || c->as.u == CANONICAL_NAN;
    if (c->tag == STF_K_BOOL) return c->as.b <= 1;
    return c->tag <= STF_K_STRING;
}

static void out_const_directive(Out *o, const StfConst *c, uint32_t index)
{
    static const char *const type_names[] = { "UNIT", "I64", "I32", "I16", "I8",   "U8",
                                              "U16",  "U32", "U64", "F64", "BOOL", "STRING" };
    if (c->tag > STF_K_STRING) {
        out_printf(o, "# constant %" PRIu32 " has unknown tag %u and cannot be written\n", index, c->tag);
        return;
    }
    out_printf(o, ".const %s", type_names[c->tag]);
    switch (c->tag) {
    case STF_K_UNIT: break;
    case STF_K_FLOAT:
        if (is_nan_bits(c->as.u) && c->as.u != CANONICAL_NAN)
            out_printf(o, " bits=0x%016" PRIx64, c->as.u);
        else {
            out_str(o, " ");
            out_float(o, c->as.u);
        }
        break;
    case STF_K_BOOL:
        if (c->as.b > 1)
            out_printf(o, " byte=%u", c->as.b);
        else
            out_str(o, c->as.b ? " true" : " false");
        break;
    case STF_K_STRING:
        out_str(o, " ");
        out_quoted(o, c->as.str.s, c->as.str.len);
        break;
    default:
        out_str(o, " ");
        out_int(o, c, false);
        break;
    }
    out_printf(o, "    # %" PRIu32 "\n", index);
}

/* first[i] = index of the first pool entry equal to entry i (dedup rule),
 * found through a hash table so large pools stay fast.  NULL on OOM. */
static uint32_t *first_equal(const StfProgram *p)
{
    uint32_t n = p->const_count;
    uint32_t *first = malloc(((size_t)n + 1) * sizeof *first);
    size_t cap = 16;
    while (cap < (size_t)n * 2) cap *= 2;
    uint32_t *slots = calloc(cap, sizeof *slots); /* index + 1, 0 empty */
    if (!first || !slots) {
        free(first);
        free(slots);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        size_t h = (size_t)asm_const_hash(&p->consts[i]) & (cap - 1);
        while (slots[h] && !asm_const_same(&p->consts[slots[h] - 1], &p->consts[i])) h = (h + 1) & (cap - 1);
        if (!slots[h]) slots[h] = i + 1;
        first[i] = slots[h] - 1;
    }
    free(slots);
    return first;
}

/* True when the LDI literals alone, assembled in file order with no .const
 * lines, rebuild exactly this pool (the usual case for compiler output). */
static bool pool_is_implicit(const StfProgram *p, const uint32_t *first)
{
    uint32_t built = 0;
    for (uint32_t f = 0; f < p->func_count; f++) {
        const StfFunction *fn = &p->funcs[f];
        for (uint32_t i = 0; i < fn->instr_count; i++) {
            if (fn->instrs[i].op != STF_OP_LDI) continue;
            uint32_t k = fn->instrs[i].b;
            if (k >= p->const_count || first[k] != k) return false;
            if (k < built) continue;
            if (k != built || !literal_is_exact(&p->consts[k])) return false;
            built++;
        }
    }
    return built == p->const_count;
}

/* ---- function types ------------------------------------------------------------ */

static bool type_name_str(Out *o, const uint8_t *t, uint32_t len, uint32_t *pos)
{
    if (len - *pos < 2) return false;
    uint32_t n = (uint32_t)t[*pos] | (uint32_t)t[*pos + 1] << 8;
    if (len - *pos - 2 < n) return false;
    out_name_bytes(o, (const char *)t + *pos + 2, n, true);
    *pos += 2 + n;
    return true;
}

/* Writes one encoded ftype; false if the bytes are malformed. */
static bool out_type(Out *o, const uint8_t *t, uint32_t len, uint32_t *pos, int depth)
{
    static const char *const simple[] = {
        [1] = "float", [2] = "string", [3] = "bool", [4] = "nil", [5] = "void", [12] = "unknown", [13] = "fix64"
    };
    if (*pos >= len || depth > STFL_MAX_TYPE_DEPTH) return false;
    uint8_t tag = t[(*pos)++];
    switch (tag) {
    case 0:
        if (len - *pos < 2 || t[*pos + 1] == 0) return false;
        if (t[*pos] <= 1)
            out_printf(o, "%sint%u", t[*pos] ? "" : "u", t[*pos + 1]);
        else
            out_printf(o, "int<%u,%u>", t[*pos], t[*pos + 1]);
        *pos += 2;
        return true;
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 12:
    case 13: out_str(o, simple[tag]); return true;
    case 6:
    case 7:
        out_str(o, tag == 6 ? "secret<" : "list<");
        if (!out_type(o, t, len, pos, depth + 1)) return false;
        out_str(o, ">");
        return true;
    case 8:
        out_str(o, "dict<");
        if (!out_type(o, t, len, pos, depth + 1)) return false;
        out_str(o, ",");
        if (!out_type(o, t, len, pos, depth + 1)) return false;
        out_str(o, ">");
        return true;
    case 9:
    case 11:
        out_str(o, tag == 9 ? "object<" : "typevar<");
        if (!type_name_str(o, t, len, pos)) return false;
        out_str(o, ">");
        return true;
    case 10: {
        out_str(o, "generic<");
        if (!type_name_str(o, t, len, pos) || len - *pos < 2) return false;
        uint32_t count = (uint32_t)t[*pos] | (uint32_t)t[*pos + 1] << 8;
        *pos += 2;
        for (uint32_t i = 0; i < count; i++) {
            out_str(o, i ? "," : ";");
            if (!out_type(o, t, len, pos, depth + 1)) return false;
        }
        out_str(o, ">");
        return true;
    }
    case 14:
        if (*pos >= len || t[*pos] == 0) return false;
        out_printf(o, t[*pos] == 64 ? "fix<%u>" : "fix%u", t[*pos]); /* fix<64> keeps tag 14 */
        (*pos)++;
        return true;
    default: return false;
    }
}

/* Checks that the function's type bytes decode cleanly (param_count types
 * back to back, one return type), so printing them cannot go wrong. */
static bool types_valid(const StfFunction *f)
{
    Out scratch = { 0 };
    uint32_t pos = 0;
    bool ok = f->param_types_len == 0 || f->param_count > 0;
    for (uint32_t i = 0; ok && f->param_types_len && i < f->param_count; i++)
        ok = out_type(&scratch, f->param_types, f->param_types_len, &pos, 0);
    ok = ok && pos == f->param_types_len;
    pos = 0;
    if (ok && f->ret_type_len) ok = out_type(&scratch, f->ret_type, f->ret_type_len, &pos, 0) && pos == f->ret_type_len;
    free(scratch.data);
    return ok && !scratch.oom;
}

/* ---- functions ---------------------------------------------------------------- */

static void out_function_header(Out *o, const StfFunction *f)
{
    bool types_ok = types_valid(f);
    if (!types_ok) out_str(o, "# warning: malformed function-type bytes left out\n");
    out_str(o, ".function ");
    out_name(o, &f->name, true);
    out_printf(o, " regs=%u", f->register_count);
    bool typed = types_ok && f->param_types_len > 0;
    uint32_t tpos = 0;
    for (uint32_t i = 0; i < f->param_count; i++) {
        out_str(o, i ? "," : " params=");
        out_name(o, &f->params[i], false);
        if (typed) {
            out_str(o, ":");
            out_type(o, f->param_types, f->param_types_len, &tpos, 0);
        }
    }
    for (uint32_t i = 0; i < f->upvalue_count; i++) {
        out_str(o, i ? "," : " upvalues=");
        out_name(o, &f->upvalues[i], true);
    }
    if (f->parent_flag == 1) {
        out_str(o, " parent=");
        out_name(o, &f->parent, true);
    } else if (f->parent_flag != 0) {
        out_printf(o, " parent_flag=%u", f->parent_flag);
    }
    if (types_ok && f->ret_type_len) {
        uint32_t pos = 0;
        out_str(o, " returns=");
        out_type(o, f->ret_type, f->ret_type_len, &pos, 0);
    }
    out_str(o, "\n");
}

static void out_instr(Out *o, const StfProgram *p, const StfInstr *in, const uint32_t *first)
{
    const char *mn = stf_op_name(in->op);
    if (!mn) {
        out_printf(o, "    # invalid opcode 0x%02x cannot be written\n", in->op);
        return;
    }
    out_printf(o, "    %-8s", mn);
    switch (stf_op_format(in->op)) {
    case STF_FMT_R_OFF: out_printf(o, "r%" PRIu32 ", %" PRId32, in->a, in->off); break;
    case STF_FMT_R_K:
        out_printf(o, "r%" PRIu32 ", ", in->a);
        /* a literal re-resolves to the first equal entry, so only that one */
        if (in->b < p->const_count && first[in->b] == in->b && literal_is_exact(&p->consts[in->b]))
            out_literal(o, &p->consts[in->b]);
        else
            out_printf(o, "#%" PRIu32, in->b);
        break;
    case STF_FMT_RR: out_printf(o, "r%" PRIu32 ", r%" PRIu32, in->a, in->b); break;
    case STF_FMT_RRR: out_printf(o, "r%" PRIu32 ", r%" PRIu32 ", r%" PRIu32, in->a, in->b, in->c); break;
    case STF_FMT_LABEL:
    case STF_FMT_NAME: out_name(o, &in->name, true); break;
    case STF_FMT_R: out_printf(o, "r%" PRIu32, in->a); break;
    case STF_FMT_R_SLOT: out_printf(o, "r%" PRIu32 ", %" PRIu32, in->a, in->b); break;
    case STF_FMT_SLOT_R: out_printf(o, "%" PRIu32 ", r%" PRIu32, in->a, in->b); break;
    default: break;
    }
    /* trim the mnemonic padding of operand-less instructions */
    while (o->len && o->data[o->len - 1] == ' ') o->data[--o->len] = '\0';
    out_str(o, "\n");
}

typedef struct {
    uint32_t target, index;
} LabelPos;

static int cmp_label_pos(const void *x, const void *y)
{
    const LabelPos *a = x, *b = y;
    if (a->target != b->target) return a->target < b->target ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static void out_label_def(Out *o, const StfStr *name)
{
    out_name(o, name, true);
    out_str(o, ":\n");
}

static void out_function(Out *o, const StfProgram *p, const StfFunction *f, const uint32_t *first)
{
    out_function_header(o, f);
    uint32_t n = f->label_count;
    LabelPos *pos = malloc(((size_t)n + 1) * sizeof *pos);
    if (!pos) {
        o->oom = true;
        return;
    }
    /* text definition order: out-of-range targets first (as .label), then
     * positional ones sorted by target */
    uint32_t n_far = 0, n_pos = 0;
    for (uint32_t i = 0; i < n; i++)
        if (f->labels[i].target > f->instr_count) pos[n_far++] = (LabelPos){ f->labels[i].target, i };
    for (uint32_t i = 0; i < n; i++)
        if (f->labels[i].target <= f->instr_count) pos[n_far + n_pos++] = (LabelPos){ f->labels[i].target, i };
    qsort(pos + n_far, n_pos, sizeof *pos, cmp_label_pos);
    bool in_order = true;
    for (uint32_t i = 0; i < n; i++) in_order &= pos[i].index == i;
    if (!in_order) {
        for (uint32_t i = 0; i < n; i++) {
            out_str(o, i ? ", " : "    .label_order ");
            out_name(o, &f->labels[i].name, true);
        }
        out_str(o, "\n");
    }
    for (uint32_t i = 0; i < n_far; i++) {
        out_str(o, "    .label ");
        out_name(o, &f->labels[pos[i].index].name, true);
        out_printf(o, " %" PRIu32 "\n", pos[i].target);
    }
    uint32_t next = n_far;
    for (uint32_t i = 0; i <= f->instr_count; i++) {
        while (next < n && pos[next].target == i) out_label_def(o, &f->labels[pos[next++].index].name);
        if (i < f->instr_count) out_instr(o, p, &f->instrs[i], first);
    }
    out_str(o, ".end\n");
    free(pos);
}

/* ---- manifest ------------------------------------------------------------------ */

static void out_share_list(Out *o, const char *key, const StfShareType *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        out_printf(o, "%s", i ? "," : key);
        switch (v[i].tag) {
        case 0: out_printf(o, "int:%" PRIu32, v[i].bits); break;
        case 1: out_printf(o, "fixed:%" PRIu32 ":%" PRIu32, v[i].bits, v[i].frac); break;
        case 2: out_printf(o, "uint:%" PRIu32, v[i].bits); break;
        default: out_printf(o, "unknown-share-tag-%u", v[i].tag); break;
        }
    }
}

static void out_manifest(Out *o, const StfManifest *m)
{
    if (m->backend == 1)
        out_printf(o, ".backend %s\n", stf_backend_name(m->backend));
    else if (m->backend)
        out_printf(o, ".backend %u\n", m->backend);
    if (m->curve && m->curve < STF_CURVE_COUNT)
        out_printf(o, ".curve %s\n", stf_curve_name(m->curve));
    else if (m->curve)
        out_printf(o, ".curve %u\n", m->curve);
    for (uint32_t i = 0; i < m->client_count; i++) {
        const StfClientSchema *c = &m->clients[i];
        out_printf(o, ".client %" PRIu64, c->slot);
        out_share_list(o, " inputs=", c->inputs, c->input_count);
        out_share_list(o, " outputs=", c->outputs, c->output_count);
        out_str(o, "\n");
    }
    if (m->triples || m->randoms || m->prandbits || m->prandints || m->dynamic)
        out_printf(o,
                   ".preprocessing triples=%" PRIu64 " randoms=%" PRIu64 " prandbits=%" PRIu64 " prandints=%" PRIu64
                   " dynamic=%u\n",
                   m->triples, m->randoms, m->prandbits, m->prandints, m->dynamic);
}

char *disasm_program(const StfProgram *p)
{
    Out o = { 0 };
    uint32_t *first = first_equal(p);
    if (!first) return NULL;
    /* number formatting must not follow the caller's locale */
    locale_t c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c_numeric ? uselocale(c_numeric) : (locale_t)0;

    out_printf(&o, "# StoffelVM assembly\n.version %u\n", p->version);
    out_manifest(&o, &p->manifest);
    bool implicit = pool_is_implicit(p, first);
    if (!implicit) {
        out_str(&o, "\n");
        for (uint32_t i = 0; i < p->const_count; i++) out_const_directive(&o, &p->consts[i], i);
    }
    for (uint32_t i = 0; i < p->func_count; i++) {
        out_str(&o, "\n");
        out_function(&o, p, &p->funcs[i], first);
    }

    if (c_numeric) {
        if (old) uselocale(old);
        freelocale(c_numeric);
    }
    free(first);
    if (o.oom || !o.data) {
        free(o.data);
        return NULL;
    }
    return o.data;
}
