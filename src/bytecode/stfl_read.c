/* stfl_read.c: .stflb reader (spec/stfl-format.md §1-§7).
 *
 * The input is untrusted.  Every read goes through need(), which checks the
 * bytes left; every count is checked against a hard limit and against the
 * smallest possible encoding of that many elements in the bytes left before
 * anything is allocated, so a tiny file can never make us allocate much.
 * Arrays are calloc'd and their counts set before the elements are filled,
 * so stf_program_free() can release a half-built program on any error. */
#include "stfl.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Smallest encodings, used for the plausibility checks. */
#define MIN_CONST 1u    /* tag only (Unit) */
#define MIN_FUNC_V1 15u /* name 2, regs 2, params 2, upvalues 2, parent 1, labels 2, instrs 4 */
#define MIN_FUNC_V5 18u /* + param type count 2, return type 1 */
#define MIN_STR16 2u
#define MIN_LABEL 6u /* str16 + u32 target */
#define MIN_FTYPE 1u
#define MIN_INSTR 1u   /* NOP */
#define MIN_CLIENT 16u /* slot 8, input count 4, output count 4 */
#define MIN_SHARE 5u   /* tag + u32 */

typedef struct {
    const uint8_t *d;
    size_t len, pos;
    uint16_t version;
    StflError *err;
    const StfFunction *fn; /* function being read (for messages), or NULL */
    uint32_t fn_index;
    int64_t ins_index;   /* instruction being read, or -1 */
    int64_t const_index; /* constant being read, or -1 */
} Rd;

static uint32_t off32(size_t pos)
{
    /* The model stores offsets as u32; saturate for (absurd) >4 GiB files. */
    return pos > UINT32_MAX ? UINT32_MAX : (uint32_t)pos;
}

/* Append " (function 'name', instruction N)" so messages about function
 * records say where they are.  Long names are cut at a character boundary. */
static void add_context(const Rd *r, char *msg, size_t cap)
{
    size_t used = strlen(msg);
    if (r->const_index >= 0 && used < cap - 1)
        snprintf(msg + used, cap - used, " (constant #%" PRId64 ")", r->const_index);
    if (!r->fn) return;
    used = strlen(msg);
    if (used >= cap - 1) return;
    char *p = msg + used;
    size_t room = cap - used;
    const StfFunction *f = r->fn;
    int n;
    if (f->name.s) {
        size_t nl = f->name.len > 48 ? 48 : f->name.len;
        while (nl > 0 && nl < f->name.len && ((uint8_t)f->name.s[nl] & 0xC0) == 0x80) nl--;
        n = snprintf(p, room, " (function '%.*s'%s", (int)nl, f->name.s, nl < f->name.len ? "..." : "");
    } else {
        n = snprintf(p, room, " (function #%" PRIu32, r->fn_index);
    }
    if (n < 0 || (size_t)n >= room) return;
    p += n;
    room -= (size_t)n;
    if (r->ins_index >= 0)
        snprintf(p, room, ", instruction %" PRId64 ")", r->ins_index);
    else
        snprintf(p, room, ")");
}

static int fail(Rd *r, size_t offset, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(Rd *r, size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err->message, sizeof r->err->message, fmt, ap);
    va_end(ap);
    add_context(r, r->err->message, sizeof r->err->message);
    r->err->offset = offset;
    return -1;
}

static size_t left(const Rd *r) { return r->len - r->pos; }

/* Check that n more bytes exist; "what" + "suffix" name them in the message
 * (two parts so hot paths need not format anything unless they fail). */
static int need_s(Rd *r, size_t n, const char *what, const char *suffix)
{
    if (left(r) >= n) return 0;
    return fail(r, r->pos, "truncated file: expected %zu byte%s for %s%s at offset %zu, %zu left", n, n == 1 ? "" : "s",
                what, suffix, r->pos, left(r));
}

