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

const char *diag_suggest(const char *name, const char *const *cands, size_t n) { return fmt_suggest(name, cands, n); }
