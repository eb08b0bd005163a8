/* asm_directives.c: the parts of the assembler that describe the file rather
 * than code (syntax: docs/assembly.md): the constant pool (its dedup rule,
 * numeric and other literals, .const), function types, and the top-level
 * directives .version, .backend, .curve, .client and .preprocessing.  The
 * lexer and the rest of the parser are in asm.c; asm_internal.h is what the
 * two share. */
#include "asm_internal.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CANONICAL_NAN 0x7ff8000000000000ull

/* ---- the constant-dedup rule ----------------------------------------------- */

/* Integer payload normalised to its width, so a model that stored a narrow
 * value without sign extension still compares equal. */
static uint64_t int_key(const StfConst *c)
{
    switch (c->tag) {
    case STF_K_I32: return (uint64_t)(int64_t)(int32_t)c->as.u;
    case STF_K_I16: return (uint64_t)(int64_t)(int16_t)c->as.u;
    case STF_K_I8: return (uint64_t)(int64_t)(int8_t)c->as.u;
    case STF_K_U8: return (uint8_t)c->as.u;
    case STF_K_U16: return (uint16_t)c->as.u;
    case STF_K_U32: return (uint32_t)c->as.u;
    default: return c->as.u;
    }
}

/* Floats pool by their exact bits.  The reference writer pools by value
 * equality (-0.0 == +0.0), so `LDI 0.0` after `LDI -0.0` would load -0.0
 * there; a literal in our text means exactly that value (docs/compat.md). */
static uint64_t float_key(uint64_t bits) { return bits; }

bool asm_const_same(const StfConst *a, const StfConst *b)
{
    if (a->tag != b->tag) return false;
    switch (a->tag) {
    case STF_K_UNIT: return true;
    case STF_K_FLOAT: return float_key(a->as.u) == float_key(b->as.u);
    case STF_K_BOOL: return (a->as.b != 0) == (b->as.b != 0);
    case STF_K_STRING:
        return a->as.str.len == b->as.str.len &&
               (a->as.str.len == 0 || memcmp(a->as.str.s, b->as.str.s, a->as.str.len) == 0);
    default: return int_key(a) == int_key(b);
    }
}

uint64_t asm_const_hash(const StfConst *c)
{
    uint64_t h = asm_fnv1a(0xcbf29ce484222325ull, &c->tag, 1), v;
    switch (c->tag) {
    case STF_K_UNIT: return h;
    case STF_K_FLOAT: v = float_key(c->as.u); break;
    case STF_K_BOOL: v = c->as.b != 0; break;
    case STF_K_STRING: return asm_fnv1a(h, c->as.str.s, c->as.str.len);
    default: v = int_key(c); break;
    }
    return asm_fnv1a(h, &v, sizeof v);
}

/* ---- numbers and constants ------------------------------------------------- */

typedef struct {
    const char *suffix;
    bool is_signed;
    uint64_t max;
} IntKind;

static const IntKind int_kinds[STF_K_U64 + 1] = {
    [STF_K_I64] = { "i64", true, INT64_MAX },   [STF_K_I32] = { "i32", true, INT32_MAX },
    [STF_K_I16] = { "i16", true, INT16_MAX },   [STF_K_I8] = { "i8", true, INT8_MAX },
    [STF_K_U8] = { "u8", false, UINT8_MAX },    [STF_K_U16] = { "u16", false, UINT16_MAX },
    [STF_K_U32] = { "u32", false, UINT32_MAX }, [STF_K_U64] = { "u64", false, UINT64_MAX },
};

static bool is_int_tag(int tag) { return tag >= STF_K_I64 && tag <= STF_K_U64; }

static int suffix_tag(const Token *s)
{
    if (asm_tok_is(s, "f64")) return STF_K_FLOAT;
    for (int tag = STF_K_I64; tag <= STF_K_U64; tag++)
        if (asm_tok_is(s, int_kinds[tag].suffix)) return tag;
    return -1;
}

static int text_to_double(Asm *A, const Token *t, double *out)
{
    A->numtext.len = 0;
    if (!asm_buf_put(&A->numtext, t->p, t->len) || !asm_buf_byte(&A->numtext, 0)) return asm_oom(A);
    const char *text = (const char *)A->numtext.data;
    locale_t old = (locale_t)0;
    if (A->c_numeric) old = uselocale(A->c_numeric);
    char *end;
    double d = strtod(text, &end);
    if (A->c_numeric && old) uselocale(old);
    if (end != text + t->len) return fail_tok(A, t, "malformed number %s", asm_show(A, t->p, t->len));
    if (isinf(d)) return fail_tok(A, t, "float literal %s is out of range", asm_show(A, t->p, t->len));
    *out = d;
    return 0;
}

