/* lang.h: the StoffelLang compiler's entry points (source -> program model).
 *
 * The result is an ordinary StfProgram: write it with the .stflb writer or
 * hand it to the loader / local MPC session like a loaded file. */
#ifndef STOFFEL_LANG_H
#define STOFFEL_LANG_H

#include <stddef.h>

#include "bytecode/program.h"

typedef struct {
    int opt_level;       /* 0..3 (accepted; the generator is the same) */
    const char *backend; /* "honeybadger" (default) or "avss" */
    const char *curve;   /* "bls12-381" (default), "bn254", ... */
    /* main's parameters, "name=value" (lists as [a,b]); a wrapper named
     * main loads clear ones as constants and secret ones as client 0's
     * inputs, in order, which it lists in *client0_inputs (malloc'd,
     * ':'-joined; NULL if none). */
    const char *const *main_inputs;
    size_t n_main_inputs;
    char **client0_inputs;
    int open_result; /* the wrapper opens a secret result of main */
} LangOptions;

/* Compile source text; `file` names it in messages and anchors relative
 * imports.  0 and *out filled (caller frees with stf_program_free), or -1
 * with *err a malloc'd message ("file:line:col: error: ..." + source line
 * and caret). */
int lang_compile(const char *file, const char *src, size_t len, const LangOptions *opt, StfProgram *out, char **err);
int lang_compile_file(const char *path, const LangOptions *opt, StfProgram *out, char **err);

/* Lex, parse and check only (no program is built); for `stoffel check` and
 * the fuzzer.  Same return convention. */
int lang_check(const char *file, const char *src, size_t len, char **err);

/* Source line of instruction `index` of function `fn` in a compiled
 * program (0 when unknown). */
unsigned lang_line_of(const StfProgram *p, const char *fn, long long index);

/* For the tools: does `path` name StoffelLang source (*.stfl)?  Compile it,
 * printing the error to stderr; 0 or 2 (the tools' "bad program" code). */
#include <stdbool.h>
bool lang_is_source_path(const char *path);
int lang_compile_for_tool(const char *path, StfProgram *out);

#endif