static int need(Rd *r, size_t n, const char *what) { return need_s(r, n, what, ""); }

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t get64(const uint8_t *p) { return get32(p) | ((uint64_t)get32(p + 4) << 32); }

static int rd_u8(Rd *r, uint8_t *v, const char *what)
{
    if (need(r, 1, what)) return -1;
    *v = r->d[r->pos++];
    return 0;
}

static int rd_u16(Rd *r, uint16_t *v, const char *what)
{
    if (need(r, 2, what)) return -1;
    *v = get16(r->d + r->pos);
    r->pos += 2;
    return 0;
}

static int rd_u32(Rd *r, uint32_t *v, const char *what)
{
    if (need(r, 4, what)) return -1;
    *v = get32(r->d + r->pos);
    r->pos += 4;
    return 0;
}

static int rd_u64(Rd *r, uint64_t *v, const char *what)
{
    if (need(r, 8, what)) return -1;
    *v = get64(r->d + r->pos);
    r->pos += 8;
    return 0;
}

/* Two's complement without implementation-defined conversions. */
static int64_t sign_extend(uint64_t u, unsigned bits)
{
    if (bits == 64) {
        int64_t v;
        memcpy(&v, &u, sizeof v);
        return v;
    }
    uint64_t sign = (uint64_t)1 << (bits - 1);
    return (int64_t)(u ^ sign) - (int64_t)sign;
}

size_t stfl_utf8_prefix(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the 2nd byte */
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c == 0xE0) {
            n = 3;
            lo = 0xA0;
        } /* no overlongs */
        else if (c >= 0xE1 && c <= 0xEC)
            n = 3;
        else if (c == 0xED) {
            n = 3;
            hi = 0x9F;
        } /* no surrogates */
        else if (c >= 0xEE && c <= 0xEF)
            n = 3;
        else if (c == 0xF0) {
            n = 4;
            lo = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3)
            n = 4;
        else if (c == 0xF4) {
            n = 4;
            hi = 0x8F;
        } /* <= U+10FFFF */
        else
            return i;
        if (len - i < n || s[i + 1] < lo || s[i + 1] > hi) return i;
        for (size_t k = 2; k < n; k++)
            if ((s[i + k] & 0xC0) != 0x80) return i;
        i += n;
    }
    return len;
}

/* A length-prefixed string (prefix of `width` 2 or 4 bytes).  Names (str16)
 * may not contain NUL so they stay usable as C strings; constants may. */
static int rd_str(Rd *r, int width, const char *what, StfStr *out)
{
    size_t at = r->pos;
    uint32_t n;
    if (need_s(r, (size_t)width, what, " length")) return -1;
    if (width == 2) {
        n = get16(r->d + r->pos);
        r->pos += 2;
    } else {
        n = get32(r->d + r->pos);
        r->pos += 4;
        if (n > STFL_MAX_STRING)
            return fail(r, at, "%s at offset %zu is too long: %" PRIu32 " bytes (limit %u)", what, at, n,
                        STFL_MAX_STRING);
    }
    if (need(r, n, what)) return -1;
    const uint8_t *s = r->d + r->pos;
    size_t ok = stfl_utf8_prefix(s, n);
    if (ok != n) return fail(r, r->pos + ok, "invalid UTF-8 in %s at offset %zu", what, r->pos + ok);
    if (width == 2) {
        const void *nul = memchr(s, 0, n);
        if (nul)
            return fail(r, r->pos + (size_t)((const uint8_t *)nul - s), "NUL byte in %s at offset %zu", what,
                        r->pos + (size_t)((const uint8_t *)nul - s));
    }
    if (!stf_str_dup(out, (const char *)s, n)) return fail(r, at, "out of memory reading %s at offset %zu", what, at);
    r->pos += n;
    return 0;
}

/* Reject a count above `max` or one that cannot fit in the bytes left when
 * every element takes at least `min_size` bytes.  `at` is where the count
 * was read. */
