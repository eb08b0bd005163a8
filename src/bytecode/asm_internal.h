/* asm_internal.h: what the two files of the text assembler share (asm.c:
 * errors, containers, lexing, labels, instructions, functions, lines and
 * asm_parse; asm_directives.c: the constant pool, function types and the
 * top-level directives that describe the file).  Not an interface for other
 * modules: they use asm.h.
 *
 * Every parse function returns 0, or -1 after recording the first error in
 * Asm.err (see asm.c); the helpers below follow that convention. */
#ifndef STOFFEL_ASM_INTERNAL_H
#define STOFFEL_ASM_INTERNAL_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm.h"

#define MAX_U16 65535u
#define NOT_FOUND UINT32_MAX
#define FTYPE_UNKNOWN 12

typedef struct {
    unsigned char *data;
    size_t len, cap;
} ByteBuf;

/* A name or word: points into the source or into Asm.scratch. */
typedef struct {
    const char *p;
    size_t len;
    uint32_t line, col;
} Token;

typedef struct {
    StfStr name;
    uint32_t line, col;
} NameRef;

/* Open-addressing hash index over an array owned elsewhere (constants,
 * labels), so lookups stay linear-time on large programs. */
typedef struct {
    uint32_t idx1;
    uint32_t hash;
} Slot; /* idx1 = index + 1, 0 empty */
typedef struct {
    Slot *slots;
    uint32_t cap, used;
} HashIndex;

typedef struct {
    const char *src;
    size_t len, pos;
    uint32_t line;
    size_t line_start;
    AsmError *err;
    bool failed;
    locale_t c_numeric; /* strtod must not depend on the caller's locale */

    StfProgram prog;
    uint32_t const_cap, func_cap, client_cap;
    HashIndex const_index; /* first pool entry of each value */
    bool seen_version, seen_backend, seen_curve, seen_preproc;

    /* the function being assembled */
    bool in_func;
    StfFunction fn;
    uint32_t fn_col;
    bool regs_given;
    uint32_t instr_cap, label_cap, param_cap, upvalue_cap;
    uint32_t *operand_cols; /* per instruction: column of a label operand */
    uint32_t operand_cols_cap;
    HashIndex label_index;
    bool has_label_order;
    NameRef *label_order;
    uint32_t label_order_count, label_order_cap;
    uint32_t label_order_line, label_order_col;
    ByteBuf ptypes, rtype; /* encoded function types */

    ByteBuf scratch;   /* decoded quoted strings */
    ByteBuf numtext;   /* NUL-terminated copy of a float literal */
    char shown[4][48]; /* excerpts quoted in error messages */
    unsigned shown_next;
} Asm;

typedef bool (*IndexEq)(const Asm *A, uint32_t idx, const void *key);

/* The helpers are internal to the library: hidden, so the shared library
 * exports only asm.h and calls within a file can still be inlined. */
#pragma GCC visibility push(hidden)

/* ---- asm.c: errors -------------------------------------------------------- */

uint32_t asm_col_at(const Asm *A, size_t pos);
int asm_fail_at(Asm *A, uint32_t line, uint32_t col, const char *fmt, ...);
int asm_oom(Asm *A);
/* Printable excerpts of the source for messages (a ring of 4 buffers). */
const char *asm_show(Asm *A, const char *p, size_t n);
const char *asm_show_str(Asm *A, const StfStr *s);
const char *asm_show_here(Asm *A);

/* errors at the cursor and at a token */
#define fail_here(A, ...) asm_fail_at((A), (A)->line, asm_col_at((A), (A)->pos), __VA_ARGS__)
#define fail_tok(A, t, ...) asm_fail_at((A), (t)->line, (t)->col, __VA_ARGS__)

/* ---- asm.c: small containers ---------------------------------------------- */

bool asm_buf_put(ByteBuf *b, const void *p, size_t n);
bool asm_buf_byte(ByteBuf *b, unsigned char v);
bool asm_buf_str16(ByteBuf *b, const char *p, size_t n);
void *asm_grow(void *arr, uint32_t *cap, uint32_t count, size_t elem);
uint64_t asm_fnv1a(uint64_t h, const void *p, size_t n);
uint32_t asm_fold32(uint64_t h);
uint32_t asm_index_find(const Asm *A, const HashIndex *h, uint32_t hash, IndexEq eq, const void *key);
bool asm_index_add(HashIndex *h, uint32_t hash, uint32_t idx);

/* ---- asm.c: lexing -------------------------------------------------------- */

int asm_peek_at(const Asm *A, size_t k);
int asm_peek(const Asm *A);
bool asm_is_digit(int c);
bool asm_is_alpha(int c);
void asm_skip_blank(Asm *A);
bool asm_at_eol(const Asm *A);
Token asm_token_from(const Asm *A, size_t start);
bool asm_tok_is(const Token *t, const char *s);
bool asm_tok_is_nocase(const Token *t, const char *s);
Token asm_lex_word(Asm *A, bool dash);
int asm_parse_string(Asm *A);
int asm_parse_name(Asm *A, bool colon, const char *what, Token *t);
int asm_parse_u64(Asm *A, uint64_t max, const char *what, uint64_t *out);
int asm_parse_u64_hex(Asm *A, const char *what, uint64_t *out);
int asm_parse_u32(Asm *A, uint32_t max, const char *what, uint32_t *out);
int asm_parse_attr_key(Asm *A, Token *key);
int asm_end_of_value(Asm *A);
bool asm_list_continues(Asm *A);
int asm_expect_char(Asm *A, char want, const char *context);

/* ---- asm_directives.c ------------------------------------------------------ */

/* A literal constant (LDI operand) and its pool index (first equal entry,
 * appended if missing; takes ownership of a string). */
int asm_parse_literal(Asm *A, StfConst *out);
int asm_pool_intern(Asm *A, StfConst *k, uint32_t *idx);

/* One function type (spec/stfl-format.md §4 ftype), encoded onto *out. */
int asm_parse_type(Asm *A, ByteBuf *out, unsigned depth);

/* Top-level directives; `d` is the directive word. */
int asm_dir_version(Asm *A, const Token *d);
int asm_dir_const(Asm *A, const Token *d);
int asm_dir_backend(Asm *A, const Token *d);
int asm_dir_curve(Asm *A, const Token *d);
int asm_dir_client(Asm *A, const Token *d);
int asm_dir_preprocessing(Asm *A, const Token *d);

#pragma GCC visibility pop

#endif
