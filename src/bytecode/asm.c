/* asm.c: StoffelVM assembly text -> StfProgram (syntax: docs/assembly.md).
 *
 * A hand-written, line-oriented recursive-descent parser.  The input is a
 * byte buffer that is not NUL-terminated and may hold anything (it is
 * fuzzed), so every read goes through asm_peek()/asm_peek_at(), which stop at
 * the end.  The first error is recorded (1-based line, byte column) and every
 * parse function returns -1 from then on; asm_parse frees whatever was built.
 *
 * This file has the lexer, labels, instructions, functions and the line loop;
 * asm_directives.c has the constant pool, function types and the top-level
 * directives that describe the file.  They share asm_internal.h. */
#include "asm_internal.h"

#include <inttypes.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_REGISTER 65535u

/* ---- errors ------------------------------------------------------------ */

uint32_t asm_col_at(const Asm *A, size_t pos)
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

int asm_fail_at(Asm *A, uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(A, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

int asm_oom(Asm *A) { return fail_here(A, "out of memory"); }

/* Printable excerpt of raw bytes for messages (non-printables become '?');
 * a small ring of buffers lets one message show several excerpts. */
const char *asm_show(Asm *A, const char *p, size_t n)
{
    char *buf = A->shown[A->shown_next++ % 4];
    size_t i, k = 0;
    for (i = 0; i < n && k < 40; i++) {
        unsigned char c = (unsigned char)p[i];
        buf[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (i < n) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}

const char *asm_show_str(Asm *A, const StfStr *s) { return asm_show(A, s->s, s->len); }

/* Describes what is at the cursor: "'word'", "end of line" or "end of input". */
const char *asm_show_here(Asm *A)
{
    if (A->pos >= A->len) return "end of input";
    if (A->src[A->pos] == '\n') return "end of line";
    size_t n = 1;
    while (A->pos + n < A->len && n < 41 && !strchr(" \t\n\r,", A->src[A->pos + n])) n++;
    const char *inner = asm_show(A, A->src + A->pos, n);
    char *buf = A->shown[A->shown_next++ % 4];
    snprintf(buf, sizeof A->shown[0], "'%s'", inner);
    return buf;
}

/* ---- small containers ---------------------------------------------------- */

bool asm_buf_put(ByteBuf *b, const void *p, size_t n)
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

bool asm_buf_byte(ByteBuf *b, unsigned char v) { return asm_buf_put(b, &v, 1); }

bool asm_buf_str16(ByteBuf *b, const char *p, size_t n)
{
    unsigned char len[2] = { (unsigned char)(n & 0xff), (unsigned char)(n >> 8) };
    return asm_buf_put(b, len, 2) && asm_buf_put(b, p, n);
}

/* Makes room for element `count` of a growable array; returns the (possibly
 * moved) array, or NULL with the old array untouched. */
void *asm_grow(void *arr, uint32_t *cap, uint32_t count, size_t elem)
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

uint64_t asm_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

uint32_t asm_fold32(uint64_t h) { return (uint32_t)(h ^ (h >> 32)); }

uint32_t asm_index_find(const Asm *A, const HashIndex *h, uint32_t hash, IndexEq eq, const void *key)
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

bool asm_index_add(HashIndex *h, uint32_t hash, uint32_t idx)
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

/* Empty the index for the next function.  A table grown for a function
 * with many labels is dropped rather than cleared, so that the functions
 * after it do not each pay for clearing it. */
static void index_clear(HashIndex *h)
{
    if (h->cap > 1024) {
        free(h->slots);
        h->slots = NULL;
        h->cap = 0;
    } else if (h->slots) {
        memset(h->slots, 0, (size_t)h->cap * sizeof *h->slots);
    }
    h->used = 0;
}

/* ---- lexing ---------------------------------------------------------------- */

int asm_peek_at(const Asm *A, size_t k) { return A->pos + k < A->len ? (unsigned char)A->src[A->pos + k] : -1; }
int asm_peek(const Asm *A) { return asm_peek_at(A, 0); }
static bool is_blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool asm_is_digit(int c) { return c >= '0' && c <= '9'; }
bool asm_is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_ident_start(int c) { return asm_is_alpha(c) || c == '_' || c >= 0x80; }
static bool is_ident_char(int c, bool colon)
{
    return is_ident_start(c) || asm_is_digit(c) || c == '.' || (colon && c == ':');
}
static bool is_word_char(int c) { return asm_is_alpha(c) || asm_is_digit(c) || c == '_'; }

void asm_skip_blank(Asm *A)
{
    while (A->pos < A->len && is_blank((unsigned char)A->src[A->pos])) A->pos++;
}

/* End of a statement: end of input, newline or a comment. */
bool asm_at_eol(const Asm *A)
{
    int c = asm_peek(A);
    return c < 0 || c == '\n' || c == '#' || c == ';';
}

/* `#N` (a pool index) is the one place '#' does not start a comment. */
static bool at_pool_ref(const Asm *A) { return asm_peek(A) == '#' && asm_is_digit(asm_peek_at(A, 1)); }

Token asm_token_from(const Asm *A, size_t start)
{
    Token t = { A->src + start, A->pos - start, A->line, asm_col_at(A, start) };
    return t;
}

bool asm_tok_is(const Token *t, const char *s) { return t->len == strlen(s) && memcmp(t->p, s, t->len) == 0; }

bool asm_tok_is_nocase(const Token *t, const char *s)
{
    return t->len == strlen(s) && strncasecmp(t->p, s, t->len) == 0;
}

/* Word of letters, digits, '_' (and '-' when asked). */
Token asm_lex_word(Asm *A, bool dash)
{
    size_t start = A->pos;
    while (is_word_char(asm_peek(A)) || (dash && asm_peek(A) == '-')) A->pos++;
    return asm_token_from(A, start);
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
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
            return false;
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
    if (asm_is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool put_utf8(ByteBuf *b, uint32_t cp)
{
    unsigned char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xc0 | (cp >> 6));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xe0 | (cp >> 12));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xf0 | (cp >> 18));
        n = 4;
    }
    for (size_t k = 1; k < n; k++) u[k] = (unsigned char)(0x80 | ((cp >> (6 * (n - 1 - k))) & 0x3f));
    return asm_buf_put(b, u, n);
}

/* One escape sequence after a backslash at the cursor. */
static int parse_escape(Asm *A, ByteBuf *b)
{
    uint32_t col = asm_col_at(A, A->pos);
    int e = asm_peek_at(A, 1);
    unsigned char v;
    switch (e) {
    case 'n': v = '\n'; break;
    case 't': v = '\t'; break;
    case 'r': v = '\r'; break;
    case '\\': v = '\\'; break;
    case '"': v = '"'; break;
    case '0': v = 0; break;
    case 'x': {
        int hi = hex_value(asm_peek_at(A, 2)), lo = hex_value(asm_peek_at(A, 3));
        if (hi < 0 || lo < 0) return asm_fail_at(A, A->line, col, "bad escape '\\x': expected two hex digits");
        A->pos += 4;
        return asm_buf_byte(b, (unsigned char)(hi * 16 + lo)) ? 0 : asm_oom(A);
    }
    case 'u': {
        if (asm_peek_at(A, 2) != '{') return asm_fail_at(A, A->line, col, "bad escape '\\u': expected '\\u{HEX}'");
        uint32_t cp = 0;
        size_t k = 3, digits = 0;
        while (hex_value(asm_peek_at(A, k)) >= 0 && digits < 7) {
            cp = cp * 16 + (uint32_t)hex_value(asm_peek_at(A, k));
            k++;
            digits++;
        }
        if (digits == 0 || digits > 6 || asm_peek_at(A, k) != '}')
            return asm_fail_at(A, A->line, col, "bad escape '\\u': expected 1 to 6 hex digits in braces");
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return asm_fail_at(A, A->line, col, "bad escape '\\u{%" PRIX32 "}': not a Unicode scalar value", cp);
        A->pos += k + 1;
        return put_utf8(b, cp) ? 0 : asm_oom(A);
    }
    default: {
        if (e < 0 || e == '\n') return asm_fail_at(A, A->line, col, "unterminated string (missing closing '\"')");
        char ec = (char)e;
        return asm_fail_at(A, A->line, col, "unknown escape '\\%s'", asm_show(A, &ec, 1));
    }
    }
    A->pos += 2;
    return asm_buf_byte(b, v) ? 0 : asm_oom(A);
}

/* A double-quoted string at the cursor, decoded into A->scratch. */
int asm_parse_string(Asm *A)
{
    uint32_t line = A->line, col = asm_col_at(A, A->pos);
    ByteBuf *b = &A->scratch;
    b->len = 0;
    A->pos++;
    for (;;) {
        int c = asm_peek(A);
        if (c < 0 || c == '\n') return asm_fail_at(A, line, col, "unterminated string (missing closing '\"')");
        if (c == '"') {
            A->pos++;
            break;
        }
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
        if (!asm_buf_put(b, A->src + start, A->pos - start)) return asm_oom(A);
    }
    if (!utf8_valid(b->data, b->len)) return asm_fail_at(A, line, col, "string is not valid UTF-8");
    return 0;
}

/* Checks a bare identifier: valid UTF-8 and short enough for a str16. */
static int check_name(Asm *A, const Token *t, const char *what)
{
    if (!utf8_valid((const unsigned char *)t->p, t->len)) return fail_tok(A, t, "%s is not valid UTF-8", what);
    if (t->len > MAX_U16) return fail_tok(A, t, "%s is longer than 65535 bytes", what);
    if (t->len && memchr(t->p, 0, t->len)) return fail_tok(A, t, "%s contains a NUL byte", what);
    return 0;
}

/* A name: a bare identifier (letters, digits, '_', '.', and ':' when
 * `colon`) or a double-quoted string.  The token may point into A->scratch:
 * copy it before parsing another string. */
int asm_parse_name(Asm *A, bool colon, const char *what, Token *t)
{
    size_t start = A->pos;
    int c = asm_peek(A);
    if (c == '"') {
        uint32_t line = A->line, col = asm_col_at(A, start);
        if (asm_parse_string(A) < 0) return -1;
        t->p = (const char *)A->scratch.data;
        t->len = A->scratch.len;
        t->line = line;
        t->col = col;
    } else if (is_ident_start(c)) {
        while (is_ident_char(asm_peek(A), colon)) A->pos++;
        *t = asm_token_from(A, start);
    } else {
        return fail_here(A, "expected %s, found %s", what, asm_show_here(A));
    }
    return check_name(A, t, what);
}

/* Decimal digits at the cursor (at least one). */
int asm_parse_u64(Asm *A, uint64_t max, const char *what, uint64_t *out)
{
    size_t start = A->pos;
    if (!asm_is_digit(asm_peek(A))) return fail_here(A, "expected %s (a number), found %s", what, asm_show_here(A));
    uint64_t v = 0;
    bool overflow = false;
    while (asm_is_digit(asm_peek(A))) {
        unsigned d = (unsigned)(asm_peek(A) - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = true;
        else
            v = v * 10 + d;
        A->pos++;
    }
    if (overflow || v > max) {
        Token t = asm_token_from(A, start);
        return fail_tok(A, &t, "%s %s out of range (0..%" PRIu64 ")", what, asm_show(A, t.p, t.len), max);
    }
    *out = v;
    return 0;
}

/* Decimal or 0x-hex u64 (for raw bit patterns). */
int asm_parse_u64_hex(Asm *A, const char *what, uint64_t *out)
{
    if (!(asm_peek(A) == '0' && (asm_peek_at(A, 1) == 'x' || asm_peek_at(A, 1) == 'X')))
        return asm_parse_u64(A, UINT64_MAX, what, out);
    size_t start = A->pos;
    A->pos += 2;
    uint64_t v = 0;
    size_t digits = 0;
    while (hex_value(asm_peek(A)) >= 0) {
        if (digits++ >= 16) {
            Token t = asm_token_from(A, start);
            return fail_tok(A, &t, "%s has more than 16 hex digits", what);
        }
        v = v * 16 + (uint64_t)hex_value(asm_peek(A));
        A->pos++;
    }
    if (!digits) return fail_here(A, "expected hex digits after '0x' in %s", what);
    *out = v;
    return 0;
}

int asm_parse_u32(Asm *A, uint32_t max, const char *what, uint32_t *out)
{
    uint64_t v;
    if (asm_parse_u64(A, max, what, &v) < 0) return -1;
    *out = (uint32_t)v;
    return 0;
}

/* "KEY=" of an attribute. */
int asm_parse_attr_key(Asm *A, Token *key)
{
    *key = asm_lex_word(A, false);
    if (key->len == 0 || asm_peek(A) != '=') {
        A->pos -= key->len;
        return fail_here(A, "expected an attribute KEY=VALUE, found %s", asm_show_here(A));
    }
    A->pos++;
    return 0;
}

/* After an attribute value: a blank or the end of the statement. */
int asm_end_of_value(Asm *A)
{
    if (asm_at_eol(A) || is_blank(asm_peek(A))) return 0;
    return fail_here(A, "unexpected %s after attribute value", asm_show_here(A));
}

/* Optional blanks, then ',' continues a list; anything else ends it and
 * leaves the cursor where the list ended. */
bool asm_list_continues(Asm *A)
{
    size_t save = A->pos;
    asm_skip_blank(A);
    if (asm_peek(A) == ',') {
        A->pos++;
        asm_skip_blank(A);
        return true;
    }
    A->pos = save;
    return false;
}

int asm_expect_char(Asm *A, char want, const char *context)
{
    asm_skip_blank(A);
    if (asm_peek(A) != (unsigned char)want)
        return fail_here(A, "expected '%c' %s, found %s", want, context, asm_show_here(A));
    A->pos++;
    return 0;
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
    return asm_index_find(A, &A->label_index, asm_fold32(asm_fnv1a(0xcbf29ce484222325ull, p, len)), label_eq_cb, &t);
}

static int define_label(Asm *A, const Token *t, uint32_t target)
{
    if (!A->in_func) return fail_tok(A, t, "label '%s' outside a function", asm_show(A, t->p, t->len));
    if (label_find(A, t->p, t->len) != NOT_FOUND)
        return fail_tok(A, t, "duplicate label '%s' in function '%s'", asm_show(A, t->p, t->len),
                        asm_show_str(A, &A->fn.name));
    if (A->fn.label_count == MAX_U16)
        return fail_tok(A, t, "too many labels in function '%s' (at most 65535)", asm_show_str(A, &A->fn.name));
    StfLabel *l = asm_grow(A->fn.labels, &A->label_cap, A->fn.label_count, sizeof *l);
    if (!l) return asm_oom(A);
    A->fn.labels = l;
    uint32_t i = A->fn.label_count;
    if (!stf_str_dup(&l[i].name, t->p, t->len)) return asm_oom(A);
    l[i].target = target;
    A->fn.label_count++;
    if (!asm_index_add(&A->label_index, asm_fold32(asm_fnv1a(0xcbf29ce484222325ull, t->p, t->len)), i))
        return asm_oom(A);
    return 0;
}

/* ---- instructions ---------------------------------------------------------- */

enum { OPD_REG, OPD_OFF, OPD_CONST, OPD_SLOT, OPD_LABEL, OPD_NAME };

static const struct {
    uint8_t count;
    uint8_t kind[3];
} layouts[] = {
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
    int c = asm_peek(A);
    if ((c == 'r' || c == 'R') && asm_is_digit(asm_peek_at(A, 1))) {
        A->pos++;
        uint64_t v = 0;
        bool big = false;
        while (asm_is_digit(asm_peek(A))) {
            v = v * 10 + (uint64_t)(asm_peek(A) - '0');
            if (v > MAX_REGISTER) {
                big = true;
                v = MAX_REGISTER + 1;
            }
            A->pos++;
        }
        if (!is_ident_char(asm_peek(A), true)) {
            Token t = asm_token_from(A, start);
            if (big) return fail_tok(A, &t, "register %s out of range (r0..r65535)", asm_show(A, t.p, t.len));
            *r = (uint32_t)v;
            return 0;
        }
        A->pos = start;
    }
    return fail_here(A, "expected a register (r0..r65535), found %s", asm_show_here(A));
}

static int parse_offset(Asm *A, int32_t *off)
{
    size_t start = A->pos;
    bool neg = asm_peek(A) == '-';
    if (neg) A->pos++;
    if (!asm_is_digit(asm_peek(A))) {
        A->pos = start;
        return fail_here(A, "expected a stack offset (a signed number), found %s", asm_show_here(A));
    }
    uint64_t mag = 0;
    while (asm_is_digit(asm_peek(A))) {
        mag = mag * 10 + (uint64_t)(asm_peek(A) - '0');
        if (mag > (uint64_t)INT32_MAX + 1) mag = (uint64_t)INT32_MAX + 2; /* saturate: out of range */
        A->pos++;
    }
    if (mag > (uint64_t)INT32_MAX + (neg ? 1u : 0u)) {
        Token t = asm_token_from(A, start);
        return fail_tok(A, &t, "stack offset %s out of range (-2147483648..2147483647)", asm_show(A, t.p, t.len));
    }
    *off = neg ? (int32_t)(-(int64_t)mag) : (int32_t)mag;
    return 0;
}

/* Moves to operand `index` of `total`: the separating ',' and the operand
 * must be there. */
static int begin_operand(Asm *A, const char *mn, unsigned index, unsigned total, bool pool_ref_ok)
{
    asm_skip_blank(A);
    if (index > 0) {
        if (asm_peek(A) == ',') {
            A->pos++;
            asm_skip_blank(A);
        } else if (!asm_at_eol(A)) {
            return fail_here(A, "expected ',' after operand %u of %s, found %s", index, mn, asm_show_here(A));
        }
    }
    if (asm_at_eol(A) && !(pool_ref_ok && at_pool_ref(A)))
        return fail_here(A, "%s expects %u operand%s, got %u", mn, total, total == 1 ? "" : "s", index);
    return 0;
}

static int parse_pool_ref(Asm *A, uint32_t *idx)
{
    size_t start = A->pos;
    A->pos++; /* '#' */
    uint64_t n;
    if (asm_parse_u64(A, UINT64_MAX, "constant index", &n) < 0) return -1;
    if (n >= A->prog.const_count) {
        Token t = asm_token_from(A, start);
        return fail_tok(A, &t, "constant %s out of range (the pool has %" PRIu32 " entr%s)", asm_show(A, t.p, t.len),
                        A->prog.const_count, A->prog.const_count == 1 ? "y" : "ies");
    }
    *idx = (uint32_t)n;
    return 0;
}

static int push_instr(Asm *A, const StfInstr *in, uint32_t operand_col)
{
    StfInstr *v = asm_grow(A->fn.instrs, &A->instr_cap, A->fn.instr_count, sizeof *v);
    if (!v) return asm_oom(A);
    A->fn.instrs = v;
    uint32_t *cols = asm_grow(A->operand_cols, &A->operand_cols_cap, A->fn.instr_count, sizeof *cols);
    if (!cols) return asm_oom(A);
    A->operand_cols = cols;
    cols[A->fn.instr_count] = operand_col;
    v[A->fn.instr_count++] = *in;
    return 0;
}

static int instruction(Asm *A, const Token *m)
{
    int op = stf_op_lookup(m->p, m->len);
    if (op < 0) return fail_tok(A, m, "unknown mnemonic '%s'", asm_show(A, m->p, m->len));
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
            if (asm_parse_u64(A, UINT32_MAX, "spill slot", &v) < 0) return -1;
            *fields[i] = (uint32_t)v;
            break;
        case OPD_CONST:
            if (at_pool_ref(A)) {
                if (parse_pool_ref(A, fields[i]) < 0) return -1;
            } else {
                StfConst k;
                if (asm_parse_literal(A, &k) < 0 || asm_pool_intern(A, &k, fields[i]) < 0) return -1;
            }
            break;
        default: /* label or function name */
            operand_col = asm_col_at(A, A->pos);
            if (asm_parse_name(A, true, kind == OPD_LABEL ? "a label name" : "a function name", &t) < 0) return -1;
            if (!stf_str_dup(&in.name, t.p, t.len)) return asm_oom(A);
            break;
        }
    }
    asm_skip_blank(A);
    if (asm_peek(A) == ',' || (total == 0 && !asm_at_eol(A))) {
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
    StfStr *v = asm_grow(*list, cap, *count, sizeof *v);
    if (!v) return asm_oom(A);
    *list = v;
    if (!stf_str_dup(&v[*count], t->p, t->len)) return asm_oom(A);
    (*count)++;
    return 0;
}

/* params=NAME[:TYPE],... ; typed names need no ':' in bare form */
static int parse_params(Asm *A)
{
    bool any_typed = false, any_untyped = false;
    do {
        Token t;
        if (asm_parse_name(A, false, "a parameter name", &t) < 0 ||
            push_name16(A, &A->fn.params, &A->fn.param_count, &A->param_cap, &t, "parameters") < 0)
            return -1;
        bool typed = asm_peek(A) == ':';
        if (typed) {
            A->pos++;
            if (asm_parse_type(A, &A->ptypes, 0) < 0) return -1;
        }
        if ((typed && any_untyped) || (!typed && any_typed))
            return fail_tok(A, &t, "parameter '%s' %s: give every parameter a type or none", asm_show(A, t.p, t.len),
                            typed ? "has a type but earlier ones do not" : "has no type");
        any_typed |= typed;
        any_untyped |= !typed;
    } while (asm_list_continues(A));
    return 0;
}

static int parse_upvalues(Asm *A)
{
    do {
        Token t;
        if (asm_parse_name(A, true, "an upvalue name", &t) < 0 ||
            push_name16(A, &A->fn.upvalues, &A->fn.upvalue_count, &A->upvalue_cap, &t, "upvalues") < 0)
            return -1;
    } while (asm_list_continues(A));
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
                        asm_show_str(A, &A->fn.name), A->fn.line);
    asm_skip_blank(A);
    Token name;
    if (asm_parse_name(A, true, "a function name", &name) < 0) return -1;
    if (asm_peek(A) == '=') return fail_tok(A, &name, "expected a function name before the attributes");
    reset_function_state(A);
    A->in_func = true;
    A->fn.line = d->line;
    A->fn_col = d->col;
    if (!stf_str_dup(&A->fn.name, name.p, name.len)) return asm_oom(A);
    if (asm_end_of_value(A) < 0) return -1;

    unsigned seen = 0;
    uint64_t parent_flag = 0;
    for (asm_skip_blank(A); !asm_at_eol(A); asm_skip_blank(A)) {
        Token key;
        if (asm_parse_attr_key(A, &key) < 0) return -1;
        unsigned bit = 0;
        for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
            if (asm_tok_is(&key, names[i])) bit = 1u << i;
        if (!bit)
            return fail_tok(A, &key,
                            "unknown .function attribute '%s' (expected regs, params, upvalues, "
                            "parent, parent_flag or returns)",
                            asm_show(A, key.p, key.len));
        if (seen & bit) return fail_tok(A, &key, "duplicate attribute '%s'", asm_show(A, key.p, key.len));
        seen |= bit;
        uint64_t v;
        Token t;
        switch (bit) {
        case A_REGS:
            if (asm_parse_u64(A, MAX_U16, "register count", &v) < 0) return -1;
            A->fn.register_count = (uint16_t)v;
            A->regs_given = true;
            break;
        case A_PARAMS:
            if (parse_params(A) < 0) return -1;
            break;
        case A_UPVALUES:
            if (parse_upvalues(A) < 0) return -1;
            break;
        case A_PARENT:
            if (asm_parse_name(A, true, "a parent function name", &t) < 0) return -1;
            if (!stf_str_dup(&A->fn.parent, t.p, t.len)) return asm_oom(A);
            break;
        case A_PARENT_FLAG:
            if (asm_parse_u64(A, 255, "parent flag", &parent_flag) < 0) return -1;
            break;
        default:
            if (asm_parse_type(A, &A->rtype, 0) < 0) return -1;
            break;
        }
        if (asm_end_of_value(A) < 0) return -1;
    }
    /* parent=NAME means flag 1; parent_flag= alone keeps an odd raw byte */
    if (seen & A_PARENT) {
        if ((seen & A_PARENT_FLAG) && parent_flag != 1)
            return asm_fail_at(A, d->line, d->col, "parent= needs parent_flag=1 (or no parent_flag)");
        A->fn.parent_flag = 1;
    } else {
        if (parent_flag == 1) return asm_fail_at(A, d->line, d->col, "parent_flag=1 needs parent=NAME");
        A->fn.parent_flag = (uint8_t)parent_flag;
    }
    return 0;
}

/* Detaches an encoded type buffer as a malloc'd byte array. */
static int take_types(Asm *A, ByteBuf *b, uint8_t **out, uint32_t *out_len)
{
    if (b->len > UINT32_MAX) return fail_here(A, "function types too large");
    uint8_t *p = malloc(b->len ? b->len : 1);
    if (!p) return asm_oom(A);
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
        return asm_oom(A);
    }
    int rc = 0;
    for (uint32_t k = 0; k < A->label_order_count && rc == 0; k++) {
        const NameRef *r = &A->label_order[k];
        uint32_t idx = label_find(A, r->name.s, r->name.len);
        if (idx == NOT_FOUND)
            rc = asm_fail_at(A, r->line, r->col, "label '%s' in .label_order is not defined in function '%s'",
                             asm_show_str(A, &r->name), A->fn.name.s);
        else if (used[idx])
            rc = asm_fail_at(A, r->line, r->col, "label '%s' is listed twice in .label_order",
                             asm_show_str(A, &r->name));
        else {
            used[idx] = true;
            ordered[k] = A->fn.labels[idx];
        }
    }
    for (uint32_t i = 0; i < n && rc == 0; i++)
        if (!used[i])
            rc = asm_fail_at(A, A->label_order_line, A->label_order_col, "label '%s' is missing from .label_order",
                             asm_show_str(A, &A->fn.labels[i].name));
    if (rc == 0) {
        memcpy(A->fn.labels, ordered, (size_t)n * sizeof *ordered);
        /* the hash index maps to old positions; rebuild it */
        index_clear(&A->label_index);
        for (uint32_t i = 0; i < n && rc == 0; i++) {
            const StfStr *s = &A->fn.labels[i].name;
            if (!asm_index_add(&A->label_index, asm_fold32(asm_fnv1a(0xcbf29ce484222325ull, s->s, s->len)), i))
                rc = asm_oom(A);
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
            return asm_fail_at(A, in->line, A->operand_cols[i], "unknown label '%s' in function '%s'",
                               asm_show_str(A, &in->name), asm_show_str(A, &f->name));
    }
    if (!A->regs_given) {
        f->register_count = 0;
        uint32_t need = stf_function_frame_size(f); /* max(1, params, highest register + 1) */
        if (need > MAX_U16)
            return asm_fail_at(A, f->line, A->fn_col,
                               "function '%s' needs %" PRIu32 " registers; at most 65535 "
                               "fit (use registers below r65535)",
                               asm_show_str(A, &f->name), need);
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
                if (!asm_buf_byte(&A->ptypes, FTYPE_UNKNOWN)) return asm_oom(A);
            if (take_types(A, &A->ptypes, &f->param_types, &f->param_types_len) < 0) return -1;
        }
    }
    StfFunction *v = asm_grow(A->prog.funcs, &A->func_cap, A->prog.func_count, sizeof *v);
    if (!v) return asm_oom(A);
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
    asm_skip_blank(A);
    do {
        Token t;
        if (asm_parse_name(A, true, "a label name", &t) < 0) return -1;
        NameRef *v = asm_grow(A->label_order, &A->label_order_cap, A->label_order_count, sizeof *v);
        if (!v) return asm_oom(A);
        A->label_order = v;
        if (!stf_str_dup(&v[A->label_order_count].name, t.p, t.len)) return asm_oom(A);
        v[A->label_order_count].line = t.line;
        v[A->label_order_count].col = t.col;
        A->label_order_count++;
    } while (asm_list_continues(A));
    return 0;
}

