/* lang.c: the compiler driver: files and imports, the passes, the manifest. */
#include "lang.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "codegen.h"
#include "opt.h"
#include "compiler.h"
#include "diag.h"
#include "lexer.h"
#include "parser.h"

#define MAX_MODULES 256

typedef struct {
    char *path;
    char *src;
    size_t len;
    TokenList toks;
} Source;

typedef struct {
    Diag d;
    Arena A;
    Compiler C;
    Source srcs[MAX_MODULES];
    int nsrcs;
    ModInfo mods[MAX_MODULES];
    const char *stack[64]; /* files being imported (cycle check) */
    int depth;
} Ctx;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        if (cap > ((size_t)64 << 20)) {
            free(buf);
            buf = NULL;
            break;
        }
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = 0;
    *len = n;
    return buf;
}

/* The directory part of path into buf ("." when there is none). */
static void dir_of(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(buf, n, ".");
        return;
    }
    snprintf(buf, n, "%.*s", (int)(slash - path), path);
}

static Module *parse_source(Ctx *x, const char *path, char *src, size_t len)
{
    if (x->nsrcs >= MAX_MODULES) diag_error(&x->d, 1, 1, "too many modules");
    Source *s = &x->srcs[x->nsrcs++];
    s->path = strdup(path);
    s->src = src;
    s->len = len;
    const char *sf = x->d.file, *ss = x->d.src;
    size_t sl = x->d.len;
    x->d.file = s->path;
    x->d.src = src;
    x->d.len = len;
    lex(&x->d, src, len, &s->toks);
    Module *m = arena_alloc(&x->A, sizeof *m);
    if (!m) diag_error(&x->d, 1, 1, "out of memory");
    parse_module(&x->d, &x->A, &s->toks, m);
    x->d.file = sf;
    x->d.src = ss;
    x->d.len = sl;
    return m;
}

static void load_imports(Ctx *x, int mi, const char *file);

static int add_module(Ctx *x, const char *alias, const char *path, Module *m, int target)
{
    if (x->C.nmodules >= MAX_MODULES) diag_error(&x->d, 1, 1, "too many modules");
    int i = x->C.nmodules++;
    x->mods[i].alias = alias;
    x->mods[i].path = arena_strdup(&x->A, path, strlen(path));
    x->mods[i].mod = m;
    x->mods[i].file = x->mods[i].path;
    x->mods[i].target = target < 0 ? i : target;
    return i;
}

static void load_imports(Ctx *x, int mi, const char *file)
{
    Module *m = x->mods[mi].mod;
    /* on the stack: an error longjmps out of this frame */
    char dir[1024];
    dir_of(file, dir, sizeof dir);
    for (int i = 0; i < m->nimports; i++) {
        ImportDecl *im = m->imports[i];
        if (!im->quoted && (strcmp(im->path, "std") == 0 || strncmp(im->path, "std.", 4) == 0)) continue;
        char path[4096];
        if (im->quoted) {
            snprintf(path, sizeof path, "%s/%s", dir, im->path);
        } else {
            char rel[2048];
            snprintf(rel, sizeof rel, "%s", im->path);
            for (char *p = rel; *p; p++)
                if (*p == '.') *p = '/';
            snprintf(path, sizeof path, "%s/%s.stfl", dir, rel);
        }
        const char *alias = im->alias;
        if (im->quoted && !alias) {
            const char *b = strrchr(im->path, '/');
            b = b ? b + 1 : im->path;
            size_t n = strlen(b);
            if (n > 5 && strcmp(b + n - 5, ".stfl") == 0) n -= 5;
            alias = arena_strdup(&x->A, b, n);
        }
        /* cycle? */
        for (int k = 0; k < x->depth; k++)
            if (strcmp(x->stack[k], path) == 0) {
                diag_error(&x->d, im->line, im->col, "circular import: '%s' imports itself through its imports",
                           im->path);
            }
        int found = -1;
        for (int k = 0; k < x->C.nmodules; k++)
            if (x->mods[k].target == k && strcmp(x->mods[k].path, path) == 0) found = k;
        if (found >= 0) {
            add_module(x, alias, path, NULL, found);
            continue;
        }
        size_t len;
        char *src = read_file(path, &len);
        if (!src) diag_error(&x->d, im->line, im->col, "cannot import '%s': %s not found", im->path, path);
        Module *nm = parse_source(x, path, src, len);
        int k = add_module(x, alias, path, nm, -1);
        x->mods[k].file = x->srcs[x->nsrcs - 1].path;
        x->mods[k].src = x->srcs[x->nsrcs - 1].src;
        x->mods[k].len = x->srcs[x->nsrcs - 1].len;
        if (x->depth >= 63) diag_error(&x->d, im->line, im->col, "imports nested too deeply");
        x->stack[x->depth++] = x->mods[k].path;
        load_imports(x, k, path);
        x->depth--;
    }
}

static void set_manifest(StfProgram *p, const LangOptions *o)
{
    p->version = STF_FORMAT_VERSION_DEFAULT;
    p->manifest.backend = (o && o->backend && strcmp(o->backend, "avss") == 0) ? 1 : 0;
    static const char *const curves[] = { "bls12-381", "bn254", "curve25519", "ed25519", "secp256k1", "p-256" };
    p->manifest.curve = 0;
    if (o && o->curve)
        for (int i = 0; i < 6; i++) {
            char norm[32];
            snprintf(norm, sizeof norm, "%s", o->curve);
            for (char *c = norm; *c; c++)
                if (*c == '_') *c = '-';
            if (strcmp(norm, curves[i]) == 0 || (i == 5 && strcmp(norm, "secp256r1") == 0))
                p->manifest.curve = (uint8_t)i;
        }
}

