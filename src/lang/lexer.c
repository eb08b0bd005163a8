/* lexer.c: source text to tokens, with INDENT/DEDENT from 2-space levels. */
#include "lexer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *word;
    int kind;
} keywords[] = {
    { "var", TK_VAR },         { "def", TK_DEF },       { "main", TK_MAIN },
    { "builtin", TK_BUILTIN }, { "type", TK_TYPE },     { "object", TK_OBJECT },
    { "enum", TK_ENUM },       { "if", TK_IF },         { "elif", TK_ELIF },
    { "else", TK_ELSE },       { "while", TK_WHILE },   { "for", TK_FOR },
    { "in", TK_IN },           { "break", TK_BREAK },   { "continue", TK_CONTINUE },
    { "pass", TK_PASS },       { "return", TK_RETURN }, { "secret", TK_SECRET },
    { "discard", TK_DISCARD }, { "import", TK_IMPORT }, { "as", TK_AS },
    { "and", TK_AND },         { "or", TK_OR },         { "xor", TK_XOR },
    { "not", TK_NOT },         { "shl", TK_SHL },       { "shr", TK_SHR },
    { "mod", TK_MOD },         { "True", TK_TRUE },     { "False", TK_FALSE },
    { "None", TK_NONE },
};

static const char *const kind_names[TK_COUNT_] = {
    "end of file", "newline",  "indent",  "dedent",    "identifier", "integer",    "float",  "string",   "f-string",
    "'var'",       "'def'",    "'main'",  "'builtin'", "'type'",     "'object'",   "'enum'", "'if'",     "'elif'",
    "'else'",      "'while'",  "'for'",   "'in'",      "'break'",    "'continue'", "'pass'", "'return'", "'secret'",
    "'discard'",   "'import'", "'as'",    "'and'",     "'or'",       "'xor'",      "'not'",  "'shl'",    "'shr'",
    "'mod'",       "'True'",   "'False'", "'None'",    "'('",        "')'",        "'['",    "']'",      "'{'",
    "'}'",         "','",      "':'",     "'.'",       "'..'",       "'->'",       "'='",    "'+'",      "'-'",
    "'*'",         "'/'",      "'%'",     "'=='",      "'!='",       "'<'",        "'<='",   "'>'",      "'>='",
    "'+='",        "'-='",     "'*='",    "'/='",      "'%='",       "'@'",        "'|'",    "'&'",      "'^'",
    "'~'",
};

const char *tok_name(int kind) { return kind >= 0 && kind < TK_COUNT_ ? kind_names[kind] : "?"; }

typedef struct {
    Diag *d;
    const char *src, *p, *end;
    int line;
    const char *line_start;
    TokenList *out;
    int depth; /* bracket nesting */
    int indents[256];
    int nindent;
} Lexer;

static int col_of(Lexer *L, const char *p) { return (int)(p - L->line_start) + 1; }

static Token *push(Lexer *L, int kind, const char *start, size_t len)
{
    TokenList *t = L->out;
    if (t->count == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 256;
        Token *n = realloc(t->toks, nc * sizeof *n);
        if (!n) diag_error(L->d, L->line, 1, "out of memory");
        t->toks = n;
        t->cap = nc;
    }
    Token *k = &t->toks[t->count++];
    memset(k, 0, sizeof *k);
    k->kind = (uint8_t)kind;
    k->line = L->line;
    k->col = col_of(L, start);
    k->start = start;
    k->len = (uint32_t)len;
    return k;
}

