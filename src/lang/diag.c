/* diag.c: error text with the source line and a caret; "did you mean". */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/format.h"

void diag_error(Diag *d, int line, int col, const char *fmt, ...)
{
    StrBuf b;
    sb_init(&b);
    sb_printf(&b, "%s:%d:%d: error: ", d->file ? d->file : "<input>", line, col);
    va_list ap;
    va_start(ap, fmt);
    char tmp[1024];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_puts(&b, tmp);
    sb_putc(&b, '\n');
    /* Quote the line (printable bytes only) with a caret under the column. */
    const char *p = d->src, *end = d->src + d->len;
    for (int l = 1; p && p < end && l < line; p++)
        if (*p == '\n') l++;
    if (p && p <= end && line >= 1) {
        const char *e = p;
        while (e < end && *e != '\n' && e - p < 200) e++;
        sb_puts(&b, "  ");
        for (const char *q = p; q < e; q++) sb_putc(&b, (*q >= 32 && *q < 127) ? *q : ' ');
        sb_puts(&b, "\n  ");
        for (int i = 1; i < col && i < 200; i++) sb_putc(&b, ' ');
        sb_puts(&b, "^\n");
    }
    free(d->message);
    if (!b.data) sb_puts(&b, "error");
    d->message = b.data;
    d->line = line;
    d->col = col;
    longjmp(*d->bail, 1);
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t best = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            prev = cur;
        }
    }
    return row[lb];
}

const char *diag_suggest(const char *name, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bestd = 99, len = strlen(name);
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i] || strcmp(cands[i], name) == 0) continue;
        size_t dd = edit_distance(name, cands[i]);
        if (dd < bestd) { bestd = dd; best = cands[i]; }
    }
    return bestd <= limit ? best : NULL;
}
