/* format.h: growable text buffers and the text forms of values.
 *
 *   fmt_debug   Rust-style debug text (spec/vm-core.md §1.9): 42, 42i32,
 *               1.5f64, "text", Object(3), Array(3), Function(f), ...
 *   fmt_print   what `print` / `to_string` show for one argument (§7.3):
 *               strings raw, arrays/objects expanded (16 items, depth 3).
 *   fmt_result  the CLI's `Program returned: <text>` form (§12): plain
 *               numbers, quoted strings, byte arrays as byte[N] 0x..,
 *               containers expanded (64 items, depth 4). */
#ifndef STOFFEL_FORMAT_H
#define STOFFEL_FORMAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "value.h"

typedef struct {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    bool oom; /* an append failed; contents truncated */
} StrBuf;

void sb_init(StrBuf *b);
void sb_free(StrBuf *b);
void sb_reset(StrBuf *b);
void sb_append(StrBuf *b, const char *s, size_t len);
void sb_puts(StrBuf *b, const char *s);
void sb_putc(StrBuf *b, char c);
void sb_printf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keeps the first len bytes (nothing if it holds fewer). */
void sb_truncate(StrBuf *b, size_t len);
/* Detach the buffer (caller frees with free()); "" if empty; NULL on oom. */
char *sb_take(StrBuf *b);

/* Shortest decimal that round-trips, positional notation, no exponent, no
 * trailing ".0" (Rust Display for f64): 1, 1.5, -0, 0.30000000000000004,
 * 100000000000000000000, 0.0000001, NaN, inf, -inf. */
void fmt_float(StrBuf *b, double x);

/* The print / to_string text of an integer value (digits, then the type
 * suffix unless I64) written to out without a NUL; returns its length. */
#define FMT_INT_MAX 32
size_t fmt_int_print(char out[FMT_INT_MAX], Value v);

void fmt_debug(StrBuf *b, Value v);
void fmt_print(StrBuf *b, Value v);
void fmt_result(StrBuf *b, Value v);

/* The closest of `n` candidate names to `name` by edit distance (a swap of
 * two neighbours counts 1), or NULL when none is close enough to be a
 * useful "did you mean" (1 edit for names up to 3 characters, 2 up to 6,
 * else 3). */
const char *fmt_suggest(const char *name, const char *const *cands, size_t n);

#endif
