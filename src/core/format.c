/* format.c: text buffers and the three text forms of values (format.h).
 *
 * Containers: arrays show their positional elements 0..len-1 only (holes as
 * `()`); extra non-positional keys (strings, narrow-int keys...) are not
 * shown, as upstream's formatters read only indices below the length.
 * Objects show their fields in insertion order (upstream uses hash-map
 * order, which is unspecified; ours is deterministic). */
#include "format.h"

#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

/* ---- StrBuf --------------------------------------------------------------- */

void sb_init(StrBuf *b) { memset(b, 0, sizeof *b); }

void sb_free(StrBuf *b)
{
    free(b->data);
    sb_init(b);
}

void sb_reset(StrBuf *b)
{
    b->len = 0;
    b->oom = false;
    if (b->data) b->data[0] = '\0';
}

static bool sb_grow(StrBuf *b, size_t extra)
{
    if (b->oom) return false;
    if (extra > SIZE_MAX - b->len - 1) {
        b->oom = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void sb_append(StrBuf *b, const char *s, size_t len)
{
    if (!sb_grow(b, len)) return;
    if (len) memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void sb_truncate(StrBuf *b, size_t len)
{
    if (len >= b->len) return;
    b->len = len;
    b->data[len] = '\0';
}

void sb_puts(StrBuf *b, const char *s) { sb_append(b, s, strlen(s)); }

void sb_putc(StrBuf *b, char c) { sb_append(b, &c, 1); }

void sb_printf(StrBuf *b, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        sb_append(b, small, (size_t)n);
        return;
    }
    if (!sb_grow(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *sb_take(StrBuf *b)
{
    if (b->oom) {
        sb_free(b);
        return NULL;
    }
    char *p = b->data;
    if (!p) p = calloc(1, 1);
    sb_init(b);
    return p;
}

/* ---- floats --------------------------------------------------------------- */

/* Split "%.*e" output "d.ddde[+-]x" into its digits (no dot) and exponent. */
static void split_sci(const char *s, char *digits, int *ndigits, int *exp10)
{
    int n = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9') digits[n++] = *s;
    digits[n] = '\0';
    *ndigits = n;
    *exp10 = *s == 'e' ? atoi(s + 1) : 0;
}

static bool round_trips(const char *digits, int exp10, int ndigits, double x)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%se%d", digits, exp10 - (ndigits - 1));
    return strtod(buf, NULL) == x;
}

/* Correctly rounded digits of x with prec+1 significant digits. */
static bool rounded_digits(double x, int prec, char *digits, int *nd, int *e)
{
    char sci[48];
    snprintf(sci, sizeof sci, "%.*e", prec, x);
    split_sci(sci, digits, nd, e);
    return round_trips(digits, *e, *nd, x);
}

/* Shortest digit string d1..dn and exponent e with x == d1.d2..dn * 10^e
 * after rounding (x finite and > 0); among the shortest, the closest to x.
 * Round-tripping of the correctly rounded string is monotonic in the
 * length, so a binary search finds the shortest one.  Only at a power of
 * two is the rounding interval asymmetric (the gap below is half the gap
 * above): there the neighbour above a shorter correctly rounded string may
 * round-trip although that string does not, so those are tried too. */
static void shortest_digits(double x, char *out, int *nout, int *exp10)
{
    char digits[24];
    int nd, e, lo = 0, hi = 16;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (rounded_digits(x, mid, digits, &nd, &e))
            hi = mid;
        else
            lo = mid + 1;
    }
    int m2;
    if (frexp(x, &m2) == 0.5) {
        for (int prec = 0; prec < lo; prec++) {
            rounded_digits(x, prec, digits, &nd, &e);
            /* nd <= 17 digits fit in a uint64; q is the last digit's power. */
            uint64_t m = strtoull(digits, NULL, 10);
            int q = e - (nd - 1);
            char buf[48];
            snprintf(buf, sizeof buf, "%se%d", digits, q);
            if (strtod(buf, NULL) > x) continue; /* neighbour would be below */
            char altd[24];
            int an = snprintf(altd, sizeof altd, "%" PRIu64, m + 1);
            int ae = q + an - 1; /* 999+1 adds a digit */
            if (round_trips(altd, ae, an, x)) {
                memcpy(out, altd, (size_t)an + 1);
                *nout = an;
                *exp10 = ae;
                return;
            }
        }
    }
    rounded_digits(x, lo, out, nout, exp10);
}

void fmt_float(StrBuf *b, double x)
{
    if (isnan(x)) {
        sb_puts(b, "NaN");
        return;
    }
    if (signbit(x)) sb_putc(b, '-');
    if (isinf(x)) {
        sb_puts(b, "inf");
        return;
    }
    x = fabs(x);
    if (x == 0.0) {
        sb_putc(b, '0');
        return;
    }
    char digits[24];
    int n, e;
    shortest_digits(x, digits, &n, &e);
    while (n > 1 && digits[n - 1] == '0') digits[--n] = '\0';
    if (e >= n - 1) { /* integral: digits then zeros */
        sb_append(b, digits, (size_t)n);
        for (int i = 0; i < e - (n - 1); i++) sb_putc(b, '0');
    } else if (e >= 0) { /* point inside the digits */
        sb_append(b, digits, (size_t)e + 1);
        sb_putc(b, '.');
        sb_append(b, digits + e + 1, (size_t)(n - e - 1));
    } else { /* 0.000ddd */
        sb_puts(b, "0.");
        for (int i = 0; i < -e - 1; i++) sb_putc(b, '0');
        sb_append(b, digits, (size_t)n);
    }
}

/* ---- scalars ---------------------------------------------------------------- */

static const char *int_suffix(ValueType t)
{
    switch (t) {
    case VT_I32: return "i32";
    case VT_I16: return "i16";
    case VT_I8: return "i8";
    case VT_U8: return "u8";
    case VT_U16: return "u16";
    case VT_U32: return "u32";
    case VT_U64: return "u64";
    default: return "";
    }
}

/* Digits of an integer value, written backwards ending at `end`; returns
 * the first character.  Two digits per division: to_string and print of
 * integers are hot in string-building code. */
static char *int_digits(char *end, Value v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    char *p = end;
    bool neg = val_is_signed(v) && v.as.i < 0;
    uint64_t mag = neg ? (uint64_t)0 - (uint64_t)v.as.i : v.as.u;
    while (mag >= 100) {
        unsigned two = (unsigned)(mag % 100) * 2;
        mag /= 100;
        *--p = pairs[two + 1];
        *--p = pairs[two];
    }
    if (mag >= 10) {
        unsigned two = (unsigned)mag * 2;
        *--p = pairs[two + 1];
        *--p = pairs[two];
    } else {
        *--p = (char)('0' + mag);
    }
    if (neg) *--p = '-';
    return p;
}

static void fmt_int(StrBuf *b, Value v)
{
    char digits[24];
    char *p = int_digits(digits + sizeof digits, v);
    sb_append(b, p, (size_t)(digits + sizeof digits - p));
}

size_t fmt_int_print(char out[FMT_INT_MAX], Value v)
{
    char digits[24];
    char *p = int_digits(digits + sizeof digits, v);
    size_t n = (size_t)(digits + sizeof digits - p);
    memcpy(out, p, n);
    const char *suffix = int_suffix((ValueType)v.type);
    size_t k = strlen(suffix);
    memcpy(out + n, suffix, k);
    return n + k;
}

/* Rust Debug of the share type: SecretInt { bit_length: 64 } etc. */
static void fmt_share_type(StrBuf *b, const StShare *s)
{
    switch (s->share_kind) {
    case 1:
        sb_printf(b,
                  "SecretFixedPoint { precision: FixedPointPrecision { total_bits: %" PRIu32
                  ", fractional_bits: %" PRIu32 " } }",
                  s->bits, s->frac);
        break;
    case 2: sb_printf(b, "SecretUInt { bit_length: %" PRIu32 " }", s->bits); break;
    default: sb_printf(b, "SecretInt { bit_length: %" PRIu32 " }", s->bits); break;
    }
}

/* Forms shared by the debug and plain formatters. */
static bool fmt_common(StrBuf *b, Value v)
{
    switch (v.type) {
    case VT_UNIT: sb_puts(b, "()"); return true;
    case VT_BOOL: sb_puts(b, v.as.b ? "true" : "false"); return true;
    case VT_OBJECT: sb_printf(b, "Object(%" PRIu64 ")", v.as.obj->id); return true;
    case VT_ARRAY: sb_printf(b, "Array(%" PRIu64 ")", v.as.arr->id); return true;
    case VT_FOREIGN: sb_printf(b, "Foreign(%" PRIu64 ")", v.as.foreign->id); return true;
    case VT_CLOSURE:
        sb_puts(b, "Function(");
        sb_append(b, v.as.closure->fname->chars, v.as.closure->fname->len);
        sb_putc(b, ')');
        return true;
    case VT_SHARE:
        sb_puts(b, "Share(");
        fmt_share_type(b, v.as.share);
        sb_putc(b, ')');
        return true;
    default: return false;
    }
}

static void fmt_quoted(StrBuf *b, const StString *s)
{
    sb_putc(b, '"');
    sb_append(b, s->chars, s->len);
    sb_putc(b, '"');
}

void fmt_debug(StrBuf *b, Value v)
{
    if (val_is_int(v)) {
        fmt_int(b, v);
        sb_puts(b, int_suffix((ValueType)v.type));
    } else if (v.type == VT_FLOAT) {
        fmt_float(b, v.as.f);
        sb_puts(b, "f64");
    } else if (v.type == VT_STRING) {
        fmt_quoted(b, v.as.str);
    } else if (!fmt_common(b, v)) {
        sb_puts(b, "<unknown>");
    }
}

/* ---- containers ------------------------------------------------------------- */

/* Containers being printed (cycle detection).  Nesting is bounded by the
 * formatter depth (<= 4), plus one for a container printed at depth 0. */
#define MAX_ACTIVE 8

typedef struct {
    const void *active[MAX_ACTIVE];
    int nactive;
    bool plain;    /* fmt_result rules, else fmt_print rules */
    int64_t limit; /* items shown per container */
} Fmt;

static bool fmt_enter(Fmt *f, StrBuf *b, Value v)
{
    const void *p = v.as.gc;
    for (int i = 0; i < f->nactive; i++) {
        if (f->active[i] == p) {
            fmt_common(b, v);
            sb_puts(b, " <cycle>");
            return false;
        }
    }
    f->active[f->nactive++] = p;
    return true;
}

static void fmt_value(Fmt *f, StrBuf *b, Value v, int depth);

static void fmt_array(Fmt *f, StrBuf *b, const StArray *a, int depth)
{
    if (depth == 0) {
        sb_printf(b, "[...%" PRId64 " elements]", a->len);
        return;
    }
    int64_t shown = a->len < f->limit ? a->len : f->limit;
    sb_putc(b, '[');
    for (int64_t i = 0; i < shown; i++) {
        if (i) sb_puts(b, ", ");
        fmt_value(f, b, array_get_index(a, i), depth - 1);
    }
    if (a->len > shown) sb_printf(b, ", ...(%" PRId64 " more)", a->len - shown);
    sb_putc(b, ']');
}

static void fmt_object(Fmt *f, StrBuf *b, const StObject *o, int depth)
{
    if (depth == 0) {
        sb_printf(b, "{...%" PRIu32 " fields}", o->fields.count);
        return;
    }
    sb_putc(b, '{');
    uint32_t it = 0, n = 0;
    const TableEntry *e;
    while (n < f->limit && table_next(&o->fields, &it, &e)) {
        if (n++) sb_puts(b, ", ");
        if (f->plain) {
            /* Keys use the same formatter (strings quoted). */
            fmt_value(f, b, e->key, depth - 1);
        } else if (e->key.type == VT_STRING) {
            sb_append(b, e->key.as.str->chars, e->key.as.str->len);
        } else {
            /* Upstream formats other keys like values at depth 0: scalars
             * as debug text, containers as their summaries. */
            fmt_value(f, b, e->key, 0);
        }
        sb_puts(b, ": ");
        fmt_value(f, b, e->value, depth - 1);
    }
    /* Upstream's result formatter silently drops fields past 64; both of
     * ours say how many were left out, as print does. */
    if (o->fields.count > n) sb_printf(b, ", ...(%" PRIu32 " more)", o->fields.count - n);
    sb_putc(b, '}');
}

static void fmt_value(Fmt *f, StrBuf *b, Value v, int depth)
{
    if (v.type == VT_ARRAY || v.type == VT_OBJECT) {
        if (!fmt_enter(f, b, v)) return;
        if (v.type == VT_ARRAY)
            fmt_array(f, b, v.as.arr, depth);
        else
            fmt_object(f, b, v.as.obj, depth);
        f->nactive--;
        return;
    }
    if (!f->plain) {
        if (v.type == VT_STRING)
            sb_append(b, v.as.str->chars, v.as.str->len);
        else
            fmt_debug(b, v);
        return;
    }
    if (val_is_int(v))
        fmt_int(b, v);
    else if (v.type == VT_FLOAT)
        fmt_float(b, v.as.f);
    else if (v.type == VT_STRING)
        fmt_quoted(b, v.as.str);
    else if (!fmt_common(b, v))
        sb_puts(b, "<unknown>");
}

void fmt_print(StrBuf *b, Value v)
{
    Fmt f = { .nactive = 0, .plain = false, .limit = 16 };
    fmt_value(&f, b, v, 3);
}

/* A non-empty array of U8 only (no holes).  More positions than stored
 * elements means a hole, so the scan is bounded by the array's memory. */
static bool is_byte_array(const StArray *a)
{
    if (a->len <= 0 || a->len > (int64_t)a->dlen + (int64_t)a->extra.count) return false;
    for (int64_t i = 0; i < a->len; i++)
        if (array_get_index(a, i).type != VT_U8) return false;
    return true;
}

void fmt_result(StrBuf *b, Value v)
{
    if (v.type == VT_ARRAY && is_byte_array(v.as.arr)) {
        const StArray *a = v.as.arr;
        sb_printf(b, "byte[%" PRId64 "] 0x", a->len);
        uint8_t bytes[64];
        char hex[2 * sizeof bytes + 1];
        for (int64_t i = 0; i < a->len;) {
            size_t k = 0;
            for (; k < sizeof bytes && i < a->len; k++, i++) bytes[k] = (uint8_t)array_get_index(a, i).as.u;
            sb_append(b, sodium_bin2hex(hex, sizeof hex, bytes, k), 2 * k);
        }
        return;
    }
    Fmt f = { .nactive = 0, .plain = true, .limit = 64 };
    fmt_value(&f, b, v, 4);
}

/* ---- "did you mean" ------------------------------------------------------------ */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 99;
    /* optimal string alignment: a swap of two neighbours costs 1 */
    size_t m[65][65];
    for (size_t i = 0; i <= la; i++) m[i][0] = i;
    for (size_t j = 0; j <= lb; j++) m[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t best = m[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (m[i - 1][j] + 1 < best) best = m[i - 1][j] + 1;
            if (m[i][j - 1] + 1 < best) best = m[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && m[i - 2][j - 2] + 1 < best)
                best = m[i - 2][j - 2] + 1;
            m[i][j] = best;
        }
    return m[la][lb];
}

const char *fmt_suggest(const char *name, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bestd = 99, len = strlen(name);
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i] || strcmp(cands[i], name) == 0) continue;
        size_t dd = edit_distance(name, cands[i]);
        if (dd < bestd) {
            bestd = dd;
            best = cands[i];
        }
    }
    return bestd <= limit ? best : NULL;
}
