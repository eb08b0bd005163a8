/* diag.c: error text with the source line and a caret; "did you mean". */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"

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

const char *diag_suggest(const char *name, const char *const *cands, size_t n)
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