/* A numeric literal: -?DIGITS[.DIGITS][e[+-]DIGITS][SUFFIX].  `want` is the
 * tag a .const directive demands, or -1 to take it from the suffix. */
static int parse_number(Asm *A, int want, StfConst *out)
{
    size_t start = A->pos;
    if (asm_peek(A) == '-') A->pos++;
    size_t digits = A->pos;
    while (asm_is_digit(asm_peek(A))) A->pos++;
    if (A->pos == digits) {
        A->pos = start;
        return fail_here(A, "expected a number, found %s", asm_show_here(A));
    }
    bool is_float = false;
    if (asm_peek(A) == '.' && asm_is_digit(asm_peek_at(A, 1))) {
        is_float = true;
        A->pos++;
        while (asm_is_digit(asm_peek(A))) A->pos++;
    }
    if ((asm_peek(A) == 'e' || asm_peek(A) == 'E') &&
        (asm_is_digit(asm_peek_at(A, 1)) ||
         ((asm_peek_at(A, 1) == '+' || asm_peek_at(A, 1) == '-') && asm_is_digit(asm_peek_at(A, 2))))) {
        is_float = true;
        A->pos += 2;
        while (asm_is_digit(asm_peek(A))) A->pos++;
    }
    Token num = asm_token_from(A, start);
    Token suf = asm_lex_word(A, false);
    int tag = is_float ? STF_K_FLOAT : STF_K_I64;
    if (suf.len) {
        tag = suffix_tag(&suf);
        if (tag < 0)
            return fail_tok(A, &suf,
                            "unknown literal suffix '%s' (expected i64, i32, i16, i8, "
                            "u64, u32, u16, u8 or f64)",
                            asm_show(A, suf.p, suf.len));
        if (want >= 0 && tag != want)
            return fail_tok(A, &suf, "suffix '%s' does not match the constant's type", asm_show(A, suf.p, suf.len));
        if (is_float && tag != STF_K_FLOAT)
            return fail_tok(A, &num, "%s is not an integer (suffix '%s' needs one)", asm_show(A, num.p, num.len),
                            asm_show(A, suf.p, suf.len));
    } else if (want >= 0) {
        if (is_float && want != STF_K_FLOAT)
            return fail_tok(A, &num, "expected an integer, found %s", asm_show(A, num.p, num.len));
        tag = want;
    }
    memset(out, 0, sizeof *out);
    out->tag = (uint8_t)tag;
    if (tag == STF_K_FLOAT) {
        double d = 0;
        if (text_to_double(A, &num, &d) < 0) return -1;
        memcpy(&out->as.u, &d, sizeof d);
        return 0;
    }
    bool neg = num.p[0] == '-', overflow = false;
    uint64_t mag = 0;
    for (size_t i = neg ? 1 : 0; i < num.len; i++) {
        unsigned d = (unsigned)(num.p[i] - '0');
        if (mag > (UINT64_MAX - d) / 10)
            overflow = true;
        else
            mag = mag * 10 + d;
    }
    const IntKind *k = &int_kinds[tag];
    bool fits = !overflow && (k->is_signed ? mag <= k->max + (neg ? 1u : 0u) : (!neg || mag == 0) && mag <= k->max);
    if (!fits) {
        if (k->is_signed)
            return fail_tok(A, &num, "integer %s out of range for %s (-%" PRIu64 "..%" PRIu64 ")",
                            asm_show(A, num.p, num.len), k->suffix, k->max + 1, k->max);
        return fail_tok(A, &num, "integer %s out of range for %s (0..%" PRIu64 ")", asm_show(A, num.p, num.len),
                        k->suffix, k->max);
    }
    if (!k->is_signed)
        out->as.u = mag;
    else if (!neg)
        out->as.i = (int64_t)mag;
    else if (mag == (uint64_t)INT64_MAX + 1)
        out->as.i = INT64_MIN;
    else
        out->as.i = -(int64_t)mag;
    return 0;
}

static void set_float_bits(StfConst *out, uint64_t bits)
{
    memset(out, 0, sizeof *out);
    out->tag = STF_K_FLOAT;
    out->as.u = bits;
}

