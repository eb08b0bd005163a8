/* asm.c: StoffelVM assembly text -> StfProgram (syntax: docs/assembly.md).
 *
 * A hand-written, line-oriented recursive-descent parser.  The input is a
 * byte buffer that is not NUL-terminated and may hold anything (it is
 * fuzzed), so every read goes through peek()/peek_at(), which stop at the
 * end.  The first error is recorded (1-based line, byte column) and every
 * parse function returns -1 from then on; asm_parse frees whatever was built. */
#include "asm.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_REGISTER 65535u
#define MAX_U16 65535u
#define MAX_TYPE_DEPTH 64          /* bounds recursion on hostile input */
#define NOT_FOUND UINT32_MAX
#define CANONICAL_NAN 0x7ff8000000000000ull
#define FTYPE_UNKNOWN 12

typedef struct { unsigned char *data; size_t len, cap; } ByteBuf;

/* A name or word: points into the source or into Asm.scratch. */
typedef struct {
    const char *p;
    size_t len;
    uint32_t line, col;
} Token;

typedef struct { StfStr name; uint32_t line, col; } NameRef;

/* Open-addressing hash index over an array owned elsewhere (constants,
 * labels), so lookups stay linear-time on large programs. */
typedef struct { uint32_t idx1; uint32_t hash; } Slot;   /* idx1 = index + 1, 0 empty */
typedef struct { Slot *slots; uint32_t cap, used; } HashIndex;

typedef struct {
    const char *src;
    size_t len, pos;
    uint32_t line;
    size_t line_start;
    AsmError *err;
    bool failed;
    locale_t c_numeric;            /* strtod must not depend on the caller's locale */

    StfProgram prog;
    uint32_t const_cap, func_cap, client_cap;
    HashIndex const_index;         /* first pool entry of each value */
    bool seen_version, seen_backend, seen_curve, seen_preproc;

    /* the function being assembled */
    bool in_func;
    StfFunction fn;
    uint32_t fn_col;
    bool regs_given;
    uint32_t instr_cap, label_cap, param_cap, upvalue_cap;
    uint32_t *operand_cols;        /* per instruction: column of a label operand */
    uint32_t operand_cols_cap;
    HashIndex label_index;
    bool has_label_order;
    NameRef *label_order;
    uint32_t label_order_count, label_order_cap;
    uint32_t label_order_line, label_order_col;
    ByteBuf ptypes, rtype;         /* encoded function types */

    ByteBuf scratch;               /* decoded quoted strings */
    ByteBuf numtext;               /* NUL-terminated copy of a float literal */
    char shown[4][48];             /* excerpts quoted in error messages */
    unsigned shown_next;
} Asm;

/* ---- errors ------------------------------------------------------------ */

