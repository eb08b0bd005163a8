/* parser.h: tokens to a Module (recursive descent, precedence climbing).
 * Desugaring that needs no types happens here: compound assignment keeps
 * its operator, `elif` becomes a nested if, f-strings become parts. */
#ifndef STOFFEL_LANG_PARSER_H
#define STOFFEL_LANG_PARSER_H

#include "ast.h"
#include "diag.h"
#include "lexer.h"

/* Parse the tokens into *m (nodes in `arena`); errors jump via d. */
void parse_module(Diag *d, Arena *arena, const TokenList *toks, Module *m);

#endif