/* A literal constant (LDI operand): number, string, true/false, (), nan, inf. */
int asm_parse_literal(Asm *A, StfConst *out)
{
    memset(out, 0, sizeof *out);
    int c = asm_peek(A);
    if (c == '"') {
        if (asm_parse_string(A) < 0) return -1;
        out->tag = STF_K_STRING;
        if (!stf_str_dup(&out->as.str, (const char *)A->scratch.data, A->scratch.len)) return asm_oom(A);
        return 0;
    }
    if (c == '(' && asm_peek_at(A, 1) == ')') {
        A->pos += 2;
        out->tag = STF_K_UNIT;
        return 0;
    }
    if (asm_is_digit(c) || (c == '-' && asm_is_digit(asm_peek_at(A, 1)))) return parse_number(A, -1, out);
    if (asm_is_alpha(c) || c == '-') {
        size_t start = A->pos;
        if (c == '-') A->pos++;
        asm_lex_word(A, false);
        Token w = asm_token_from(A, start);
        if (asm_tok_is(&w, "true") || asm_tok_is(&w, "false")) {
            out->tag = STF_K_BOOL;
            out->as.b = asm_tok_is(&w, "true");
            return 0;
        }
        if (asm_tok_is(&w, "nan")) {
            set_float_bits(out, CANONICAL_NAN);
            return 0;
        }
        if (asm_tok_is(&w, "inf")) {
            set_float_bits(out, 0x7ff0000000000000ull);
            return 0;
        }
        if (asm_tok_is(&w, "-inf")) {
            set_float_bits(out, 0xfff0000000000000ull);
            return 0;
        }
        A->pos = start;
    }
    return fail_here(A,
                     "expected a constant (number, \"string\", true, false, (), nan, inf "
                     "or #N), found %s",
                     asm_show_here(A));
}

/* Index of the first pool entry equal to *k under the dedup rule. */
static bool const_eq_cb(const Asm *A, uint32_t idx, const void *key)
{
    return asm_const_same(&A->prog.consts[idx], key);
}

static uint32_t pool_find(const Asm *A, const StfConst *k)
{
    return asm_index_find(A, &A->const_index, asm_fold32(asm_const_hash(k)), const_eq_cb, k);
}

/* Appends *k (taking ownership of its string) as a new pool entry. */
static int pool_append(Asm *A, StfConst *k, uint32_t *idx)
{
    StfConst *v = asm_grow(A->prog.consts, &A->const_cap, A->prog.const_count, sizeof *v);
    if (!v) {
        if (k->tag == STF_K_STRING) free(k->as.str.s);
        return asm_oom(A);
    }
    A->prog.consts = v;
    bool first_of_value = pool_find(A, k) == NOT_FOUND; /* index only first entries */
    uint32_t i = A->prog.const_count++;
    v[i] = *k;
    if (first_of_value && !asm_index_add(&A->const_index, asm_fold32(asm_const_hash(&v[i])), i)) return asm_oom(A);
    *idx = i;
    return 0;
}

/* Pool index for a literal: its first equal entry, appended if missing. */
int asm_pool_intern(Asm *A, StfConst *k, uint32_t *idx)
{
    uint32_t found = pool_find(A, k);
    if (found == NOT_FOUND) return pool_append(A, k, idx);
    if (k->tag == STF_K_STRING) free(k->as.str.s);
    *idx = found;
    return 0;
}

/* ---- function types (spec/stfl-format.md §4 ftype) ------------------------- */

/* Width N of "int64"-style words after `prefix_len` bytes; 0 if not 1..255. */
static unsigned type_width(const Token *w, size_t prefix_len)
{
    if (w->len <= prefix_len || w->len > prefix_len + 3) return 0;
    unsigned v = 0;
    for (size_t i = prefix_len; i < w->len; i++) {
        if (!asm_is_digit((unsigned char)w->p[i])) return 0;
        v = v * 10 + (unsigned)(w->p[i] - '0');
    }
    return v <= 255 ? v : 0;
}

static bool has_prefix(const Token *w, const char *prefix)
{
    size_t n = strlen(prefix);
    return w->len > n && memcmp(w->p, prefix, n) == 0 && asm_is_digit((unsigned char)w->p[n]);
}