/* Preprocessing demand: a static count of multiplications (scaled by
 * nothing; loops make it dynamic). */
static void plan_preprocessing(StfProgram *p)
{
    uint64_t triples = 0;
    bool loops = false;
    for (uint32_t f = 0; f < p->func_count; f++) {
        StfFunction *fn = &p->funcs[f];
        for (uint32_t i = 0; i < fn->instr_count; i++) {
            StfInstr *in = &fn->instrs[i];
            if ((in->op == STF_OP_MUL || in->op == STF_OP_AND || in->op == STF_OP_OR || in->op == STF_OP_XOR) &&
                in->b >= 16 && in->c >= 16)
                triples++;
            if (in->op == STF_OP_CALL && in->name.len == 9 && memcmp(in->name.s, "Share.mul", 9) == 0) triples++;
            if (in->op >= STF_OP_JMP && in->op <= STF_OP_JMPGT && in->op != STF_OP_CALL && in->op != STF_OP_RET &&
                in->op != STF_OP_PUSHARG && in->op != STF_OP_CMP)
                loops = true;
        }
    }
    p->manifest.triples = triples;
    p->manifest.dynamic = loops ? 1 : 0;
}

static int run(const char *file, char *src, size_t len, const LangOptions *opt, StfProgram *out, char **err,
               bool check_only)
{
    Ctx *x = calloc(1, sizeof *x);
    if (!x) {
        free(src);
        *err = strdup("out of memory");
        return -1;
    }
    jmp_buf bail;
    x->d.file = file;
    x->d.src = src;
    x->d.len = len;
    x->d.bail = &bail;
    x->C.d = &x->d;
    x->C.A = &x->A;
    x->C.modules = x->mods;
    StfProgram prog;
    stf_program_init(&prog);
    x->C.prog = &prog;
    if (opt) {
        x->C.main_inputs = opt->main_inputs;
        x->C.n_main_inputs = opt->n_main_inputs;
        x->C.open_result = opt->open_result != 0;
    }
    int rc = 0;
    if (setjmp(bail) == 0) {
        Module *m = parse_source(x, file, src, len);
        add_module(x, NULL, file, m, -1);
        x->mods[0].file = file;
        x->mods[0].src = x->srcs[0].src;
        x->mods[0].len = x->srcs[0].len;
        x->stack[x->depth++] = x->mods[0].path;
        load_imports(x, 0, file);
        ck_declare(&x->C);
        if (!check_only) {
            set_manifest(&prog, opt);
            cg_program(&x->C);
            if (opt && opt->opt_level > 0 && lang_optimize(&prog, opt->opt_level, NULL) != 0)
                diag_error(&x->d, 0, 0, "out of memory while optimizing");
            plan_preprocessing(&prog);
        } else {
            /* checking runs the generator too (types are checked while
             * generating), into a program that is thrown away */
            cg_program(&x->C);
        }
    } else {
        rc = -1;
        cg_cleanup(&x->C);
        *err = x->d.message;
        x->d.message = NULL;
        if (!*err) *err = strdup("compilation failed");
    }
    /* src is owned by x->srcs[0] from parse_source on */
    if (rc == 0 && !check_only)
        *out = prog;
    else
        stf_program_free(&prog);
    for (int i = 0; i < x->nsrcs; i++) {
        tokens_free(&x->srcs[i].toks);
        free(x->srcs[i].src);
        free(x->srcs[i].path);
    }
    if (rc == 0 && opt && opt->client0_inputs)
        *opt->client0_inputs = x->C.client0;
    else
        free(x->C.client0);
    free(x->C.vars);
    free(x->d.message);
    arena_free(&x->A);
    free(x);
    return rc;
}

int lang_compile(const char *file, const char *src, size_t len, const LangOptions *opt, StfProgram *out, char **err)
{
    char *copy = malloc(len + 1);
    if (!copy) {
        *err = strdup("out of memory");
        return -1;
    }
    memcpy(copy, src, len);
    copy[len] = 0;
    return run(file ? file : "<input>", copy, len, opt, out, err, false);
}

int lang_check(const char *file, const char *src, size_t len, char **err)
{
    char *copy = malloc(len + 1);
    if (!copy) {
        *err = strdup("out of memory");
        return -1;
    }
    memcpy(copy, src, len);
    copy[len] = 0;
    return run(file ? file : "<input>", copy, len, NULL, NULL, err, true);
}

int lang_compile_file(const char *path, const LangOptions *opt, StfProgram *out, char **err)
{
    size_t len;
    char *src = read_file(path, &len);
    if (!src) {
        char buf[4200];
        snprintf(buf, sizeof buf, "%s: cannot read: %s", path, strerror(errno));
        *err = strdup(buf);
        return -1;
    }
    return run(path, src, len, opt, out, err, false);
}

unsigned lang_line_of(const StfProgram *p, const char *fn, long long index)
{
    for (uint32_t f = 0; f < p->func_count; f++) {
        if (strcmp(p->funcs[f].name.s, fn) != 0) continue;
        if (index >= 0 && (unsigned long long)index < p->funcs[f].instr_count) return p->funcs[f].instrs[index].line;
    }
    return 0;
}

bool lang_is_source_path(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n > 5 && strcmp(path + n - 5, ".stfl") == 0;
}

int lang_compile_for_tool(const char *path, StfProgram *out)
{
    char *err = NULL;
    if (lang_compile_file(path, NULL, out, &err) != 0) {
        fprintf(stderr, "%s", err ? err : "compilation failed\n");
        free(err);
        return 2;
    }
    return 0;
}