static bool is_ident_start(unsigned char c) { return c == '_' || ((c | 32) >= 'a' && (c | 32) <= 'z') || c >= 0x80; }
static bool is_ident(unsigned char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

/* Start of a logical line: measure indentation, emit INDENT/DEDENT. */
static void line_start(Lexer *L)
{
    for (;;) {
        const char *p = L->p;
        int n = 0;
        while (p < L->end && *p == ' ') {
            p++;
            n++;
        }
        if (p < L->end && *p == '\t')
            diag_error(L->d, L->line, col_of(L, p), "tab character in indentation: indent with 2 spaces per level");
        if (p < L->end && *p == '\r') p++;
        if (p >= L->end) {
            L->p = p;
            return;
        }
        if (*p == '\n' || *p == '#') {
            /* blank or comment-only line: no indentation meaning */
            while (p < L->end && *p != '\n') p++;
            if (p < L->end) {
                p++;
                L->line++;
                L->line_start = p;
            }
            L->p = p;
            continue;
        }
        L->p = p;
        int cur = L->indents[L->nindent - 1];
        if (n == cur) return;
        if (n > cur) {
            if (n != cur + 2)
                diag_error(L->d, L->line, 1, "indentation must be exactly 2 spaces per level (found %d, expected %d)",
                           n, cur + 2);
            if (L->nindent >= 255) diag_error(L->d, L->line, 1, "nesting too deep");
            L->indents[L->nindent++] = n;
            push(L, TK_INDENT, p, 0);
            return;
        }
        while (L->nindent > 1 && L->indents[L->nindent - 1] > n) {
            L->nindent--;
            push(L, TK_DEDENT, p, 0);
        }
        if (L->indents[L->nindent - 1] != n)
            diag_error(L->d, L->line, 1, "dedent to %d spaces does not match any enclosing block", n);
        return;
    }
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 32;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static void lex_number(Lexer *L)
{
    const char *s = L->p, *p = s;
    uint64_t v = 0;
    bool over = false;
    int base = 10;
    if (*p == '0' && p + 1 < L->end &&
        (p[1] == 'x' || p[1] == 'X' || p[1] == 'b' || p[1] == 'B' || p[1] == 'o' || p[1] == 'O')) {
        base = (p[1] | 32) == 'x' ? 16 : (p[1] | 32) == 'b' ? 2 : 8;
        p += 2;
    }
    bool isfloat = false;
    const char *digits = p;
    for (; p < L->end; p++) {
        if (*p == '_') continue;
        int dv = hexval((unsigned char)*p);
        if (dv < 0 || dv >= base) break;
        if (v > (UINT64_MAX - (uint64_t)dv) / (uint64_t)base) over = true;
        v = v * (uint64_t)base + (uint64_t)dv;
    }
    if (p == digits) diag_error(L->d, L->line, col_of(L, s), "malformed number literal");
    if (base == 10 && p + 1 < L->end && *p == '.' && p[1] >= '0' && p[1] <= '9') {
        isfloat = true;
        p++;
        while (p < L->end && ((*p >= '0' && *p <= '9') || *p == '_')) p++;
    }
    if (base == 10 && p < L->end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (q < L->end && (*q == '+' || *q == '-')) q++;
        if (q < L->end && *q >= '0' && *q <= '9') {
            isfloat = true;
            p = q;
            while (p < L->end && *p >= '0' && *p <= '9') p++;
        }
    }
    if (isfloat) {
        char buf[128];
        size_t n = 0;
        for (const char *q = s; q < p && n < sizeof buf - 1; q++)
            if (*q != '_') buf[n++] = *q;
        buf[n] = 0;
        Token *t = push(L, TK_FLOAT, s, (size_t)(p - s));
        t->fval = strtod(buf, NULL);
        if (!isfinite(t->fval)) diag_error(L->d, L->line, col_of(L, s), "float literal out of range");
        L->p = p;
        return;
    }
    Token *t = push(L, TK_INT, s, 0);
    t->ival = v;
    t->overflow = over;
    if (p < L->end && (*p == 'i' || *p == 'u')) {
        const char *q = p + 1;
        int bits = 0;
        while (q < L->end && *q >= '0' && *q <= '9' && bits < 1000) bits = bits * 10 + (*q++ - '0');
        if (bits == 8 || bits == 16 || bits == 32 || bits == 64) {
            t->suffix = (uint8_t)*p;
            t->bits = (uint8_t)bits;
            p = q;
        } else {
            diag_error(L->d, L->line, col_of(L, p),
                       "unknown integer suffix (use i8, i16, i32, i64, u8, u16, u32 or u64)");
        }
    }
    if (p < L->end && is_ident((unsigned char)*p))
        diag_error(L->d, L->line, col_of(L, p), "unexpected character '%c' after number", *p);
    t->len = (uint32_t)(p - s);
    L->p = p;
}

static void lex_string(Lexer *L, bool fstr)
{
    const char *s = L->p;
    const char *p = s + (fstr ? 2 : 1);
    size_t cap = 32, n = 0;
    char *buf = malloc(cap);
    if (!buf) diag_error(L->d, L->line, col_of(L, s), "out of memory");
    for (;;) {
        if (p >= L->end || *p == '\n') {
            free(buf);
            diag_error(L->d, L->line, col_of(L, s), "unterminated string (missing closing '\"')");
        }
        char c = *p++;
        if (c == '"') break;
        if (c == '\\') {
            if (p >= L->end) continue;
            char e = *p++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '\\': c = '\\'; break;
            case '"': c = '"'; break;
            case '0': c = '\0'; break;
            case '{':
            case '}':
                if (fstr) {
                    if (n + 2 >= cap) {
                        cap *= 2;
                        char *nb = realloc(buf, cap);
                        if (!nb) {
                            free(buf);
                            diag_error(L->d, L->line, 1, "out of memory");
                        }
                        buf = nb;
                    }
                    buf[n++] = '\\';
                }
                c = e;
                break;
            default:
                free(buf);
                diag_error(L->d, L->line, col_of(L, p - 2), "unknown escape '\\%c' (use \\n, \\t, \\\\ or \\\")", e);
            }
        }
        if (n + 2 >= cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                diag_error(L->d, L->line, 1, "out of memory");
            }
            buf = nb;
        }
        buf[n++] = c;
    }
    buf[n] = 0;
    Token *t = push(L, fstr ? TK_FSTRING : TK_STRING, s, (size_t)(p - s));
    t->str = buf;
    t->ival = n;
    L->p = p;
}