static int type_name_arg(Asm *A, ByteBuf *out)
{
    Token t;
    if (asm_parse_name(A, true, "a type name", &t) < 0) return -1;
    return asm_buf_str16(out, t.p, t.len) ? 0 : asm_oom(A);
}

static int type_u8_arg(Asm *A, unsigned min, const char *what, unsigned char *v)
{
    uint64_t n;
    size_t start = A->pos;
    if (asm_parse_u64(A, 255, what, &n) < 0) return -1;
    if (n < min) {
        Token t = asm_token_from(A, start);
        return fail_tok(A, &t, "%s must be %u..255", what, min);
    }
    *v = (unsigned char)n;
    return 0;
}

/* TYPE<...>: the parametrised forms. */
static int parse_type_args(Asm *A, const Token *w, ByteBuf *out, unsigned depth)
{
    unsigned char b0, b1;
    A->pos++; /* '<' */
    asm_skip_blank(A);
    if (asm_tok_is(w, "secret") || asm_tok_is(w, "list")) {
        if (!asm_buf_byte(out, asm_tok_is(w, "secret") ? 6 : 7)) return asm_oom(A);
        if (asm_parse_type(A, out, depth + 1) < 0) return -1;
    } else if (asm_tok_is(w, "dict")) {
        if (!asm_buf_byte(out, 8)) return asm_oom(A);
        if (asm_parse_type(A, out, depth + 1) < 0 || asm_expect_char(A, ',', "between dict key and value types") < 0)
            return -1;
        asm_skip_blank(A);
        if (asm_parse_type(A, out, depth + 1) < 0) return -1;
    } else if (asm_tok_is(w, "object") || asm_tok_is(w, "typevar")) {
        if (!asm_buf_byte(out, asm_tok_is(w, "object") ? 9 : 11)) return asm_oom(A);
        if (type_name_arg(A, out) < 0) return -1;
    } else if (asm_tok_is(w, "generic")) {
        if (!asm_buf_byte(out, 10) || type_name_arg(A, out) < 0) return A->failed ? -1 : asm_oom(A);
        size_t count_at = out->len;
        uint32_t count = 0;
        if (!asm_buf_put(out, "\0\0", 2)) return asm_oom(A);
        asm_skip_blank(A);
        if (asm_peek(A) == ';') {
            A->pos++;
            asm_skip_blank(A);
            do {
                if (count == MAX_U16) return fail_here(A, "too many generic type parameters (at most 65535)");
                if (asm_parse_type(A, out, depth + 1) < 0) return -1;
                count++;
            } while (asm_list_continues(A));
        }
        out->data[count_at] = (unsigned char)(count & 0xff);
        out->data[count_at + 1] = (unsigned char)(count >> 8);
    } else if (asm_tok_is(w, "fix")) {
        if (type_u8_arg(A, 1, "fixed-point width", &b0) < 0) return -1;
        unsigned char enc[2] = { 14, b0 };
        if (!asm_buf_put(out, enc, 2)) return asm_oom(A);
    } else if (asm_tok_is(w, "int")) {
        /* int<FLAG,BITS>: raw signed-flag byte, for exact round trip */
        if (type_u8_arg(A, 0, "integer signed flag", &b0) < 0 ||
            asm_expect_char(A, ',', "between signed flag and width in int<FLAG,BITS>") < 0)
            return -1;
        asm_skip_blank(A);
        if (type_u8_arg(A, 1, "integer type width", &b1) < 0) return -1;
        unsigned char enc[3] = { 0, b0, b1 };
        if (!asm_buf_put(out, enc, 3)) return asm_oom(A);
    } else {
        return fail_tok(A, w, "unknown type '%s<...>'", asm_show(A, w->p, w->len));
    }
    return asm_expect_char(A, '>', "to close the type") < 0 ? -1 : 0;
}