/* .label NAME TARGET: a label with an explicit instruction index. */
static int dir_label(Asm *A, const Token *d)
{
    if (!A->in_func) return fail_tok(A, d, ".label outside a function");
    asm_skip_blank(A);
    Token t;
    uint32_t target;
    if (asm_parse_name(A, true, "a label name", &t) < 0) return -1;
    /* t may point into the scratch buffer; parsing a number leaves it intact */
    asm_skip_blank(A);
    if (asm_parse_u32(A, UINT32_MAX, "label target", &target) < 0) return -1;
    return define_label(A, &t, target);
}

/* ---- directives -------------------------------------------------------------- */

/* The top-level ones (.version, .const, .backend, .curve, .client,
 * .preprocessing) are in asm_directives.c. */
static int directive(Asm *A)
{
    static const struct {
        const char *name;
        int (*fn)(Asm *, const Token *);
    } dirs[] = {
        { ".function", dir_function },       { ".end", dir_end },
        { ".const", asm_dir_const },         { ".version", asm_dir_version },
        { ".label_order", dir_label_order }, { ".label", dir_label },
        { ".backend", asm_dir_backend },     { ".curve", asm_dir_curve },
        { ".client", asm_dir_client },       { ".preprocessing", asm_dir_preprocessing },
    };
    size_t start = A->pos;
    A->pos++; /* '.' */
    asm_lex_word(A, false);
    Token d = asm_token_from(A, start);
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (asm_tok_is(&d, dirs[i].name)) return dirs[i].fn(A, &d);
    return fail_tok(A, &d, "unknown directive '%s'", asm_show(A, d.p, d.len));
}