void lex(Diag *d, const char *src, size_t len, TokenList *out)
{
    Lexer L = { .d = d, .src = src, .p = src, .end = src + len, .line = 1, .line_start = src, .out = out };
    L.indents[0] = 0;
    L.nindent = 1;
    line_start(&L);
    while (L.p < L.end) {
        const char *p = L.p;
        unsigned char c = (unsigned char)*p;
        if (c == '\n') {
            L.p++;
            if (L.depth == 0 && out->count && out->toks[out->count - 1].kind != TK_NEWLINE) push(&L, TK_NEWLINE, p, 0);
            L.line++;
            L.line_start = L.p;
            if (L.depth == 0) line_start(&L);
            continue;
        }
        if (c == ' ' || c == '\r') {
            L.p++;
            continue;
        }
        if (c == '\t') {
            if (L.depth == 0) diag_error(d, L.line, col_of(&L, p), "tab character: StoffelLang indents with 2 spaces");
            L.p++;
            continue;
        }
        if (c == '#') {
            while (L.p < L.end && *L.p != '\n') L.p++;
            continue;
        }
        if (c == '\\' && p + 1 < L.end && (p[1] == '\n' || p[1] == '\r')) {
            L.p += p[1] == '\r' ? 3 : 2;
            L.line++;
            L.line_start = L.p;
            continue;
        }
        if (c >= '0' && c <= '9') {
            lex_number(&L);
            continue;
        }
        if (c == 'f' && p + 1 < L.end && p[1] == '"') {
            lex_string(&L, true);
            continue;
        }
        if (c == '"') {
            lex_string(&L, false);
            continue;
        }
        if (c == '\'')
            diag_error(d, L.line, col_of(&L, p), "single-quoted strings are not supported: use double quotes \"...\"");
        if (is_ident_start(c)) {
            const char *q = p;
            while (q < L.end && is_ident((unsigned char)*q)) q++;
            size_t n = (size_t)(q - p);
            int kind = TK_IDENT;
            for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
                if (strlen(keywords[i].word) == n && memcmp(keywords[i].word, p, n) == 0) kind = keywords[i].kind;
            Token *t = push(&L, kind, p, n);
            if (kind == TK_IDENT) {
                t->str = malloc(n + 1);
                if (!t->str) diag_error(d, L.line, 1, "out of memory");
                memcpy(t->str, p, n);
                t->str[n] = 0;
            }
            L.p = q;
            continue;
        }
        /* operators */
        char c2 = p + 1 < L.end ? p[1] : 0;
        int kind = -1;
        size_t n = 1;
        switch (c) {
        case '(':
            kind = TK_LPAREN;
            L.depth++;
            break;
        case ')':
            kind = TK_RPAREN;
            if (L.depth) L.depth--;
            break;
        case '[':
            kind = TK_LBRACK;
            L.depth++;
            break;
        case ']':
            kind = TK_RBRACK;
            if (L.depth) L.depth--;
            break;
        case '{':
            kind = TK_LBRACE;
            L.depth++;
            break;
        case '}':
            kind = TK_RBRACE;
            if (L.depth) L.depth--;
            break;
        case ',': kind = TK_COMMA; break;
        case ':': kind = TK_COLON; break;
        case '.':
            if (c2 == '.') {
                kind = TK_DOTDOT;
                n = 2;
            } else
                kind = TK_DOT;
            break;
        case '-':
            if (c2 == '>') {
                kind = TK_ARROW;
                n = 2;
            } else if (c2 == '=') {
                kind = TK_MINUSEQ;
                n = 2;
            } else
                kind = TK_MINUS;
            break;
        case '+':
            if (c2 == '=') {
                kind = TK_PLUSEQ;
                n = 2;
            } else
                kind = TK_PLUS;
            break;
        case '*':
            if (c2 == '=') {
                kind = TK_STAREQ;
                n = 2;
            } else
                kind = TK_STAR;
            break;
        case '/':
            if (c2 == '=') {
                kind = TK_SLASHEQ;
                n = 2;
            } else
                kind = TK_SLASH;
            break;
        case '%':
            if (c2 == '=') {
                kind = TK_PERCENTEQ;
                n = 2;
            } else
                kind = TK_PERCENT;
            break;
        case '=':
            if (c2 == '=') {
                kind = TK_EQ;
                n = 2;
            } else
                kind = TK_ASSIGN;
            break;
        case '!':
            if (c2 == '=') {
                kind = TK_NE;
                n = 2;
            }
            break;
        case '<':
            if (c2 == '=') {
                kind = TK_LE;
                n = 2;
            } else
                kind = TK_LT;
            break;
        case '>':
            if (c2 == '=') {
                kind = TK_GE;
                n = 2;
            } else
                kind = TK_GT;
            break;
        case '@': kind = TK_AT; break;
        case '|':
            if (c2 == '|') diag_error(d, L.line, col_of(&L, p), "'||' is not StoffelLang: use 'or'");
            kind = TK_PIPE;
            break;
        case '&':
            if (c2 == '&') diag_error(d, L.line, col_of(&L, p), "'&&' is not StoffelLang: use 'and'");
            kind = TK_AMP;
            break;
        case '^': kind = TK_CARET; break;
        case '~': kind = TK_TILDE; break;
        default: break;
        }
        if (kind < 0) {
            if (c == '!') diag_error(d, L.line, col_of(&L, p), "'!' is not StoffelLang: use 'not'");
            diag_error(d, L.line, col_of(&L, p), "unexpected character '%c'", c >= 32 && c < 127 ? c : '?');
        }
        push(&L, kind, p, n);
        L.p += n;
    }
    if (out->count && out->toks[out->count - 1].kind != TK_NEWLINE) push(&L, TK_NEWLINE, L.p, 0);
    while (L.nindent > 1) {
        L.nindent--;
        push(&L, TK_DEDENT, L.p, 0);
    }
    push(&L, TK_EOF, L.p, 0);
}

void tokens_free(TokenList *t)
{
    for (size_t i = 0; i < t->count; i++) free(t->toks[i].str);
    free(t->toks);
    t->toks = NULL;
    t->count = t->cap = 0;
}