int asm_parse_type(Asm *A, ByteBuf *out, unsigned depth)
{
    static const struct {
        const char *name;
        unsigned char tag;
    } simple[] = {
        { "float", 1 },  { "string", 2 }, { "bool", 3 }, { "nil", 4 }, { "void", 5 }, { "unknown", FTYPE_UNKNOWN },
        { "fix64", 13 },
    };
    if (depth > STFL_MAX_TYPE_DEPTH)
        return fail_here(A, "type nested too deeply (more than %d levels)", STFL_MAX_TYPE_DEPTH);
    Token w = asm_lex_word(A, false);
    if (w.len == 0) return fail_here(A, "expected a type, found %s", asm_show_here(A));
    if (asm_peek(A) == '<') return parse_type_args(A, &w, out, depth);
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (asm_tok_is(&w, simple[i].name)) return asm_buf_byte(out, simple[i].tag) ? 0 : asm_oom(A);
    unsigned char enc[3];
    size_t n = 0;
    unsigned width = 0;
    if (has_prefix(&w, "int")) {
        width = type_width(&w, 3);
        enc[0] = 0;
        enc[1] = 1;
        enc[2] = (unsigned char)width;
        n = 3;
    } else if (has_prefix(&w, "uint")) {
        width = type_width(&w, 4);
        enc[0] = 0;
        enc[1] = 0;
        enc[2] = (unsigned char)width;
        n = 3;
    } else if (has_prefix(&w, "fix")) {
        width = type_width(&w, 3);
        enc[0] = 14;
        enc[1] = (unsigned char)width;
        n = 2;
    } else
        return fail_tok(A, &w, "unknown type '%s'", asm_show(A, w.p, w.len));
    if (width == 0) return fail_tok(A, &w, "bit width in '%s' must be 1..255", asm_show(A, w.p, w.len));
    return asm_buf_put(out, enc, n) ? 0 : asm_oom(A);
}

/* ---- top-level directives ----------------------------------------------------- */

static int outside_function(Asm *A, const Token *d)
{
    if (A->in_func)
        return fail_tok(A, d, "%s is not allowed inside function '%s'", asm_show(A, d->p, d->len),
                        asm_show_str(A, &A->fn.name));
    return 0;
}

static int once(Asm *A, const Token *d, bool *seen)
{
    if (*seen) return fail_tok(A, d, "duplicate %s", asm_show(A, d->p, d->len));
    *seen = true;
    return 0;
}

int asm_dir_version(Asm *A, const Token *d)
{
    uint64_t v;
    if (outside_function(A, d) < 0 || once(A, d, &A->seen_version) < 0) return -1;
    asm_skip_blank(A);
    size_t start = A->pos;
    if (asm_parse_u64(A, UINT64_MAX, "format version", &v) < 0) return -1;
    if (v > STF_FORMAT_VERSION_MAX) {
        Token t = asm_token_from(A, start);
        return fail_tok(A, &t, "unsupported format version %" PRIu64 " (0..%d)", v, STF_FORMAT_VERSION_MAX);
    }
    A->prog.version = (uint16_t)v;
    return 0;
}

/* .const TYPE VALUE: an explicit pool entry. */
int asm_dir_const(Asm *A, const Token *d)
{
    static const struct {
        const char *name;
        int tag;
    } types[] = {
        { "I64", STF_K_I64 },   { "I32", STF_K_I32 },     { "I16", STF_K_I16 },   { "I8", STF_K_I8 },
        { "U8", STF_K_U8 },     { "U16", STF_K_U16 },     { "U32", STF_K_U32 },   { "U64", STF_K_U64 },
        { "F64", STF_K_FLOAT }, { "FLOAT", STF_K_FLOAT }, { "BOOL", STF_K_BOOL }, { "STRING", STF_K_STRING },
        { "UNIT", STF_K_UNIT },
    };
    if (outside_function(A, d) < 0) return -1;
    if (A->prog.func_count) return fail_tok(A, d, ".const must come before the first .function");
    asm_skip_blank(A);
    Token w = asm_lex_word(A, false);
    int tag = -1;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (asm_tok_is_nocase(&w, types[i].name)) tag = types[i].tag;
    if (tag < 0) {
        if (!w.len) return fail_here(A, "expected a constant type after .const, found %s", asm_show_here(A));
        return fail_tok(A, &w,
                        "unknown constant type '%s' (expected I64, I32, I16, I8, U8, U16, U32, U64, "
                        "F64, BOOL, STRING or UNIT)",
                        asm_show(A, w.p, w.len));
    }
    asm_skip_blank(A);
    StfConst k;
    memset(&k, 0, sizeof k);
    k.tag = (uint8_t)tag;
    uint64_t raw;
    if (tag == STF_K_UNIT) {
        if (asm_peek(A) == '(' && asm_peek_at(A, 1) == ')') A->pos += 2;
    } else if (is_int_tag(tag)) {
        if (parse_number(A, tag, &k) < 0) return -1;
    } else if (tag == STF_K_STRING) {
        if (asm_peek(A) != '"') return fail_here(A, "expected a \"string\", found %s", asm_show_here(A));
        if (asm_parse_literal(A, &k) < 0) return -1;
    } else {
        size_t start = A->pos;
        Token key = asm_lex_word(A, false);
        bool raw_form = asm_peek(A) == '=' && asm_tok_is(&key, tag == STF_K_BOOL ? "byte" : "bits");
        if (raw_form) {
            A->pos++;
            if (tag == STF_K_BOOL) {
                if (asm_parse_u64(A, 255, "bool byte", &raw) < 0) return -1;
                k.as.b = (uint8_t)raw;
            } else {
                if (asm_parse_u64_hex(A, "float bits", &raw) < 0) return -1;
                k.as.u = raw;
            }
        } else {
            A->pos = start;
            if (tag == STF_K_FLOAT &&
                (asm_is_digit(asm_peek(A)) || (asm_peek(A) == '-' && asm_is_digit(asm_peek_at(A, 1))))) {
                if (parse_number(A, STF_K_FLOAT, &k) < 0) return -1;
            } else {
                if (asm_parse_literal(A, &k) < 0) return -1;
                if (k.tag != tag) {
                    if (k.tag == STF_K_STRING) free(k.as.str.s);
                    A->pos = start;
                    return fail_here(A, tag == STF_K_BOOL ? "expected true, false or byte=N"
                                                          : "expected a float, nan, inf, -inf or bits=0xHEX");
                }
            }
        }
    }
    uint32_t idx;
    return pool_append(A, &k, &idx);
}