/* ---- lines ---------------------------------------------------------------------- */

/* LINE := { LABEL ':' } [ INSTRUCTION | DIRECTIVE ] [ COMMENT ] */
static int parse_line(Asm *A)
{
    asm_skip_blank(A);
    while (!asm_at_eol(A)) {
        int c = asm_peek(A);
        if (c == '.') {
            if (directive(A) < 0) return -1;
            break;
        }
        Token t;
        if (c == '"') { /* "quoted label": */
            if (asm_parse_name(A, true, "a label name", &t) < 0) return -1;
            if (asm_peek(A) != ':') return fail_here(A, "expected ':' after the quoted label name");
            A->pos++;
            if (define_label(A, &t, A->fn.instr_count) < 0) return -1;
            asm_skip_blank(A);
            continue;
        }
        if (!is_ident_start(c))
            return fail_here(A, "unexpected %s (expected a label, an instruction or a directive)", asm_show_here(A));
        size_t start = A->pos;
        while (is_ident_char(asm_peek(A), true)) A->pos++;
        t = asm_token_from(A, start);
        if (t.p[t.len - 1] != ':') {
            if (instruction(A, &t) < 0) return -1;
            break;
        }
        t.len--; /* label: the last ':' ends it */
        if (check_name(A, &t, "label name") < 0 || define_label(A, &t, A->fn.instr_count) < 0) return -1;
        asm_skip_blank(A);
    }
    asm_skip_blank(A);
    if (!asm_at_eol(A)) return fail_here(A, "unexpected %s at end of statement", asm_show_here(A));
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
    reset_function_state(A); /* frees label_order names */
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
        rc = asm_fail_at(&A, A.fn.line, A.fn_col, "missing .end for function '%s' (reached end of input)",
                         asm_show_str(&A, &A.fn.name));
    }
    if (rc == 0 && !out) rc = asm_fail_at(&A, 1, 1, "no output program given");
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
