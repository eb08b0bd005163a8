/* lexer.h: StoffelLang tokens.  Indentation is significant: each level is
 * exactly two spaces (tabs are an error) and becomes INDENT / DEDENT
 * tokens; inside (), [] and {} newlines are joined as in Python. */
#ifndef STOFFEL_LANG_LEXER_H
#define STOFFEL_LANG_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef enum {
    TK_EOF,
    TK_NEWLINE,
    TK_INDENT,
    TK_DEDENT,
    TK_IDENT,
    TK_INT,
    TK_FLOAT,
    TK_STRING,
    TK_FSTRING,
    /* keywords */
    TK_VAR,
    TK_DEF,
    TK_MAIN,
    TK_BUILTIN,
    TK_TYPE,
    TK_OBJECT,
    TK_ENUM,
    TK_IF,
    TK_ELIF,
    TK_ELSE,
    TK_WHILE,
    TK_FOR,
    TK_IN,
    TK_BREAK,
    TK_CONTINUE,
    TK_PASS,
    TK_RETURN,
    TK_SECRET,
    TK_DISCARD,
    TK_IMPORT,
    TK_AS,
    TK_AND,
    TK_OR,
    TK_XOR,
    TK_NOT,
    TK_SHL,
    TK_SHR,
    TK_MOD,
    TK_TRUE,
    TK_FALSE,
    TK_NONE,
    /* punctuation */
    TK_LPAREN,
    TK_RPAREN,
    TK_LBRACK,
    TK_RBRACK,
    TK_LBRACE,
    TK_RBRACE,
    TK_COMMA,
    TK_COLON,
    TK_DOT,
    TK_DOTDOT,
    TK_ARROW,
    TK_ASSIGN,
    TK_PLUS,
    TK_MINUS,
    TK_STAR,
    TK_SLASH,
    TK_PERCENT,
    TK_EQ,
    TK_NE,
    TK_LT,
    TK_LE,
    TK_GT,
    TK_GE,
    TK_PLUSEQ,
    TK_MINUSEQ,
    TK_STAREQ,
    TK_SLASHEQ,
    TK_PERCENTEQ,
    TK_AT,
    TK_PIPE,
    TK_AMP,
    TK_CARET,
    TK_TILDE,
    TK_COUNT_
} TokKind;

typedef struct {
    uint8_t kind;   /* TokKind */
    uint8_t suffix; /* TK_INT: 0 none, else 'i'/'u' */
    uint8_t bits;   /* TK_INT suffix width */
    bool overflow;  /* TK_INT literal above 2^64-1 */
    int line, col;
    const char *start; /* into the source */
    uint32_t len;
    uint64_t ival; /* TK_INT */
    double fval;   /* TK_FLOAT */
    char *str;     /* TK_STRING / TK_FSTRING / TK_IDENT: decoded, malloc'd */
} Token;

typedef struct {
    Token *toks;
    size_t count, cap;
} TokenList;

/* Tokenize; on error calls diag_error (which jumps). */
void lex(Diag *d, const char *src, size_t len, TokenList *out);
void tokens_free(TokenList *t);
const char *tok_name(int kind);

#endif
