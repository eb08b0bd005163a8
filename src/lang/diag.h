/* diag.h: compiler diagnostics for StoffelLang.
 *
 * Every error names file:line:col, quotes the source line and puts a caret
 * under the column, like
 *
 *   main.stfl:3:11: error: unknown name 'cout'; did you mean 'count'?
 *     var x = cout + 1
 *             ^
 *
 * The first error stops compilation: its text is kept in the Diag. */
#ifndef STOFFEL_LANG_DIAG_H
#define STOFFEL_LANG_DIAG_H

#include <setjmp.h>
#include <stddef.h>

typedef struct {
    const char *file; /* name shown in messages */
    const char *src;  /* the source text (not owned) */
    size_t len;
    char *message; /* malloc'd full text of the first error, or NULL */
    int line, col; /* where it is */
    jmp_buf *bail; /* where diag_error jumps to (set by the driver) */
} Diag;

/* Record an error at line:col and jump to d->bail. */
#if defined(__GNUC__)
__attribute__((noreturn, format(printf, 4, 5)))
#endif
void diag_error(Diag *d, int line, int col, const char *fmt, ...);

/* The closest of `n` candidate names to `name` by edit distance, or NULL
 * when none is close enough to be a useful suggestion. */
const char *diag_suggest(const char *name, const char *const *cands, size_t n);

#endif