static uint32_t col_at(const Asm *A, size_t pos)
{
    size_t c = pos - A->line_start + 1;
    return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

static int vfail(Asm *A, uint32_t line, uint32_t col, const char *fmt, va_list ap)
{
    if (!A->failed) {
        A->failed = true;
        vsnprintf(A->err->message, sizeof A->err->message, fmt, ap);
        A->err->line = line;
        A->err->col = col;
    }
    return -1;
}

static int fail_at(Asm *A, uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(A, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

/* errors at the cursor and at a token */
#define fail_here(A, ...) fail_at((A), (A)->line, col_at((A), (A)->pos), __VA_ARGS__)
#define fail_tok(A, t, ...) fail_at((A), (t)->line, (t)->col, __VA_ARGS__)

static int oom(Asm *A) { return fail_here(A, "out of memory"); }

/* Printable excerpt of raw bytes for messages (non-printables become '?');
 * a small ring of buffers lets one message show several excerpts. */
static const char *show(Asm *A, const char *p, size_t n)
{
    char *buf = A->shown[A->shown_next++ % 4];
    size_t i, k = 0;
    for (i = 0; i < n && k < 40; i++) {
        unsigned char c = (unsigned char)p[i];
        buf[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (i < n) { memcpy(buf + k, "...", 3); k += 3; }
    buf[k] = '\0';
    return buf;
}

static const char *show_str(Asm *A, const StfStr *s) { return show(A, s->s, s->len); }

/* Describes what is at the cursor: "'word'", "end of line" or "end of input". */
static const char *show_here(Asm *A)
{
    if (A->pos >= A->len) return "end of input";
    if (A->src[A->pos] == '\n') return "end of line";
    size_t n = 1;
    while (A->pos + n < A->len && n < 41 && !strchr(" \t\n\r,", A->src[A->pos + n])) n++;
    const char *inner = show(A, A->src + A->pos, n);
    char *buf = A->shown[A->shown_next++ % 4];
    snprintf(buf, sizeof A->shown[0], "'%s'", inner);
    return buf;
}

/* ---- small containers ---------------------------------------------------- */

static bool buf_put(ByteBuf *b, const void *p, size_t n)
{
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap - b->len < n) {
            if (cap > SIZE_MAX / 2) return false;
            cap *= 2;
        }
        unsigned char *d = realloc(b->data, cap);
        if (!d) return false;
        b->data = d;
        b->cap = cap;
    }
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    return true;
}

static bool buf_byte(ByteBuf *b, unsigned char v) { return buf_put(b, &v, 1); }

static bool buf_str16(ByteBuf *b, const char *p, size_t n)
{
    unsigned char len[2] = { (unsigned char)(n & 0xff), (unsigned char)(n >> 8) };
    return buf_put(b, len, 2) && buf_put(b, p, n);
}

/* Makes room for element `count` of a growable array; returns the (possibly
 * moved) array, or NULL with the old array untouched. */
static void *grow(void *arr, uint32_t *cap, uint32_t count, size_t elem)
{
    if (count < *cap) return arr;
    if (count == UINT32_MAX) return NULL;
    uint64_t ncap = *cap ? (uint64_t)*cap * 2 : 8;
    if (ncap > UINT32_MAX) ncap = UINT32_MAX;
    if (ncap > SIZE_MAX / elem) return NULL;
    void *p = realloc(arr, (size_t)ncap * elem);
    if (!p) return NULL;
    *cap = (uint32_t)ncap;
    return p;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

static uint32_t fold32(uint64_t h) { return (uint32_t)(h ^ (h >> 32)); }

typedef bool (*IndexEq)(const Asm *A, uint32_t idx, const void *key);

static uint32_t index_find(const Asm *A, const HashIndex *h, uint32_t hash, IndexEq eq,
                           const void *key)
{
    if (!h->cap) return NOT_FOUND;
    for (uint32_t i = hash & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
        const Slot *s = &h->slots[i];
        if (!s->idx1) return NOT_FOUND;
        if (s->hash == hash && eq(A, s->idx1 - 1, key)) return s->idx1 - 1;
    }
}

static void index_put(Slot *slots, uint32_t cap, uint32_t hash, uint32_t idx1)
{
    uint32_t i = hash & (cap - 1);
    while (slots[i].idx1) i = (i + 1) & (cap - 1);
    slots[i].idx1 = idx1;
    slots[i].hash = hash;
}

static bool index_add(HashIndex *h, uint32_t hash, uint32_t idx)
{
    if ((uint64_t)(h->used + 1) * 2 > h->cap) {
        if (h->cap > UINT32_MAX / 4) return false;
        uint32_t ncap = h->cap ? h->cap * 2 : 16;
        Slot *ns = calloc(ncap, sizeof *ns);
        if (!ns) return false;
        for (uint32_t i = 0; i < h->cap; i++)
            if (h->slots[i].idx1) index_put(ns, ncap, h->slots[i].hash, h->slots[i].idx1);
        free(h->slots);
        h->slots = ns;
        h->cap = ncap;
    }
    index_put(h->slots, h->cap, hash, idx + 1);
    h->used++;
    return true;
}

static void index_clear(HashIndex *h)
{
    if (h->slots) memset(h->slots, 0, (size_t)h->cap * sizeof *h->slots);
    h->used = 0;
}

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
    uint64_t h = fnv1a(0xcbf29ce484222325ull, &c->tag, 1), v;
    switch (c->tag) {
    case STF_K_UNIT: return h;
    case STF_K_FLOAT: v = float_key(c->as.u); break;
    case STF_K_BOOL: v = c->as.b != 0; break;
    case STF_K_STRING: return fnv1a(h, c->as.str.s, c->as.str.len);
    default: v = int_key(c); break;
    }
    return fnv1a(h, &v, sizeof v);
}

/* ---- lexing ---------------------------------------------------------------- */

static int peek_at(const Asm *A, size_t k)
{
    return A->pos + k < A->len ? (unsigned char)A->src[A->pos + k] : -1;
}
static int peek(const Asm *A) { return peek_at(A, 0); }
static bool is_blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_ident_start(int c) { return is_alpha(c) || c == '_' || c >= 0x80; }
static bool is_ident_char(int c, bool colon)
{
    return is_ident_start(c) || is_digit(c) || c == '.' || (colon && c == ':');
}
static bool is_word_char(int c) { return is_alpha(c) || is_digit(c) || c == '_'; }

static void skip_blank(Asm *A)
{
    while (A->pos < A->len && is_blank((unsigned char)A->src[A->pos])) A->pos++;
}

/* End of a statement: end of input, newline or a comment. */
static bool at_eol(const Asm *A)
{
    int c = peek(A);
    return c < 0 || c == '\n' || c == '#' || c == ';';
}

/* `#N` (a pool index) is the one place '#' does not start a comment. */
static bool at_pool_ref(const Asm *A) { return peek(A) == '#' && is_digit(peek_at(A, 1)); }

static Token token_from(const Asm *A, size_t start)
{
    Token t = { A->src + start, A->pos - start, A->line, col_at(A, start) };
    return t;
}

static bool tok_is(const Token *t, const char *s)
{
    return t->len == strlen(s) && memcmp(t->p, s, t->len) == 0;
}

static bool tok_is_nocase(const Token *t, const char *s)
{
    return t->len == strlen(s) && strncasecmp(t->p, s, t->len) == 0;
}

/* Word of letters, digits, '_' (and '-' when asked). */
static Token lex_word(Asm *A, bool dash)
{
    size_t start = A->pos;
    while (is_word_char(peek(A)) || (dash && peek(A) == '-')) A->pos++;
    return token_from(A, start);
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t need;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) { need = 1; cp = c & 0x1f; min = 0x80; }
        else if ((c & 0xf0) == 0xe0) { need = 2; cp = c & 0x0f; min = 0x800; }
        else if ((c & 0xf8) == 0xf0) { need = 3; cp = c & 0x07; min = 0x10000; }
        else return false;
        if (n - i - 1 < need) return false;
        for (size_t k = 1; k <= need; k++) {
            unsigned b = s[i + k];
            if ((b & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += need + 1;
    }
    return true;
}

static int hex_value(int c)
{
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool put_utf8(ByteBuf *b, uint32_t cp)
{
    unsigned char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (unsigned char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (unsigned char)(0xc0 | (cp >> 6)); n = 2; }
    else if (cp < 0x10000) { u[0] = (unsigned char)(0xe0 | (cp >> 12)); n = 3; }
    else { u[0] = (unsigned char)(0xf0 | (cp >> 18)); n = 4; }
    for (size_t k = 1; k < n; k++) u[k] = (unsigned char)(0x80 | ((cp >> (6 * (n - 1 - k))) & 0x3f));
    return buf_put(b, u, n);
}

/* One escape sequence after a backslash at the cursor. */
static int parse_escape(Asm *A, ByteBuf *b)
{
    uint32_t col = col_at(A, A->pos);
    int e = peek_at(A, 1);
    unsigned char v;
    switch (e) {
    case 'n': v = '\n'; break;
    case 't': v = '\t'; break;
    case 'r': v = '\r'; break;
    case '\\': v = '\\'; break;
    case '"': v = '"'; break;
    case '0': v = 0; break;
    case 'x': {
        int hi = hex_value(peek_at(A, 2)), lo = hex_value(peek_at(A, 3));
        if (hi < 0 || lo < 0)
            return fail_at(A, A->line, col, "bad escape '\\x': expected two hex digits");
        A->pos += 4;
        return buf_byte(b, (unsigned char)(hi * 16 + lo)) ? 0 : oom(A);
    }
    case 'u': {
        if (peek_at(A, 2) != '{')
            return fail_at(A, A->line, col, "bad escape '\\u': expected '\\u{HEX}'");
        uint32_t cp = 0;
        size_t k = 3, digits = 0;
        while (hex_value(peek_at(A, k)) >= 0 && digits < 7) {
            cp = cp * 16 + (uint32_t)hex_value(peek_at(A, k));
            k++;
            digits++;
        }
        if (digits == 0 || digits > 6 || peek_at(A, k) != '}')
            return fail_at(A, A->line, col, "bad escape '\\u': expected 1 to 6 hex digits in braces");
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return fail_at(A, A->line, col, "bad escape '\\u{%" PRIX32 "}': not a Unicode scalar value", cp);
        A->pos += k + 1;
        return put_utf8(b, cp) ? 0 : oom(A);
    }
    default: {
        if (e < 0 || e == '\n')
            return fail_at(A, A->line, col, "unterminated string (missing closing '\"')");
        char ec = (char)e;
        return fail_at(A, A->line, col, "unknown escape '\\%s'", show(A, &ec, 1));
    }
    }
    A->pos += 2;
    return buf_byte(b, v) ? 0 : oom(A);
}

/* A double-quoted string at the cursor, decoded into A->scratch. */
static int parse_string(Asm *A)
{
    uint32_t line = A->line, col = col_at(A, A->pos);
    ByteBuf *b = &A->scratch;
    b->len = 0;
    A->pos++;
    for (;;) {
        int c = peek(A);
        if (c < 0 || c == '\n')
            return fail_at(A, line, col, "unterminated string (missing closing '\"')");
        if (c == '"') { A->pos++; break; }
        if (c == '\\') {
            if (parse_escape(A, b) < 0) return -1;
            continue;
        }
        /* copy the run of plain bytes in one go */
        size_t start = A->pos;
        while (A->pos < A->len) {
            char d = A->src[A->pos];
            if (d == '"' || d == '\\' || d == '\n') break;
            A->pos++;
        }
        if (!buf_put(b, A->src + start, A->pos - start)) return oom(A);
    }
    if (!utf8_valid(b->data, b->len))
        return fail_at(A, line, col, "string is not valid UTF-8");
    return 0;
}

/* Checks a bare identifier: valid UTF-8 and short enough for a str16. */
static int check_name(Asm *A, const Token *t, const char *what)
{
    if (!utf8_valid((const unsigned char *)t->p, t->len))
        return fail_tok(A, t, "%s is not valid UTF-8", what);
    if (t->len > MAX_U16)
        return fail_tok(A, t, "%s is longer than 65535 bytes", what);
    if (t->len && memchr(t->p, 0, t->len))
        return fail_tok(A, t, "%s contains a NUL byte", what);
    return 0;
}

/* A name: a bare identifier (letters, digits, '_', '.', and ':' when
 * `colon`) or a double-quoted string.  The token may point into A->scratch:
 * copy it before parsing another string. */
static int parse_name(Asm *A, bool colon, const char *what, Token *t)
{
    size_t start = A->pos;
    int c = peek(A);
    if (c == '"') {
        uint32_t line = A->line, col = col_at(A, start);
        if (parse_string(A) < 0) return -1;
        t->p = (const char *)A->scratch.data;
        t->len = A->scratch.len;
        t->line = line;
        t->col = col;
    } else if (is_ident_start(c)) {
        while (is_ident_char(peek(A), colon)) A->pos++;
        *t = token_from(A, start);
    } else {
        return fail_here(A, "expected %s, found %s", what, show_here(A));
    }
    return check_name(A, t, what);
}

/* Decimal digits at the cursor (at least one). */
static int parse_u64(Asm *A, uint64_t max, const char *what, uint64_t *out)
{
    size_t start = A->pos;
    if (!is_digit(peek(A))) return fail_here(A, "expected %s (a number), found %s", what, show_here(A));
    uint64_t v = 0;
    bool overflow = false;
    while (is_digit(peek(A))) {
        unsigned d = (unsigned)(peek(A) - '0');
        if (v > (UINT64_MAX - d) / 10) overflow = true;
        else v = v * 10 + d;
        A->pos++;
    }
    if (overflow || v > max) {
        Token t = token_from(A, start);
        return fail_tok(A, &t, "%s %s out of range (0..%" PRIu64 ")", what, show(A, t.p, t.len), max);
    }
    *out = v;
    return 0;
}

/* Decimal or 0x-hex u64 (for raw bit patterns). */
static int parse_u64_hex(Asm *A, const char *what, uint64_t *out)
{
    if (!(peek(A) == '0' && (peek_at(A, 1) == 'x' || peek_at(A, 1) == 'X')))
        return parse_u64(A, UINT64_MAX, what, out);
    size_t start = A->pos;
    A->pos += 2;
    uint64_t v = 0;
    size_t digits = 0;
    while (hex_value(peek(A)) >= 0) {
        if (digits++ >= 16) {
            Token t = token_from(A, start);
            return fail_tok(A, &t, "%s has more than 16 hex digits", what);
        }
        v = v * 16 + (uint64_t)hex_value(peek(A));
        A->pos++;
    }
    if (!digits) return fail_here(A, "expected hex digits after '0x' in %s", what);
    *out = v;
    return 0;
}

static int parse_u32(Asm *A, uint32_t max, const char *what, uint32_t *out)
{
    uint64_t v;
    if (parse_u64(A, max, what, &v) < 0) return -1;
    *out = (uint32_t)v;
    return 0;
}

/* "KEY=" of an attribute. */
static int parse_attr_key(Asm *A, Token *key)
{
    *key = lex_word(A, false);
    if (key->len == 0 || peek(A) != '=') {
        A->pos -= key->len;
        return fail_here(A, "expected an attribute KEY=VALUE, found %s", show_here(A));
    }
    A->pos++;
    return 0;
}

/* After an attribute value: a blank or the end of the statement. */
static int end_of_value(Asm *A)
{
    if (at_eol(A) || is_blank(peek(A))) return 0;
    return fail_here(A, "unexpected %s after attribute value", show_here(A));
}

/* Optional blanks, then ',' continues a list; anything else ends it and
 * leaves the cursor where the list ended. */
static bool list_continues(Asm *A)
{
    size_t save = A->pos;
    skip_blank(A);
    if (peek(A) == ',') {
        A->pos++;
        skip_blank(A);
        return true;
    }
    A->pos = save;
    return false;
}

static int expect_char(Asm *A, char want, const char *context)
{
    skip_blank(A);
    if (peek(A) != (unsigned char)want)
        return fail_here(A, "expected '%c' %s, found %s", want, context, show_here(A));
    A->pos++;
    return 0;
}

/* ---- numbers and constants ------------------------------------------------- */

typedef struct { const char *suffix; bool is_signed; uint64_t max; } IntKind;

static const IntKind int_kinds[STF_K_U64 + 1] = {
    [STF_K_I64] = { "i64", true, INT64_MAX }, [STF_K_I32] = { "i32", true, INT32_MAX },
    [STF_K_I16] = { "i16", true, INT16_MAX }, [STF_K_I8] = { "i8", true, INT8_MAX },
    [STF_K_U8] = { "u8", false, UINT8_MAX }, [STF_K_U16] = { "u16", false, UINT16_MAX },
    [STF_K_U32] = { "u32", false, UINT32_MAX }, [STF_K_U64] = { "u64", false, UINT64_MAX },
};

static bool is_int_tag(int tag) { return tag >= STF_K_I64 && tag <= STF_K_U64; }

static int suffix_tag(const Token *s)
{
    if (tok_is(s, "f64")) return STF_K_FLOAT;
    for (int tag = STF_K_I64; tag <= STF_K_U64; tag++)
        if (tok_is(s, int_kinds[tag].suffix)) return tag;
    return -1;
}

static int text_to_double(Asm *A, const Token *t, double *out)
{
    A->numtext.len = 0;
    if (!buf_put(&A->numtext, t->p, t->len) || !buf_byte(&A->numtext, 0)) return oom(A);
    const char *text = (const char *)A->numtext.data;
    locale_t old = (locale_t)0;
    if (A->c_numeric) old = uselocale(A->c_numeric);
    char *end;
    double d = strtod(text, &end);
    if (A->c_numeric && old) uselocale(old);
    if (end != text + t->len) return fail_tok(A, t, "malformed number %s", show(A, t->p, t->len));
    if (isinf(d)) return fail_tok(A, t, "float literal %s is out of range", show(A, t->p, t->len));
    *out = d;
    return 0;
}

/* A numeric literal: -?DIGITS[.DIGITS][e[+-]DIGITS][SUFFIX].  `want` is the
 * tag a .const directive demands, or -1 to take it from the suffix. */
static int parse_number(Asm *A, int want, StfConst *out)
{
    size_t start = A->pos;
    if (peek(A) == '-') A->pos++;
    size_t digits = A->pos;
    while (is_digit(peek(A))) A->pos++;
    if (A->pos == digits) {
        A->pos = start;
        return fail_here(A, "expected a number, found %s", show_here(A));
    }
    bool is_float = false;
    if (peek(A) == '.' && is_digit(peek_at(A, 1))) {
        is_float = true;
        A->pos++;
        while (is_digit(peek(A))) A->pos++;
    }
    if ((peek(A) == 'e' || peek(A) == 'E') &&
        (is_digit(peek_at(A, 1)) || ((peek_at(A, 1) == '+' || peek_at(A, 1) == '-') && is_digit(peek_at(A, 2))))) {
        is_float = true;
        A->pos += 2;
        while (is_digit(peek(A))) A->pos++;
    }
    Token num = token_from(A, start);
    Token suf = lex_word(A, false);
    int tag = is_float ? STF_K_FLOAT : STF_K_I64;
    if (suf.len) {
        tag = suffix_tag(&suf);
        if (tag < 0)
            return fail_tok(A, &suf, "unknown literal suffix '%s' (expected i64, i32, i16, i8, "
                            "u64, u32, u16, u8 or f64)", show(A, suf.p, suf.len));
        if (want >= 0 && tag != want)
            return fail_tok(A, &suf, "suffix '%s' does not match the constant's type", show(A, suf.p, suf.len));
        if (is_float && tag != STF_K_FLOAT)
            return fail_tok(A, &num, "%s is not an integer (suffix '%s' needs one)",
                            show(A, num.p, num.len), show(A, suf.p, suf.len));
    } else if (want >= 0) {
        if (is_float && want != STF_K_FLOAT)
            return fail_tok(A, &num, "expected an integer, found %s", show(A, num.p, num.len));
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
        if (mag > (UINT64_MAX - d) / 10) overflow = true;
        else mag = mag * 10 + d;
    }
    const IntKind *k = &int_kinds[tag];
    bool fits = !overflow && (k->is_signed ? mag <= k->max + (neg ? 1u : 0u) : (!neg || mag == 0) && mag <= k->max);
    if (!fits) {
        if (k->is_signed)
            return fail_tok(A, &num, "integer %s out of range for %s (-%" PRIu64 "..%" PRIu64 ")",
                            show(A, num.p, num.len), k->suffix, k->max + 1, k->max);
        return fail_tok(A, &num, "integer %s out of range for %s (0..%" PRIu64 ")",
                        show(A, num.p, num.len), k->suffix, k->max);
    }
    if (!k->is_signed) out->as.u = mag;
    else if (!neg) out->as.i = (int64_t)mag;
    else if (mag == (uint64_t)INT64_MAX + 1) out->as.i = INT64_MIN;
    else out->as.i = -(int64_t)mag;
    return 0;
}

static void set_float_bits(StfConst *out, uint64_t bits)
{
    memset(out, 0, sizeof *out);
    out->tag = STF_K_FLOAT;
    out->as.u = bits;
}

/* A literal constant (LDI operand): number, string, true/false, (), nan, inf. */
static int parse_literal(Asm *A, StfConst *out)
{
    memset(out, 0, sizeof *out);
    int c = peek(A);
    if (c == '"') {
        if (parse_string(A) < 0) return -1;
        out->tag = STF_K_STRING;
        if (!stf_str_dup(&out->as.str, (const char *)A->scratch.data, A->scratch.len)) return oom(A);
        return 0;
    }
    if (c == '(' && peek_at(A, 1) == ')') {
        A->pos += 2;
        out->tag = STF_K_UNIT;
        return 0;
    }
    if (is_digit(c) || (c == '-' && is_digit(peek_at(A, 1)))) return parse_number(A, -1, out);
    if (is_alpha(c) || c == '-') {
        size_t start = A->pos;
        if (c == '-') A->pos++;
        lex_word(A, false);
        Token w = token_from(A, start);
        if (tok_is(&w, "true") || tok_is(&w, "false")) {
            out->tag = STF_K_BOOL;
            out->as.b = tok_is(&w, "true");
            return 0;
        }
        if (tok_is(&w, "nan")) { set_float_bits(out, CANONICAL_NAN); return 0; }
        if (tok_is(&w, "inf")) { set_float_bits(out, 0x7ff0000000000000ull); return 0; }
        if (tok_is(&w, "-inf")) { set_float_bits(out, 0xfff0000000000000ull); return 0; }
        A->pos = start;
    }
    return fail_here(A, "expected a constant (number, \"string\", true, false, (), nan, inf "
                     "or #N), found %s", show_here(A));
}

/* Index of the first pool entry equal to *k under the dedup rule. */
static bool const_eq_cb(const Asm *A, uint32_t idx, const void *key)
{
    return asm_const_same(&A->prog.consts[idx], key);
}

static uint32_t pool_find(const Asm *A, const StfConst *k)
{
    return index_find(A, &A->const_index, fold32(asm_const_hash(k)), const_eq_cb, k);
}

/* Appends *k (taking ownership of its string) as a new pool entry. */
static int pool_append(Asm *A, StfConst *k, uint32_t *idx)
{
    StfConst *v = grow(A->prog.consts, &A->const_cap, A->prog.const_count, sizeof *v);
    if (!v) {
        if (k->tag == STF_K_STRING) free(k->as.str.s);
        return oom(A);
    }
    A->prog.consts = v;
    bool first_of_value = pool_find(A, k) == NOT_FOUND;   /* index only first entries */
    uint32_t i = A->prog.const_count++;
    v[i] = *k;
    if (first_of_value && !index_add(&A->const_index, fold32(asm_const_hash(&v[i])), i)) return oom(A);
    *idx = i;
    return 0;
}

/* Pool index for a literal: its first equal entry, appended if missing. */
static int pool_intern(Asm *A, StfConst *k, uint32_t *idx)
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
        if (!is_digit((unsigned char)w->p[i])) return 0;
        v = v * 10 + (unsigned)(w->p[i] - '0');
    }
    return v <= 255 ? v : 0;
}

static bool has_prefix(const Token *w, const char *prefix)
{
    size_t n = strlen(prefix);
    return w->len > n && memcmp(w->p, prefix, n) == 0 && is_digit((unsigned char)w->p[n]);
}

static int parse_type(Asm *A, ByteBuf *out, unsigned depth);

static int type_name_arg(Asm *A, ByteBuf *out)
{
    Token t;
    if (parse_name(A, true, "a type name", &t) < 0) return -1;
    return buf_str16(out, t.p, t.len) ? 0 : oom(A);
}

static int type_u8_arg(Asm *A, unsigned min, const char *what, unsigned char *v)
{
    uint64_t n;
    size_t start = A->pos;
    if (parse_u64(A, 255, what, &n) < 0) return -1;
    if (n < min) {
        Token t = token_from(A, start);
        return fail_tok(A, &t, "%s must be %u..255", what, min);
    }
    *v = (unsigned char)n;
    return 0;
}

/* TYPE<...>: the parametrised forms. */
static int parse_type_args(Asm *A, const Token *w, ByteBuf *out, unsigned depth)
{
    unsigned char b0, b1;
    A->pos++;                                  /* '<' */
    skip_blank(A);
    if (tok_is(w, "secret") || tok_is(w, "list")) {
        if (!buf_byte(out, tok_is(w, "secret") ? 6 : 7)) return oom(A);
        if (parse_type(A, out, depth + 1) < 0) return -1;
    } else if (tok_is(w, "dict")) {
        if (!buf_byte(out, 8)) return oom(A);
        if (parse_type(A, out, depth + 1) < 0 || expect_char(A, ',', "between dict key and value types") < 0)
            return -1;
        skip_blank(A);
        if (parse_type(A, out, depth + 1) < 0) return -1;
    } else if (tok_is(w, "object") || tok_is(w, "typevar")) {
        if (!buf_byte(out, tok_is(w, "object") ? 9 : 11)) return oom(A);
        if (type_name_arg(A, out) < 0) return -1;
    } else if (tok_is(w, "generic")) {
        if (!buf_byte(out, 10) || type_name_arg(A, out) < 0) return A->failed ? -1 : oom(A);
        size_t count_at = out->len;
        uint32_t count = 0;
        if (!buf_put(out, "\0\0", 2)) return oom(A);
        skip_blank(A);
        if (peek(A) == ';') {
            A->pos++;
            skip_blank(A);
            do {
                if (count == MAX_U16) return fail_here(A, "too many generic type parameters (at most 65535)");
                if (parse_type(A, out, depth + 1) < 0) return -1;
                count++;
            } while (list_continues(A));
        }
        out->data[count_at] = (unsigned char)(count & 0xff);
        out->data[count_at + 1] = (unsigned char)(count >> 8);
    } else if (tok_is(w, "fix")) {
        if (type_u8_arg(A, 1, "fixed-point width", &b0) < 0) return -1;
        unsigned char enc[2] = { 14, b0 };
        if (!buf_put(out, enc, 2)) return oom(A);
    } else if (tok_is(w, "int")) {
        /* int<FLAG,BITS>: raw signed-flag byte, for exact round trip */
        if (type_u8_arg(A, 0, "integer signed flag", &b0) < 0 ||
            expect_char(A, ',', "between signed flag and width in int<FLAG,BITS>") < 0)
            return -1;
        skip_blank(A);
        if (type_u8_arg(A, 1, "integer type width", &b1) < 0) return -1;
        unsigned char enc[3] = { 0, b0, b1 };
        if (!buf_put(out, enc, 3)) return oom(A);
    } else {
        return fail_tok(A, w, "unknown type '%s<...>'", show(A, w->p, w->len));
    }
    return expect_char(A, '>', "to close the type") < 0 ? -1 : 0;
}

static int parse_type(Asm *A, ByteBuf *out, unsigned depth)
{
    static const struct { const char *name; unsigned char tag; } simple[] = {
        { "float", 1 }, { "string", 2 }, { "bool", 3 }, { "nil", 4 }, { "void", 5 },
        { "unknown", FTYPE_UNKNOWN }, { "fix64", 13 },
    };
    if (depth > MAX_TYPE_DEPTH) return fail_here(A, "type nested too deeply (more than %d levels)", MAX_TYPE_DEPTH);
    Token w = lex_word(A, false);
    if (w.len == 0) return fail_here(A, "expected a type, found %s", show_here(A));
    if (peek(A) == '<') return parse_type_args(A, &w, out, depth);
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (tok_is(&w, simple[i].name)) return buf_byte(out, simple[i].tag) ? 0 : oom(A);
    unsigned char enc[3];
    size_t n = 0;
    unsigned width = 0;
    if (has_prefix(&w, "int")) { width = type_width(&w, 3); enc[0] = 0; enc[1] = 1; enc[2] = (unsigned char)width; n = 3; }
    else if (has_prefix(&w, "uint")) { width = type_width(&w, 4); enc[0] = 0; enc[1] = 0; enc[2] = (unsigned char)width; n = 3; }
    else if (has_prefix(&w, "fix")) { width = type_width(&w, 3); enc[0] = 14; enc[1] = (unsigned char)width; n = 2; }
    else return fail_tok(A, &w, "unknown type '%s'", show(A, w.p, w.len));
    if (width == 0) return fail_tok(A, &w, "bit width in '%s' must be 1..255", show(A, w.p, w.len));
    return buf_put(out, enc, n) ? 0 : oom(A);
}

/* ---- labels ---------------------------------------------------------------- */

static bool label_eq_cb(const Asm *A, uint32_t idx, const void *key)
{
    const Token *t = key;
    const StfStr *s = &A->fn.labels[idx].name;
    return s->len == t->len && (t->len == 0 || memcmp(s->s, t->p, t->len) == 0);
}

static uint32_t label_find(const Asm *A, const char *p, size_t len)
{
    Token t = { p, len, 0, 0 };
    return index_find(A, &A->label_index, fold32(fnv1a(0xcbf29ce484222325ull, p, len)), label_eq_cb, &t);
}

static int define_label(Asm *A, const Token *t, uint32_t target)
{
    if (!A->in_func) return fail_tok(A, t, "label '%s' outside a function", show(A, t->p, t->len));
    if (label_find(A, t->p, t->len) != NOT_FOUND)
        return fail_tok(A, t, "duplicate label '%s' in function '%s'", show(A, t->p, t->len),
                        show_str(A, &A->fn.name));
    if (A->fn.label_count == MAX_U16)
        return fail_tok(A, t, "too many labels in function '%s' (at most 65535)", show_str(A, &A->fn.name));
    StfLabel *l = grow(A->fn.labels, &A->label_cap, A->fn.label_count, sizeof *l);
    if (!l) return oom(A);
    A->fn.labels = l;
    uint32_t i = A->fn.label_count;
    if (!stf_str_dup(&l[i].name, t->p, t->len)) return oom(A);
    l[i].target = target;
    A->fn.label_count++;
    if (!index_add(&A->label_index, fold32(fnv1a(0xcbf29ce484222325ull, t->p, t->len)), i)) return oom(A);
    return 0;
}

/* ---- instructions ---------------------------------------------------------- */

enum { OPD_REG, OPD_OFF, OPD_CONST, OPD_SLOT, OPD_LABEL, OPD_NAME };

static const struct { uint8_t count; uint8_t kind[3]; } layouts[] = {
    [STF_FMT_R_OFF] = { 2, { OPD_REG, OPD_OFF } },
    [STF_FMT_R_K] = { 2, { OPD_REG, OPD_CONST } },
    [STF_FMT_RR] = { 2, { OPD_REG, OPD_REG } },
    [STF_FMT_RRR] = { 3, { OPD_REG, OPD_REG, OPD_REG } },
    [STF_FMT_LABEL] = { 1, { OPD_LABEL } },
    [STF_FMT_NAME] = { 1, { OPD_NAME } },
    [STF_FMT_R] = { 1, { OPD_REG } },
    [STF_FMT_NONE] = { 0, { 0 } },
    [STF_FMT_R_SLOT] = { 2, { OPD_REG, OPD_SLOT } },
    [STF_FMT_SLOT_R] = { 2, { OPD_SLOT, OPD_REG } },
};

static int parse_reg(Asm *A, uint32_t *r)
{
    size_t start = A->pos;
    int c = peek(A);
    if ((c == 'r' || c == 'R') && is_digit(peek_at(A, 1))) {
        A->pos++;
        uint64_t v = 0;
        bool big = false;
        while (is_digit(peek(A))) {
            v = v * 10 + (uint64_t)(peek(A) - '0');
            if (v > MAX_REGISTER) { big = true; v = MAX_REGISTER + 1; }
            A->pos++;
        }
        if (!is_ident_char(peek(A), true)) {
            Token t = token_from(A, start);
            if (big) return fail_tok(A, &t, "register %s out of range (r0..r65535)", show(A, t.p, t.len));
            *r = (uint32_t)v;
            return 0;
        }
        A->pos = start;
    }
    return fail_here(A, "expected a register (r0..r65535), found %s", show_here(A));
}

static int parse_offset(Asm *A, int32_t *off)
{
    size_t start = A->pos;
    bool neg = peek(A) == '-';
    if (neg) A->pos++;
    if (!is_digit(peek(A))) {
        A->pos = start;
        return fail_here(A, "expected a stack offset (a signed number), found %s", show_here(A));
    }
    uint64_t mag = 0;
    while (is_digit(peek(A))) {
        mag = mag * 10 + (uint64_t)(peek(A) - '0');
        if (mag > (uint64_t)INT32_MAX + 1) mag = (uint64_t)INT32_MAX + 2;   /* saturate: out of range */
        A->pos++;
    }
    if (mag > (uint64_t)INT32_MAX + (neg ? 1u : 0u)) {
        Token t = token_from(A, start);
        return fail_tok(A, &t, "stack offset %s out of range (-2147483648..2147483647)", show(A, t.p, t.len));
    }
    *off = neg ? (int32_t)(-(int64_t)mag) : (int32_t)mag;
    return 0;
}

/* Moves to operand `index` of `total`: the separating ',' and the operand
 * must be there. */
static int begin_operand(Asm *A, const char *mn, unsigned index, unsigned total, bool pool_ref_ok)
{
    skip_blank(A);
    if (index > 0) {
        if (peek(A) == ',') {
            A->pos++;
            skip_blank(A);
        } else if (!at_eol(A)) {
            return fail_here(A, "expected ',' after operand %u of %s, found %s", index, mn, show_here(A));
        }
    }
    if (at_eol(A) && !(pool_ref_ok && at_pool_ref(A)))
        return fail_here(A, "%s expects %u operand%s, got %u", mn, total, total == 1 ? "" : "s", index);
    return 0;
}

static int parse_pool_ref(Asm *A, uint32_t *idx)
{
    size_t start = A->pos;
    A->pos++;                                  /* '#' */
    uint64_t n;
    if (parse_u64(A, UINT64_MAX, "constant index", &n) < 0) return -1;
    if (n >= A->prog.const_count) {
        Token t = token_from(A, start);
        return fail_tok(A, &t, "constant %s out of range (the pool has %" PRIu32 " entr%s)",
                        show(A, t.p, t.len), A->prog.const_count, A->prog.const_count == 1 ? "y" : "ies");
    }
    *idx = (uint32_t)n;
    return 0;
}

static int push_instr(Asm *A, const StfInstr *in, uint32_t operand_col)
{
    StfInstr *v = grow(A->fn.instrs, &A->instr_cap, A->fn.instr_count, sizeof *v);
    if (!v) return oom(A);
    A->fn.instrs = v;
    uint32_t *cols = grow(A->operand_cols, &A->operand_cols_cap, A->fn.instr_count, sizeof *cols);
    if (!cols) return oom(A);
    A->operand_cols = cols;
    cols[A->fn.instr_count] = operand_col;
    v[A->fn.instr_count++] = *in;
    return 0;
}

static int instruction(Asm *A, const Token *m)
{
    int op = stf_op_lookup(m->p, m->len);
    if (op < 0) return fail_tok(A, m, "unknown mnemonic '%s'", show(A, m->p, m->len));
    const char *mn = stf_op_name(op);
    if (!A->in_func) return fail_tok(A, m, "instruction %s outside a function (start one with .function NAME)", mn);
    int fmt = stf_op_format(op);
    unsigned total = layouts[fmt].count;
    StfInstr in;
    memset(&in, 0, sizeof in);
    in.op = (uint8_t)op;
    in.line = m->line;
    uint32_t *fields[3] = { &in.a, &in.b, &in.c };
    uint32_t operand_col = 0;
    for (unsigned i = 0; i < total; i++) {
        int kind = layouts[fmt].kind[i];
        if (begin_operand(A, mn, i, total, kind == OPD_CONST) < 0) return -1;
        Token t;
        uint64_t v;
        switch (kind) {
        case OPD_REG:
            if (parse_reg(A, fields[i]) < 0) return -1;
            break;
        case OPD_OFF:
            if (parse_offset(A, &in.off) < 0) return -1;
            break;
        case OPD_SLOT:
            if (parse_u64(A, UINT32_MAX, "spill slot", &v) < 0) return -1;
            *fields[i] = (uint32_t)v;
            break;
        case OPD_CONST:
            if (at_pool_ref(A)) {
                if (parse_pool_ref(A, fields[i]) < 0) return -1;
            } else {
                StfConst k;
                if (parse_literal(A, &k) < 0 || pool_intern(A, &k, fields[i]) < 0) return -1;
            }
            break;
        default:                               /* label or function name */
            operand_col = col_at(A, A->pos);
            if (parse_name(A, true, kind == OPD_LABEL ? "a label name" : "a function name", &t) < 0) return -1;
            if (!stf_str_dup(&in.name, t.p, t.len)) return oom(A);
            break;
        }
    }
    skip_blank(A);
    if (peek(A) == ',' || (total == 0 && !at_eol(A))) {
        free(in.name.s);
        if (total == 0) return fail_here(A, "%s takes no operands", mn);
        return fail_here(A, "too many operands for %s (expects %u)", mn, total);
    }
    if (push_instr(A, &in, operand_col) < 0) {
        free(in.name.s);
        return -1;
    }
    return 0;
}

/* ---- functions -------------------------------------------------------------- */

/* Appends a copy of *t to a name list counted in a u16 (params, upvalues). */
static int push_name16(Asm *A, StfStr **list, uint16_t *count, uint32_t *cap, const Token *t, const char *what)
{
    if (*count == MAX_U16) return fail_tok(A, t, "too many %s (at most 65535)", what);
    StfStr *v = grow(*list, cap, *count, sizeof *v);
    if (!v) return oom(A);
    *list = v;
    if (!stf_str_dup(&v[*count], t->p, t->len)) return oom(A);
    (*count)++;
    return 0;
}

/* params=NAME[:TYPE],... ; typed names need no ':' in bare form */
static int parse_params(Asm *A)
{
    bool any_typed = false, any_untyped = false;
    do {
        Token t;
        if (parse_name(A, false, "a parameter name", &t) < 0 ||
            push_name16(A, &A->fn.params, &A->fn.param_count, &A->param_cap, &t, "parameters") < 0)
            return -1;
        bool typed = peek(A) == ':';
        if (typed) {
            A->pos++;
            if (parse_type(A, &A->ptypes, 0) < 0) return -1;
        }
        if ((typed && any_untyped) || (!typed && any_typed))
            return fail_tok(A, &t, "parameter '%s' %s: give every parameter a type or none",
                            show(A, t.p, t.len), typed ? "has a type but earlier ones do not" : "has no type");
        any_typed |= typed;
        any_untyped |= !typed;
    } while (list_continues(A));
    return 0;
}

static int parse_upvalues(Asm *A)
{
    do {
        Token t;
        if (parse_name(A, true, "an upvalue name", &t) < 0 ||
            push_name16(A, &A->fn.upvalues, &A->fn.upvalue_count, &A->upvalue_cap, &t, "upvalues") < 0)
            return -1;
    } while (list_continues(A));
    return 0;
}

static void reset_function_state(Asm *A)
{
    memset(&A->fn, 0, sizeof A->fn);
    A->in_func = false;
    A->regs_given = false;
    A->instr_cap = A->label_cap = A->param_cap = A->upvalue_cap = 0;
    index_clear(&A->label_index);
    for (uint32_t i = 0; i < A->label_order_count; i++) free(A->label_order[i].name.s);
    A->label_order_count = 0;
    A->has_label_order = false;
    A->ptypes.len = A->rtype.len = 0;
}

static int dir_function(Asm *A, const Token *d)
{
    enum { A_REGS = 1, A_PARAMS = 2, A_UPVALUES = 4, A_PARENT = 8, A_PARENT_FLAG = 16, A_RETURNS = 32 };
    static const char *const names[] = { "regs", "params", "upvalues", "parent", "parent_flag", "returns" };
    if (A->in_func)
        return fail_tok(A, d, "missing .end before .function (function '%s' started at line %" PRIu32 ")",
                        show_str(A, &A->fn.name), A->fn.line);
    skip_blank(A);
    Token name;
    if (parse_name(A, true, "a function name", &name) < 0) return -1;
    if (peek(A) == '=') return fail_tok(A, &name, "expected a function name before the attributes");
    reset_function_state(A);
    A->in_func = true;
    A->fn.line = d->line;
    A->fn_col = d->col;
    if (!stf_str_dup(&A->fn.name, name.p, name.len)) return oom(A);
    if (end_of_value(A) < 0) return -1;

    unsigned seen = 0;
    uint64_t parent_flag = 0;
    for (skip_blank(A); !at_eol(A); skip_blank(A)) {
        Token key;
        if (parse_attr_key(A, &key) < 0) return -1;
        unsigned bit = 0;
        for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
            if (tok_is(&key, names[i])) bit = 1u << i;
        if (!bit)
            return fail_tok(A, &key, "unknown .function attribute '%s' (expected regs, params, upvalues, "
                            "parent, parent_flag or returns)", show(A, key.p, key.len));
        if (seen & bit) return fail_tok(A, &key, "duplicate attribute '%s'", show(A, key.p, key.len));
        seen |= bit;
        uint64_t v;
        Token t;
        switch (bit) {
        case A_REGS:
            if (parse_u64(A, MAX_U16, "register count", &v) < 0) return -1;
            A->fn.register_count = (uint16_t)v;
            A->regs_given = true;
            break;
        case A_PARAMS: if (parse_params(A) < 0) return -1; break;
        case A_UPVALUES: if (parse_upvalues(A) < 0) return -1; break;
        case A_PARENT:
            if (parse_name(A, true, "a parent function name", &t) < 0) return -1;
            if (!stf_str_dup(&A->fn.parent, t.p, t.len)) return oom(A);
            break;
        case A_PARENT_FLAG:
            if (parse_u64(A, 255, "parent flag", &parent_flag) < 0) return -1;
            break;
        default:
            if (parse_type(A, &A->rtype, 0) < 0) return -1;
            break;
        }
        if (end_of_value(A) < 0) return -1;
    }
    /* parent=NAME means flag 1; parent_flag= alone keeps an odd raw byte */
    if (seen & A_PARENT) {
        if ((seen & A_PARENT_FLAG) && parent_flag != 1)
            return fail_at(A, d->line, d->col, "parent= needs parent_flag=1 (or no parent_flag)");
        A->fn.parent_flag = 1;
    } else {
        if (parent_flag == 1) return fail_at(A, d->line, d->col, "parent_flag=1 needs parent=NAME");
        A->fn.parent_flag = (uint8_t)parent_flag;
    }
    return 0;
}

/* Detaches an encoded type buffer as a malloc'd byte array. */
static int take_types(Asm *A, ByteBuf *b, uint8_t **out, uint32_t *out_len)
{
    if (b->len > UINT32_MAX) return fail_here(A, "function types too large");
    uint8_t *p = malloc(b->len ? b->len : 1);
    if (!p) return oom(A);
    if (b->len) memcpy(p, b->data, b->len);
    *out = p;
    *out_len = (uint32_t)b->len;
    return 0;
}

/* Applies .label_order: the label list becomes exactly that order. */
static int apply_label_order(Asm *A)
{
    uint32_t n = A->fn.label_count;
    StfLabel *ordered = malloc(((size_t)n + 1) * sizeof *ordered);
    bool *used = calloc((size_t)n + 1, 1);
    if (!ordered || !used) {
        free(ordered);
        free(used);
        return oom(A);
    }
    int rc = 0;
    for (uint32_t k = 0; k < A->label_order_count && rc == 0; k++) {
        const NameRef *r = &A->label_order[k];
        uint32_t idx = label_find(A, r->name.s, r->name.len);
        if (idx == NOT_FOUND)
            rc = fail_at(A, r->line, r->col, "label '%s' in .label_order is not defined in function '%s'",
                         show_str(A, &r->name), A->fn.name.s);
        else if (used[idx])
            rc = fail_at(A, r->line, r->col, "label '%s' is listed twice in .label_order", show_str(A, &r->name));
        else {
            used[idx] = true;
            ordered[k] = A->fn.labels[idx];
        }
    }
    for (uint32_t i = 0; i < n && rc == 0; i++)
        if (!used[i])
            rc = fail_at(A, A->label_order_line, A->label_order_col, "label '%s' is missing from .label_order",
                         show_str(A, &A->fn.labels[i].name));
    if (rc == 0) {
        memcpy(A->fn.labels, ordered, (size_t)n * sizeof *ordered);
        /* the hash index maps to old positions; rebuild it */
        index_clear(&A->label_index);
        for (uint32_t i = 0; i < n && rc == 0; i++) {
            const StfStr *s = &A->fn.labels[i].name;
            if (!index_add(&A->label_index, fold32(fnv1a(0xcbf29ce484222325ull, s->s, s->len)), i)) rc = oom(A);
        }
    }
    free(ordered);
    free(used);
    return rc;
}

static int dir_end(Asm *A, const Token *d)
{
    if (!A->in_func) return fail_tok(A, d, ".end without .function");
    StfFunction *f = &A->fn;
    if (A->has_label_order && apply_label_order(A) < 0) return -1;
    for (uint32_t i = 0; i < f->instr_count; i++) {
        const StfInstr *in = &f->instrs[i];
        if (stf_op_format(in->op) == STF_FMT_LABEL && label_find(A, in->name.s, in->name.len) == NOT_FOUND)
            return fail_at(A, in->line, A->operand_cols[i], "unknown label '%s' in function '%s'",
                           show_str(A, &in->name), show_str(A, &f->name));
    }
    if (!A->regs_given) {
        f->register_count = 0;
        uint32_t need = stf_function_frame_size(f);   /* max(1, params, highest register + 1) */
        if (need > MAX_U16)
            return fail_at(A, f->line, A->fn_col, "function '%s' needs %" PRIu32 " registers; at most 65535 "
                           "fit (use registers below r65535)", show_str(A, &f->name), need);
        f->register_count = (uint16_t)need;
    }
    bool typed = A->ptypes.len > 0;
    if (typed && take_types(A, &A->ptypes, &f->param_types, &f->param_types_len) < 0) return -1;
    if (A->rtype.len) {
        if (take_types(A, &A->rtype, &f->ret_type, &f->ret_type_len) < 0) return -1;
        if (!typed && f->param_count) {
            /* returns= without parameter types: parameters are Unknown */
            A->ptypes.len = 0;
            for (uint32_t i = 0; i < f->param_count; i++)
                if (!buf_byte(&A->ptypes, FTYPE_UNKNOWN)) return oom(A);
            if (take_types(A, &A->ptypes, &f->param_types, &f->param_types_len) < 0) return -1;
        }
    }
    StfFunction *v = grow(A->prog.funcs, &A->func_cap, A->prog.func_count, sizeof *v);
    if (!v) return oom(A);
    A->prog.funcs = v;
    v[A->prog.func_count++] = *f;
    reset_function_state(A);
    return 0;
}

static int dir_label_order(Asm *A, const Token *d)
{
    if (!A->in_func) return fail_tok(A, d, ".label_order outside a function");
    if (A->has_label_order) return fail_tok(A, d, "duplicate .label_order in function");
    A->has_label_order = true;
    A->label_order_line = d->line;
    A->label_order_col = d->col;
    skip_blank(A);
    do {
        Token t;
        if (parse_name(A, true, "a label name", &t) < 0) return -1;
        NameRef *v = grow(A->label_order, &A->label_order_cap, A->label_order_count, sizeof *v);
        if (!v) return oom(A);
        A->label_order = v;
        if (!stf_str_dup(&v[A->label_order_count].name, t.p, t.len)) return oom(A);
        v[A->label_order_count].line = t.line;
        v[A->label_order_count].col = t.col;
        A->label_order_count++;
    } while (list_continues(A));
    return 0;
}

/* .label NAME TARGET: a label with an explicit instruction index. */
static int dir_label(Asm *A, const Token *d)
{
    if (!A->in_func) return fail_tok(A, d, ".label outside a function");
    skip_blank(A);
    Token t;
    uint32_t target;
    if (parse_name(A, true, "a label name", &t) < 0) return -1;
    /* t may point into the scratch buffer; parsing a number leaves it intact */
    skip_blank(A);
    if (parse_u32(A, UINT32_MAX, "label target", &target) < 0) return -1;
    return define_label(A, &t, target);
}

/* ---- top-level directives ----------------------------------------------------- */

static int outside_function(Asm *A, const Token *d)
{
    if (A->in_func)
        return fail_tok(A, d, "%s is not allowed inside function '%s'", show(A, d->p, d->len),
                        show_str(A, &A->fn.name));
    return 0;
}

static int once(Asm *A, const Token *d, bool *seen)
{
    if (*seen) return fail_tok(A, d, "duplicate %s", show(A, d->p, d->len));
    *seen = true;
    return 0;
}

static int dir_version(Asm *A, const Token *d)
{
    uint64_t v;
    if (outside_function(A, d) < 0 || once(A, d, &A->seen_version) < 0) return -1;
    skip_blank(A);
    size_t start = A->pos;
    if (parse_u64(A, UINT64_MAX, "format version", &v) < 0) return -1;
    if (v > STF_FORMAT_VERSION_MAX) {
        Token t = token_from(A, start);
        return fail_tok(A, &t, "unsupported format version %" PRIu64 " (0..%d)", v, STF_FORMAT_VERSION_MAX);
    }
    A->prog.version = (uint16_t)v;
    return 0;
}

/* .const TYPE VALUE: an explicit pool entry. */
static int dir_const(Asm *A, const Token *d)
{
    static const struct { const char *name; int tag; } types[] = {
        { "I64", STF_K_I64 }, { "I32", STF_K_I32 }, { "I16", STF_K_I16 }, { "I8", STF_K_I8 },
        { "U8", STF_K_U8 }, { "U16", STF_K_U16 }, { "U32", STF_K_U32 }, { "U64", STF_K_U64 },
        { "F64", STF_K_FLOAT }, { "FLOAT", STF_K_FLOAT }, { "BOOL", STF_K_BOOL },
        { "STRING", STF_K_STRING }, { "UNIT", STF_K_UNIT },
    };
    if (outside_function(A, d) < 0) return -1;
    if (A->prog.func_count) return fail_tok(A, d, ".const must come before the first .function");
    skip_blank(A);
    Token w = lex_word(A, false);
    int tag = -1;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (tok_is_nocase(&w, types[i].name)) tag = types[i].tag;
    if (tag < 0) {
        if (!w.len) return fail_here(A, "expected a constant type after .const, found %s", show_here(A));
        return fail_tok(A, &w, "unknown constant type '%s' (expected I64, I32, I16, I8, U8, U16, U32, U64, "
                        "F64, BOOL, STRING or UNIT)", show(A, w.p, w.len));
    }
    skip_blank(A);
    StfConst k;
    memset(&k, 0, sizeof k);
    k.tag = (uint8_t)tag;
    uint64_t raw;
    if (tag == STF_K_UNIT) {
        if (peek(A) == '(' && peek_at(A, 1) == ')') A->pos += 2;
    } else if (is_int_tag(tag)) {
        if (parse_number(A, tag, &k) < 0) return -1;
    } else if (tag == STF_K_STRING) {
        if (peek(A) != '"') return fail_here(A, "expected a \"string\", found %s", show_here(A));
        if (parse_literal(A, &k) < 0) return -1;
    } else {
        size_t start = A->pos;
        Token key = lex_word(A, false);
        bool raw_form = peek(A) == '=' && tok_is(&key, tag == STF_K_BOOL ? "byte" : "bits");
        if (raw_form) {
            A->pos++;
            if (tag == STF_K_BOOL) {
                if (parse_u64(A, 255, "bool byte", &raw) < 0) return -1;
                k.as.b = (uint8_t)raw;
            } else {
                if (parse_u64_hex(A, "float bits", &raw) < 0) return -1;
                k.as.u = raw;
            }
        } else {
            A->pos = start;
            if (tag == STF_K_FLOAT && (is_digit(peek(A)) || (peek(A) == '-' && is_digit(peek_at(A, 1))))) {
                if (parse_number(A, STF_K_FLOAT, &k) < 0) return -1;
            } else {
                if (parse_literal(A, &k) < 0) return -1;
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

/* A manifest name (case-insensitive) or a raw byte value. */
static int parse_enum(Asm *A, const char *const *names, size_t n, const char *what, const char *list,
                      uint8_t *out)
{
    skip_blank(A);
    if (is_digit(peek(A))) {
        uint64_t v;
        if (parse_u64(A, 255, what, &v) < 0) return -1;
        *out = (uint8_t)v;
        return 0;
    }
    Token w = lex_word(A, true);
    for (size_t i = 0; i < n; i++)
        if (names[i] && tok_is_nocase(&w, names[i])) {
            *out = (uint8_t)(i < 6 ? i : 5);
            return 0;
        }
    if (!w.len) return fail_here(A, "expected %s, found %s", what, show_here(A));
    return fail_tok(A, &w, "unknown %s '%s' (expected %s)", what, show(A, w.p, w.len), list);
}

static int dir_backend(Asm *A, const Token *d)
{
    static const char *const names[] = { "honeybadger", "avss" };
    if (outside_function(A, d) < 0 || once(A, d, &A->seen_backend) < 0) return -1;
    return parse_enum(A, names, 2, "MPC backend", "honeybadger or avss", &A->prog.manifest.backend);
}

static int dir_curve(Asm *A, const Token *d)
{
    /* index = wire value; "secp256r1" is another name for P-256 (5) */
    static const char *const names[] = { "bls12-381", "bn254", "curve25519", "ed25519", "secp256k1",
                                         "p-256", "secp256r1" };
    if (outside_function(A, d) < 0 || once(A, d, &A->seen_curve) < 0) return -1;
    return parse_enum(A, names, 7, "MPC curve",
                      "bls12-381, bn254, curve25519, ed25519, secp256k1 or p-256", &A->prog.manifest.curve);
}

/* int:BITS | uint:BITS | fixed:TOTAL:FRAC */
static int parse_share_type(Asm *A, StfShareType *st)
{
    Token w = lex_word(A, false);
    memset(st, 0, sizeof *st);
    if (tok_is(&w, "int")) st->tag = 0;
    else if (tok_is(&w, "fixed")) st->tag = 1;
    else if (tok_is(&w, "uint")) st->tag = 2;
    else if (!w.len) return fail_here(A, "expected a share type, found %s", show_here(A));
    else return fail_tok(A, &w, "unknown share type '%s' (expected int:BITS, uint:BITS or fixed:TOTAL:FRAC)",
                         show(A, w.p, w.len));
    if (peek(A) != ':') return fail_here(A, "expected ':' and a bit width after '%s'", show(A, w.p, w.len));
    A->pos++;
    if (parse_u32(A, UINT32_MAX, "share bit width", &st->bits) < 0) return -1;
    if (st->tag == 1) {
        if (peek(A) != ':') return fail_here(A, "expected ':' and fractional bits (fixed:TOTAL:FRAC)");
        A->pos++;
        if (parse_u32(A, UINT32_MAX, "fractional bits", &st->frac) < 0) return -1;
        if (st->frac >= st->bits) return fail_tok(A, &w, "fixed-point share needs fractional bits < total bits");
    }
    if (st->bits == 0) return fail_tok(A, &w, "share bit width must be at least 1");
    return 0;
}

static int parse_share_list(Asm *A, StfShareType **list, uint32_t *count)
{
    uint32_t cap = 0;
    do {
        StfShareType *v = grow(*list, &cap, *count, sizeof *v);
        if (!v) return oom(A);
        *list = v;
        if (parse_share_type(A, &v[*count]) < 0) return -1;
        (*count)++;
    } while (list_continues(A));
    return 0;
}

/* .client SLOT inputs=TYPES outputs=TYPES */
static int dir_client(Asm *A, const Token *d)
{
    if (outside_function(A, d) < 0) return -1;
    StfManifest *m = &A->prog.manifest;
    StfClientSchema *v = grow(m->clients, &A->client_cap, m->client_count, sizeof *v);
    if (!v) return oom(A);
    m->clients = v;
    StfClientSchema *c = &v[m->client_count++];
    memset(c, 0, sizeof *c);
    skip_blank(A);
    if (parse_u64(A, UINT64_MAX, "client slot", &c->slot) < 0 || end_of_value(A) < 0) return -1;
    bool seen_in = false, seen_out = false;
    for (skip_blank(A); !at_eol(A); skip_blank(A)) {
        Token key;
        if (parse_attr_key(A, &key) < 0) return -1;
        bool in = tok_is(&key, "inputs");
        if (!in && !tok_is(&key, "outputs"))
            return fail_tok(A, &key, "unknown .client attribute '%s' (expected inputs or outputs)",
                            show(A, key.p, key.len));
        if (once(A, &key, in ? &seen_in : &seen_out) < 0) return -1;
        if ((in ? parse_share_list(A, &c->inputs, &c->input_count)
                : parse_share_list(A, &c->outputs, &c->output_count)) < 0 || end_of_value(A) < 0)
            return -1;
    }
    return 0;
}

/* .preprocessing triples=N randoms=N prandbits=N prandints=N dynamic=N */
static int dir_preprocessing(Asm *A, const Token *d)
{
    static const char *const names[] = { "triples", "randoms", "prandbits", "prandints", "dynamic" };
    if (outside_function(A, d) < 0 || once(A, d, &A->seen_preproc) < 0) return -1;
    StfManifest *m = &A->prog.manifest;
    uint64_t *fields[] = { &m->triples, &m->randoms, &m->prandbits, &m->prandints };
    bool seen[5] = { false };
    for (skip_blank(A); !at_eol(A); skip_blank(A)) {
        Token key;
        if (parse_attr_key(A, &key) < 0) return -1;
        size_t i = 0;
        while (i < 5 && !tok_is(&key, names[i])) i++;
        if (i == 5)
            return fail_tok(A, &key, "unknown .preprocessing attribute '%s' (expected triples, randoms, "
                            "prandbits, prandints or dynamic)", show(A, key.p, key.len));
        if (once(A, &key, &seen[i]) < 0) return -1;
        if (i < 4) {
            if (parse_u64(A, UINT64_MAX, names[i], fields[i]) < 0) return -1;
        } else {
            size_t start = A->pos;
            Token w = lex_word(A, false);
            if (tok_is(&w, "true") || tok_is(&w, "false")) {
                m->dynamic = tok_is(&w, "true");
            } else {
                uint64_t v;
                A->pos = start;
                if (parse_u64(A, 255, "dynamic flag", &v) < 0) return -1;
                m->dynamic = (uint8_t)v;
            }
        }
        if (end_of_value(A) < 0) return -1;
    }
    return 0;
}

static int directive(Asm *A)
{
    static const struct { const char *name; int (*fn)(Asm *, const Token *); } dirs[] = {
        { ".function", dir_function }, { ".end", dir_end }, { ".const", dir_const },
        { ".version", dir_version }, { ".label_order", dir_label_order }, { ".label", dir_label },
        { ".backend", dir_backend }, { ".curve", dir_curve }, { ".client", dir_client },
        { ".preprocessing", dir_preprocessing },
    };
    size_t start = A->pos;
    A->pos++;                                  /* '.' */
    lex_word(A, false);
    Token d = token_from(A, start);
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (tok_is(&d, dirs[i].name)) return dirs[i].fn(A, &d);
    return fail_tok(A, &d, "unknown directive '%s'", show(A, d.p, d.len));
}

/* ---- lines ---------------------------------------------------------------------- */

/* LINE := { LABEL ':' } [ INSTRUCTION | DIRECTIVE ] [ COMMENT ] */
static int parse_line(Asm *A)
{
    skip_blank(A);
    while (!at_eol(A)) {
        int c = peek(A);
        if (c == '.') {
            if (directive(A) < 0) return -1;
            break;
        }
        Token t;
        if (c == '"') {                        /* "quoted label": */
            if (parse_name(A, true, "a label name", &t) < 0) return -1;
            if (peek(A) != ':') return fail_here(A, "expected ':' after the quoted label name");
            A->pos++;
            if (define_label(A, &t, A->fn.instr_count) < 0) return -1;
            skip_blank(A);
            continue;
        }
        if (!is_ident_start(c))
            return fail_here(A, "unexpected %s (expected a label, an instruction or a directive)", show_here(A));
        size_t start = A->pos;
        while (is_ident_char(peek(A), true)) A->pos++;
        t = token_from(A, start);
        if (t.p[t.len - 1] != ':') {
            if (instruction(A, &t) < 0) return -1;
            break;
        }
        t.len--;                               /* label: the last ':' ends it */
        if (check_name(A, &t, "label name") < 0 || define_label(A, &t, A->fn.instr_count) < 0) return -1;
        skip_blank(A);
    }
    skip_blank(A);
    if (!at_eol(A)) return fail_here(A, "unexpected %s at end of statement", show_here(A));
    const char *nl = A->pos < A->len ? memchr(A->src + A->pos, '\n', A->len - A->pos) : NULL;
    if (!nl) {
        A->pos = A->len;
    } else {
        A->pos = (size_t)(nl - A->src) + 1;
        if (A->line < UINT32_MAX) A->line++;
        A->line_start = A->pos;
    }
    return 0;
}

static void asm_release(Asm *A)
{
    stf_program_free(&A->prog);
    reset_function_state(A);                   /* frees label_order names */
    free(A->const_index.slots);
    free(A->label_index.slots);
    free(A->operand_cols);
    free(A->label_order);
    free(A->ptypes.data);
    free(A->rtype.data);
    free(A->scratch.data);
    free(A->numtext.data);
    if (A->c_numeric) freelocale(A->c_numeric);
}

int asm_parse(const char *text, size_t len, StfProgram *out, AsmError *err)
{
    AsmError dummy;
    Asm A;
    memset(&A, 0, sizeof A);
    A.src = text ? text : "";
    A.len = text ? len : 0;
    A.line = 1;
    A.err = err ? err : &dummy;
    memset(A.err, 0, sizeof *A.err);
    stf_program_init(&A.prog);
    A.c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);

    int rc = 0;
    while (rc == 0 && A.pos < A.len) rc = parse_line(&A);
    if (rc == 0 && A.in_func) {
        rc = fail_at(&A, A.fn.line, A.fn_col, "missing .end for function '%s' (reached end of input)",
                     show_str(&A, &A.fn.name));
    }
    if (rc == 0 && !out) rc = fail_at(&A, 1, 1, "no output program given");
    if (rc == 0) {
        *out = A.prog;
        stf_program_init(&A.prog);
    } else {
        stf_function_free(&A.fn);
        if (out) stf_program_init(out);
    }
    asm_release(&A);
    return rc;
}