/* A manifest name (case-insensitive: name_of(0..n-1), or `alias` for
 * alias_code) or a raw byte value. */
static int parse_enum(Asm *A, const char *(*name_of)(unsigned), unsigned n, const char *alias, uint8_t alias_code,
                      const char *what, const char *list, uint8_t *out)
{
    asm_skip_blank(A);
    if (asm_is_digit(asm_peek(A))) {
        uint64_t v;
        if (asm_parse_u64(A, 255, what, &v) < 0) return -1;
        *out = (uint8_t)v;
        return 0;
    }
    Token w = asm_lex_word(A, true);
    for (unsigned i = 0; i < n; i++)
        if (asm_tok_is_nocase(&w, name_of(i))) {
            *out = (uint8_t)i;
            return 0;
        }
    if (alias && asm_tok_is_nocase(&w, alias)) {
        *out = alias_code;
        return 0;
    }
    if (!w.len) return fail_here(A, "expected %s, found %s", what, asm_show_here(A));
    return fail_tok(A, &w, "unknown %s '%s' (expected %s)", what, asm_show(A, w.p, w.len), list);
}

int asm_dir_backend(Asm *A, const Token *d)
{
    if (outside_function(A, d) < 0 || once(A, d, &A->seen_backend) < 0) return -1;
    return parse_enum(A, stf_backend_name, STF_BACKEND_COUNT, NULL, 0, "MPC backend", "honeybadger or avss",
                      &A->prog.manifest.backend);
}

int asm_dir_curve(Asm *A, const Token *d)
{
    /* "secp256r1" is another name for P-256 (5) */
    if (outside_function(A, d) < 0 || once(A, d, &A->seen_curve) < 0) return -1;
    return parse_enum(A, stf_curve_name, STF_CURVE_COUNT, "secp256r1", 5, "MPC curve",
                      "bls12-381, bn254, curve25519, ed25519, secp256k1 or p-256", &A->prog.manifest.curve);
}

/* int:BITS | uint:BITS | fixed:TOTAL:FRAC */
static int parse_share_type(Asm *A, StfShareType *st)
{
    Token w = asm_lex_word(A, false);
    memset(st, 0, sizeof *st);
    if (asm_tok_is(&w, "int"))
        st->tag = 0;
    else if (asm_tok_is(&w, "fixed"))
        st->tag = 1;
    else if (asm_tok_is(&w, "uint"))
        st->tag = 2;
    else if (!w.len)
        return fail_here(A, "expected a share type, found %s", asm_show_here(A));
    else
        return fail_tok(A, &w, "unknown share type '%s' (expected int:BITS, uint:BITS or fixed:TOTAL:FRAC)",
                        asm_show(A, w.p, w.len));
    if (asm_peek(A) != ':') return fail_here(A, "expected ':' and a bit width after '%s'", asm_show(A, w.p, w.len));
    A->pos++;
    if (asm_parse_u32(A, UINT32_MAX, "share bit width", &st->bits) < 0) return -1;
    if (st->tag == 1) {
        if (asm_peek(A) != ':') return fail_here(A, "expected ':' and fractional bits (fixed:TOTAL:FRAC)");
        A->pos++;
        if (asm_parse_u32(A, UINT32_MAX, "fractional bits", &st->frac) < 0) return -1;
        if (st->frac >= st->bits) return fail_tok(A, &w, "fixed-point share needs fractional bits < total bits");
    }
    if (st->bits == 0) return fail_tok(A, &w, "share bit width must be at least 1");
    return 0;
}