static int check_count(Rd *r, uint64_t count, uint64_t max, size_t min_size, const char *what, size_t at)
{
    if (count > max)
        return fail(r, at, "too many %s: %" PRIu64 " at offset %zu (limit %" PRIu64 ")", what, count, at, max);
    if (count > left(r) / min_size)
        return fail(r, at,
                    "truncated file: %" PRIu64 " %s declared at offset %zu need at least "
                    "%" PRIu64 " bytes, only %zu left",
                    count, what, at, count * min_size, left(r));
    return 0;
}

/* calloc that treats 0 elements as "no array" (NULL) without failing. */
static int alloc_array(Rd *r, void **out, size_t count, size_t size, const char *what, size_t at)
{
    *out = NULL;
    if (count == 0) return 0;
    *out = calloc(count, size);
    if (!*out) return fail(r, at, "out of memory allocating %zu %s", count, what);
    return 0;
}

/* --- function types ------------------------------------------------------ */

static int ft_scan(const uint8_t *s, size_t len, size_t *pos, int depth, const char **why)
{
    if (depth > STFL_MAX_TYPE_DEPTH) {
        *why = "function type nested too deeply";
        return -1;
    }
    if (*pos >= len) {
        *why = "truncated function type";
        return -1;
    }
    size_t at = *pos;
    uint8_t tag = s[(*pos)++];
    switch (tag) {
    case 0: /* Int: signed flag, bits */
        if (len - *pos < 2) {
            *why = "truncated integer function type";
            return -1;
        }
        if (s[*pos + 1] == 0) {
            *pos = at;
            *why = "integer function type with zero bits";
            return -1;
        }
        *pos += 2;
        return 0;
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 12:
    case 13: return 0;
    case 6:
    case 7: /* Secret(T), List(T) */ return ft_scan(s, len, pos, depth + 1, why);
    case 8: /* Dict(K, V) */
        if (ft_scan(s, len, pos, depth + 1, why)) return -1;
        return ft_scan(s, len, pos, depth + 1, why);
    case 9:
    case 10:
    case 11: { /* Object / Generic / TypeVar name */
        if (len - *pos < 2) {
            *why = "truncated function type name";
            return -1;
        }
        size_t n = get16(s + *pos);
        *pos += 2;
        if (len - *pos < n) {
            *why = "truncated function type name";
            return -1;
        }
        size_t ok = stfl_utf8_prefix(s + *pos, n);
        if (ok != n) {
            *pos += ok;
            *why = "invalid UTF-8 in function type name";
            return -1;
        }
        const uint8_t *nul = memchr(s + *pos, 0, n);
        if (nul) {
            *pos = (size_t)(nul - s);
            *why = "NUL byte in function type name";
            return -1;
        }
        *pos += n;
        if (tag != 10) return 0;
        if (len - *pos < 2) {
            *why = "truncated generic parameter count";
            return -1;
        }
        unsigned count = get16(s + *pos);
        *pos += 2;
        for (unsigned i = 0; i < count; i++)
            if (ft_scan(s, len, pos, depth + 1, why)) return -1;
        return 0;
    }
    case 14: /* Fixed{bits} */
        if (*pos >= len) {
            *why = "truncated fixed-point function type";
            return -1;
        }
        if (s[*pos] == 0) {
            *pos = at;
            *why = "fixed-point function type with zero bits";
            return -1;
        }
        (*pos)++;
        return 0;
    default:
        *pos = at;
        *why = "unknown function type tag";
        return -1;
    }
}

size_t stfl_ftype_len(const uint8_t *s, size_t len, size_t *bad_at, const char **why)
{
    size_t pos = 0;
    const char *w = NULL;
    if (ft_scan(s, len, &pos, 0, &w) == 0) return pos;
    if (bad_at) *bad_at = pos;
    if (why) *why = w;
    return 0;
}

/* Scan `count` encoded types at the cursor and copy their bytes. */
static int rd_ftypes(Rd *r, uint32_t count, const char *what, uint8_t **out, uint32_t *out_len)
{
    size_t start = r->pos;
    for (uint32_t i = 0; i < count; i++) {
        size_t bad = 0;
        const char *why = "";
        size_t n = stfl_ftype_len(r->d + r->pos, left(r), &bad, &why);
        if (n == 0) {
            size_t at = r->pos + bad;
            if (strncmp(why, "truncated ", 10) == 0)
                return fail(r, at, "truncated file: %s in %s at offset %zu", why + 10, what, at);
            if (strcmp(why, "unknown function type tag") == 0)
                return fail(r, at, "unknown function type tag %u in %s at offset %zu", r->d[at], what, at);
            return fail(r, at, "%s in %s at offset %zu", why, what, at);
        }
        r->pos += n;
    }
    size_t total = r->pos - start;
    if (total == 0) return 0;
    if (total > UINT32_MAX) return fail(r, start, "%s too large at offset %zu", what, start);
    *out = malloc(total);
    if (!*out) return fail(r, start, "out of memory reading %s", what);
    memcpy(*out, r->d + start, total);
    *out_len = (uint32_t)total;
    return 0;
}

/* --- constants ------------------------------------------------------------ */

static int rd_const(Rd *r, StfConst *k)
{
    static const uint8_t int_size[] = { 0, 8, 4, 2, 1, 1, 2, 4, 8 };
    static const char *const tag_name[] = { "Unit", "I64", "I32", "I16",   "I8",   "U8",
                                            "U16",  "U32", "U64", "Float", "Bool", "String" };
    size_t at = r->pos;
    uint8_t tag;
    if (rd_u8(r, &tag, "constant tag")) return -1;
    const char *what = tag <= STF_K_STRING ? tag_name[tag] : "";
    switch (tag) {
    case STF_K_UNIT: k->tag = tag; return 0;
    case STF_K_I64:
    case STF_K_I32:
    case STF_K_I16:
    case STF_K_I8:
    case STF_K_U8:
    case STF_K_U16:
    case STF_K_U32:
    case STF_K_U64: {
        unsigned n = int_size[tag];
        if (need_s(r, n, what, " constant")) return -1;
        uint64_t u = 0;
        for (unsigned i = 0; i < n; i++) u |= (uint64_t)r->d[r->pos + i] << (8 * i);
        r->pos += n;
        k->tag = tag;
        if (tag <= STF_K_I8)
            k->as.i = sign_extend(u, 8 * n);
        else
            k->as.u = u;
        return 0;
    }
    case STF_K_FLOAT:
        if (rd_u64(r, &k->as.u, "Float constant")) return -1; /* raw bits: -0.0, NaNs kept */
        k->tag = tag;
        return 0;
    case STF_K_BOOL:
        if (rd_u8(r, &k->as.b, "Bool constant")) return -1; /* raw byte, non-zero = true */
        k->tag = tag;
        return 0;
    case STF_K_STRING: {
        StfStr s;
        if (rd_str(r, 4, "string constant", &s)) return -1;
        k->tag = tag;
        k->as.str = s;
        return 0;
    }
    default: return fail(r, at, "unknown constant tag %u at offset %zu", tag, at);
    }
}

/* --- functions ------------------------------------------------------------ */

/* Count-prefixed str16 list of `kind` ("parameter", "upvalue"); *n is set
 * as soon as the array exists so a failure half-way still frees the names
 * read so far. */
static int rd_str16_list(Rd *r, const char *kind, StfStr **out, uint16_t *n)
{
    size_t count_at = r->pos;
    uint16_t count;
    char what[64];
    snprintf(what, sizeof what, "%s count", kind);
    if (rd_u16(r, &count, what)) return -1;
    snprintf(what, sizeof what, "%ss", kind);
    if (check_count(r, count, UINT16_MAX, MIN_STR16, what, count_at)) return -1;
    if (alloc_array(r, (void **)out, count, sizeof **out, what, count_at)) return -1;
    *n = count;
    snprintf(what, sizeof what, "%s name", kind);
    for (uint16_t i = 0; i < count; i++)
        if (rd_str(r, 2, what, &(*out)[i])) return -1;
    return 0;
}