static int parse_share_list(Asm *A, StfShareType **list, uint32_t *count)
{
    uint32_t cap = 0;
    do {
        StfShareType *v = asm_grow(*list, &cap, *count, sizeof *v);
        if (!v) return asm_oom(A);
        *list = v;
        if (parse_share_type(A, &v[*count]) < 0) return -1;
        (*count)++;
    } while (asm_list_continues(A));
    return 0;
}

/* .client SLOT inputs=TYPES outputs=TYPES */
int asm_dir_client(Asm *A, const Token *d)
{
    if (outside_function(A, d) < 0) return -1;
    StfManifest *m = &A->prog.manifest;
    StfClientSchema *v = asm_grow(m->clients, &A->client_cap, m->client_count, sizeof *v);
    if (!v) return asm_oom(A);
    m->clients = v;
    StfClientSchema *c = &v[m->client_count++];
    memset(c, 0, sizeof *c);
    asm_skip_blank(A);
    if (asm_parse_u64(A, UINT64_MAX, "client slot", &c->slot) < 0 || asm_end_of_value(A) < 0) return -1;
    bool seen_in = false, seen_out = false;
    for (asm_skip_blank(A); !asm_at_eol(A); asm_skip_blank(A)) {
        Token key;
        if (asm_parse_attr_key(A, &key) < 0) return -1;
        bool in = asm_tok_is(&key, "inputs");
        if (!in && !asm_tok_is(&key, "outputs"))
            return fail_tok(A, &key, "unknown .client attribute '%s' (expected inputs or outputs)",
                            asm_show(A, key.p, key.len));
        if (once(A, &key, in ? &seen_in : &seen_out) < 0) return -1;
        if ((in ? parse_share_list(A, &c->inputs, &c->input_count)
                : parse_share_list(A, &c->outputs, &c->output_count)) < 0 ||
            asm_end_of_value(A) < 0)
            return -1;
    }
    return 0;
}

/* .preprocessing triples=N randoms=N prandbits=N prandints=N dynamic=N */
int asm_dir_preprocessing(Asm *A, const Token *d)
{
    static const char *const names[] = { "triples", "randoms", "prandbits", "prandints", "dynamic" };
    if (outside_function(A, d) < 0 || once(A, d, &A->seen_preproc) < 0) return -1;
    StfManifest *m = &A->prog.manifest;
    uint64_t *fields[] = { &m->triples, &m->randoms, &m->prandbits, &m->prandints };
    bool seen[5] = { false };
    for (asm_skip_blank(A); !asm_at_eol(A); asm_skip_blank(A)) {
        Token key;
        if (asm_parse_attr_key(A, &key) < 0) return -1;
        size_t i = 0;
        while (i < 5 && !asm_tok_is(&key, names[i])) i++;
        if (i == 5)
            return fail_tok(A, &key,
                            "unknown .preprocessing attribute '%s' (expected triples, randoms, "
                            "prandbits, prandints or dynamic)",
                            asm_show(A, key.p, key.len));
        if (once(A, &key, &seen[i]) < 0) return -1;
        if (i < 4) {
            if (asm_parse_u64(A, UINT64_MAX, names[i], fields[i]) < 0) return -1;
        } else {
            size_t start = A->pos;
            Token w = asm_lex_word(A, false);
            if (asm_tok_is(&w, "true") || asm_tok_is(&w, "false")) {
                m->dynamic = asm_tok_is(&w, "true");
            } else {
                uint64_t v;
                A->pos = start;
                if (asm_parse_u64(A, 255, "dynamic flag", &v) < 0) return -1;
                m->dynamic = (uint8_t)v;
            }
        }
        if (asm_end_of_value(A) < 0) return -1;
    }
    return 0;
}