static int rd_instr(Rd *r, StfInstr *in)
{
    size_t at = r->pos;
    in->file_offset = off32(at);
    if (rd_u8(r, &in->op, "opcode")) return -1;
    int fmt = stf_op_format(in->op);
    if (fmt < 0) return fail(r, at, "unknown opcode 0x%02x at offset %zu", in->op, at);
    /* fixed operand bytes per format, checked at once (no per-operand work) */
    static const uint8_t operand_bytes[] = {
        [STF_FMT_R_OFF] = 8, [STF_FMT_R_K] = 8,    [STF_FMT_RR] = 8,     [STF_FMT_RRR] = 12,
        [STF_FMT_R] = 4,     [STF_FMT_R_SLOT] = 8, [STF_FMT_SLOT_R] = 8,
    };
    if (fmt == STF_FMT_LABEL) return rd_str(r, 2, "jump label", &in->name);
    if (fmt == STF_FMT_NAME) return rd_str(r, 2, "call target", &in->name);
    if ((size_t)fmt >= sizeof operand_bytes) /* a format added without a size here */
        return fail(r, at, "opcode 0x%02x at offset %zu has no known operand layout", in->op, at);
    size_t n = operand_bytes[fmt];
    if (need_s(r, n, stf_op_name(in->op), " operands")) return -1;
    const uint8_t *q = r->d + r->pos;
    r->pos += n;
    switch (fmt) {
    case STF_FMT_R_OFF:
        in->a = get32(q);
        in->off = (int32_t)sign_extend(get32(q + 4), 32);
        break;
    case STF_FMT_RRR:
        in->c = get32(q + 8);
        /* fall through */
    case STF_FMT_R_K:
    case STF_FMT_RR:
    case STF_FMT_R_SLOT:
    case STF_FMT_SLOT_R:
        in->b = get32(q + 4);
        /* fall through */
    case STF_FMT_R: in->a = get32(q); break;
    default: /* STF_FMT_NONE */ break;
    }
    return 0;
}

static int rd_function(Rd *r, StfFunction *f)
{
    uint16_t n16;
    size_t at;
    f->file_offset = off32(r->pos);
    r->fn = f;
    r->ins_index = -1;
    if (rd_str(r, 2, "function name", &f->name)) return -1;
    if (rd_u16(r, &f->register_count, "register count")) return -1;

    if (rd_str16_list(r, "parameter", &f->params, &f->param_count)) return -1;

    if (r->version >= STFL_V_FUNCTION_TYPES) {
        at = r->pos;
        if (rd_u16(r, &n16, "parameter type count")) return -1;
        if (n16 != f->param_count)
            return fail(r, at,
                        "parameter type count %u at offset %zu does not match the "
                        "parameter count %u",
                        n16, at, f->param_count);
        if (check_count(r, n16, UINT16_MAX, MIN_FTYPE, "parameter types", at)) return -1;
        if (rd_ftypes(r, n16, "parameter types", &f->param_types, &f->param_types_len)) return -1;
        if (rd_ftypes(r, 1, "return type", &f->ret_type, &f->ret_type_len)) return -1;
    }

    if (rd_str16_list(r, "upvalue", &f->upvalues, &f->upvalue_count)) return -1;

    /* v1 readers treat any flag other than 1 as "no parent"; the v9 reader
     * rejects anything but 0/1.  The raw byte is kept for the round trip. */
    at = r->pos;
    if (rd_u8(r, &f->parent_flag, "parent flag")) return -1;
    if (r->version >= 2 && f->parent_flag > 1)
        return fail(r, at, "invalid parent flag %u at offset %zu (expected 0 or 1)", f->parent_flag, at);
    if (f->parent_flag == 1 && rd_str(r, 2, "parent name", &f->parent)) return -1;

    at = r->pos;
    if (rd_u16(r, &n16, "label count")) return -1;
    if (check_count(r, n16, UINT16_MAX, MIN_LABEL, "labels", at)) return -1;
    if (alloc_array(r, (void **)&f->labels, n16, sizeof *f->labels, "labels", at)) return -1;
    f->label_count = n16;
    for (uint16_t i = 0; i < n16; i++) {
        if (rd_str(r, 2, "label name", &f->labels[i].name)) return -1;
        if (rd_u32(r, &f->labels[i].target, "label target")) return -1;
    }

    uint32_t ni;
    at = r->pos;
    if (rd_u32(r, &ni, "instruction count")) return -1;
    if (check_count(r, ni, STFL_MAX_INSTRUCTIONS, MIN_INSTR, "instructions", at)) return -1;
    if (alloc_array(r, (void **)&f->instrs, ni, sizeof *f->instrs, "instructions", at)) return -1;
    f->instr_count = ni;
    for (uint32_t i = 0; i < ni; i++) {
        r->ins_index = i;
        if (rd_instr(r, &f->instrs[i])) return -1;
    }
    r->fn = NULL;
    r->ins_index = -1;
    return 0;
}

/* --- manifest ------------------------------------------------------------- */

static int rd_share_types(Rd *r, const char *what, uint32_t *count, StfShareType **out)
{
    size_t at = r->pos;
    uint32_t n;
    char cwhat[64];
    snprintf(cwhat, sizeof cwhat, "%s count", what);
    if (rd_u32(r, &n, cwhat)) return -1;
    if (check_count(r, n, UINT32_MAX, MIN_SHARE, what, at)) return -1;
    if (alloc_array(r, (void **)out, n, sizeof **out, what, at)) return -1;
    *count = n;
    for (uint32_t i = 0; i < n; i++) {
        StfShareType *st = &(*out)[i];
        at = r->pos;
        if (rd_u8(r, &st->tag, "share type tag")) return -1;
        if (st->tag > 2) return fail(r, at, "unknown share type tag %u at offset %zu", st->tag, at);
        if (rd_u32(r, &st->bits, "share type bit length")) return -1;
        if (st->tag == 1 && rd_u32(r, &st->frac, "share type fractional bits")) return -1;
        if (st->bits == 0) return fail(r, at, "share type with zero bit length at offset %zu", at);
        if (st->tag == 1 && st->frac >= st->bits)
            return fail(r, at,
                        "fixed-point share type at offset %zu has %" PRIu32
                        " fractional bits, not fewer than its %" PRIu32 " total bits",
                        at, st->frac, st->bits);
    }
    return 0;
}

static int rd_manifest(Rd *r, StfManifest *m)
{
    size_t at = r->pos;
    if (r->version >= STFL_V_MPC_BACKEND) {
        if (rd_u8(r, &m->backend, "MPC backend")) return -1;
        if (m->backend > 1)
            return fail(r, at,
                        "unknown MPC backend %u at offset %zu (expected 0 HoneyBadger "
                        "or 1 AVSS)",
                        m->backend, at);
    }
    at = r->pos;
    if (r->version >= STFL_V_MPC_CURVE) {
        if (rd_u8(r, &m->curve, "MPC curve")) return -1;
        if (m->curve > 5) return fail(r, at, "unknown MPC curve %u at offset %zu (expected 0-5)", m->curve, at);
    }
    uint32_t n;
    at = r->pos;
    if (rd_u32(r, &n, "client schema count")) return -1;
    if (check_count(r, n, STFL_MAX_CLIENTS, MIN_CLIENT, "client schemas", at)) return -1;
    if (alloc_array(r, (void **)&m->clients, n, sizeof *m->clients, "client schemas", at)) return -1;
    m->client_count = n;
    for (uint32_t i = 0; i < n; i++) {
        StfClientSchema *c = &m->clients[i];
        if (rd_u64(r, &c->slot, "client slot")) return -1;
        if (rd_share_types(r, "client inputs", &c->input_count, &c->inputs)) return -1;
        if (rd_share_types(r, "client outputs", &c->output_count, &c->outputs)) return -1;
    }
    if (r->version >= STFL_V_PREPROCESSING) {
        if (rd_u64(r, &m->triples, "preprocessing triples") || rd_u64(r, &m->randoms, "preprocessing randoms") ||
            rd_u64(r, &m->prandbits, "preprocessing prandbits") ||
            rd_u64(r, &m->prandints, "preprocessing prandints") || rd_u8(r, &m->dynamic, "preprocessing dynamic flag"))
            return -1;
    }
    return 0;
}

/* --- whole file ----------------------------------------------------------- */

static int rd_program(Rd *r, StfProgram *p)
{
    if (need(r, 4, "magic")) return -1;
    if (memcmp(r->d, "STFL", 4) != 0)
        return fail(r, 0,
                    "invalid magic at offset 0: expected \"STFL\" (53 54 46 4c), got "
                    "%02x %02x %02x %02x",
                    r->d[0], r->d[1], r->d[2], r->d[3]);
    r->pos = 4;
    if (rd_u16(r, &p->version, "format version")) return -1;
    if (p->version > STF_FORMAT_VERSION_MAX)
        return fail(r, 4, "unsupported format version %u (this reader knows 0-%d)", p->version, STF_FORMAT_VERSION_MAX);
    r->version = p->version; /* version 0 simply passes no gate: v1 layout */

    uint32_t n;
    size_t at = r->pos;
    if (rd_u32(r, &n, "constant count")) return -1;
    if (check_count(r, n, STFL_MAX_CONSTANTS, MIN_CONST, "constants", at)) return -1;
    if (alloc_array(r, (void **)&p->consts, n, sizeof *p->consts, "constants", at)) return -1;
    p->const_count = n;
    for (uint32_t i = 0; i < n; i++) {
        r->const_index = i;
        if (rd_const(r, &p->consts[i])) return -1;
    }
    r->const_index = -1;

    at = r->pos;
    if (rd_u32(r, &n, "function count")) return -1;
    size_t min_func = p->version >= STFL_V_FUNCTION_TYPES ? MIN_FUNC_V5 : MIN_FUNC_V1;
    if (check_count(r, n, STFL_MAX_FUNCTIONS, min_func, "functions", at)) return -1;
    if (alloc_array(r, (void **)&p->funcs, n, sizeof *p->funcs, "functions", at)) return -1;
    p->func_count = n;
    for (uint32_t i = 0; i < n; i++) {
        r->fn_index = i;
        if (rd_function(r, &p->funcs[i])) return -1;
    }

    if (p->version >= STFL_V_MANIFEST && rd_manifest(r, &p->manifest)) return -1;

    /* Rust ignores trailing bytes; we reject them so that a file always
     * round-trips exactly and padding/garbage is noticed. */
    if (r->pos != r->len)
        return fail(r, r->pos,
                    "trailing data: %zu unexpected byte%s after the end of the "
                    "program at offset %zu",
                    left(r), left(r) == 1 ? "" : "s", r->pos);
    return 0;
}

int stfl_read(const uint8_t *data, size_t len, StfProgram *out, StflError *err)
{
    StflError dummy;
    if (!err) err = &dummy;
    memset(err, 0, sizeof *err);
    stf_program_init(out);
    Rd r = { .d = data, .len = data ? len : 0, .err = err, .ins_index = -1, .const_index = -1 };
    if (rd_program(&r, out)) {
        stf_program_free(out);
        return -1;
    }
    return 0;
}
