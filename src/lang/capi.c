/* capi.c: the compiler's C APIs: upstream's stoffellang.h (programs as
 * structs) and the native stoffel_compile_file / stoffel_compile_to_binary
 * of stoffel.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stoffel.h"
#include "stoffellang.h"
#include "bytecode/stfl.h"
#include "lang.h"

static char *dupstr(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

const char *stoffel_get_version(void) { return "0.1.0"; }

/* ---- program as structs ---- */

static uint8_t upstream_op(int op)
{
    switch (op) {
    case STF_OP_CALL: return STOFFEL_OP_CALL;
    case STF_OP_RET: return STOFFEL_OP_RET;
    case STF_OP_PUSHARG: return STOFFEL_OP_PUSHARG;
    case STF_OP_CMP: return STOFFEL_OP_CMP;
    case STF_OP_JMPLT: return STOFFEL_OP_JMPLT;
    case STF_OP_JMPGT: return STOFFEL_OP_JMPGT;
    case STF_OP_NOP: return STOFFEL_OP_NOP;
    case STF_OP_LDS: return STOFFEL_OP_LDS;
    case STF_OP_STS: return STOFFEL_OP_STS;
    default: return (uint8_t)op; /* LD..JMPNEQ share the numbering */
    }
}

static int chunk_const(CBytecodeChunk *c, const StfConst *k)
{
    CConstant *n = realloc(c->constants, (c->constant_count + 1) * sizeof *n);
    if (!n) return -1;
    c->constants = n;
    CConstant *o = &n[c->constant_count];
    memset(o, 0, sizeof *o);
    switch (k->tag) {
    case STF_K_I64:
        o->const_type = STOFFEL_CONST_I64;
        o->data.i64_val = k->as.i;
        break;
    case STF_K_I32:
        o->const_type = STOFFEL_CONST_I32;
        o->data.i32_val = (int32_t)k->as.i;
        break;
    case STF_K_I16:
        o->const_type = STOFFEL_CONST_I16;
        o->data.i16_val = (int16_t)k->as.i;
        break;
    case STF_K_I8:
        o->const_type = STOFFEL_CONST_I8;
        o->data.i8_val = (int8_t)k->as.i;
        break;
    case STF_K_U8:
        o->const_type = STOFFEL_CONST_U8;
        o->data.u8_val = (uint8_t)k->as.u;
        break;
    case STF_K_U16:
        o->const_type = STOFFEL_CONST_U16;
        o->data.u16_val = (uint16_t)k->as.u;
        break;
    case STF_K_U32:
        o->const_type = STOFFEL_CONST_U32;
        o->data.u32_val = (uint32_t)k->as.u;
        break;
    case STF_K_U64:
        o->const_type = STOFFEL_CONST_U64;
        o->data.u64_val = k->as.u;
        break;
    case STF_K_FLOAT: {
        double d;
        memcpy(&d, &k->as.u, sizeof d);
        o->const_type = STOFFEL_CONST_FLOAT;
        o->data.float_val = (int64_t)(d * 65536.0);
        break;
    }
    case STF_K_BOOL:
        o->const_type = STOFFEL_CONST_BOOL;
        o->data.bool_val = k->as.b != 0;
        break;
    case STF_K_STRING:
        o->const_type = STOFFEL_CONST_STRING;
        o->data.string_val = dupstr(k->as.str.s ? k->as.str.s : "");
        if (!o->data.string_val) return -1;
        break;
    default: o->const_type = STOFFEL_CONST_UNIT; break;
    }
    return (int)c->constant_count++;
}

static int make_chunk(CBytecodeChunk *c, const StfProgram *p, const StfFunction *f)
{
    memset(c, 0, sizeof *c);
    /* the chunk carries the constants it uses, in the program's order */
    for (uint32_t i = 0; i < p->const_count; i++)
        if (chunk_const(c, &p->consts[i]) < 0) return -1;
    c->instructions = calloc(f->instr_count + 1, sizeof *c->instructions);
    if (!c->instructions) return -1;
    c->instruction_count = f->instr_count;
    for (uint32_t i = 0; i < f->instr_count; i++) {
        const StfInstr *in = &f->instrs[i];
        CInstruction *o = &c->instructions[i];
        o->opcode = upstream_op(in->op);
        o->operand1 = in->a;
        o->operand2 = in->b;
        o->operand3 = in->c;
        int fmt = stf_op_format(in->op);
        if (fmt == STF_FMT_LABEL) {
            for (uint32_t l = 0; l < f->label_count; l++)
                if (strcmp(f->labels[l].name.s, in->name.s) == 0) o->operand1 = f->labels[l].target;
        } else if (fmt == STF_FMT_NAME) {
            StfConst k = { .tag = STF_K_STRING };
            k.as.str = in->name;
            int idx = chunk_const(c, &k);
            if (idx < 0) return -1;
            o->operand1 = (size_t)idx;
        } else if (fmt == STF_FMT_R_OFF) {
            o->operand2 = (size_t)(int64_t)in->off;
        }
    }
    return 0;
}

void stoffel_free_bytecode_chunk(const CBytecodeChunk *chunk)
{
    if (!chunk) return;
    for (size_t i = 0; i < chunk->constant_count; i++)
        if (chunk->constants[i].const_type == STOFFEL_CONST_STRING) free(chunk->constants[i].data.string_val);
    free(chunk->constants);
    free(chunk->instructions);
}

void stoffel_free_compiled_program(CCompiledProgram *program)
{
    if (!program) return;
    stoffel_free_bytecode_chunk(&program->main_chunk);
    for (size_t i = 0; i < program->function_count; i++) {
        free(program->function_chunks[i].name);
        stoffel_free_bytecode_chunk(&program->function_chunks[i].chunk);
    }
    free(program->function_chunks);
    free(program);
}

void stoffel_free_compiler_errors(const CCompilerErrors *errors)
{
    if (!errors) return;
    for (size_t i = 0; i < errors->count; i++) {
        free(errors->errors[i].message);
        free(errors->errors[i].file);
        free(errors->errors[i].code);
        free(errors->errors[i].hint);
    }
    free(errors->errors);
}

void stoffel_free_compilation_result(CCompilationResult *result)
{
    if (!result) return;
    stoffel_free_compiled_program(result->program);
    stoffel_free_compiler_errors(&result->errors);
    free(result);
}

/* "file:line:col: error: message\n..." into a CCompilerError. */
static void fill_error(CCompilerError *e, const char *text, const char *filename)
{
    memset(e, 0, sizeof *e);
    e->severity = STOFFEL_SEVERITY_ERROR;
    e->category = STOFFEL_CATEGORY_SEMANTIC;
    const char *m = strstr(text, ": error: ");
    unsigned long line = 0, col = 0;
    if (m) {
        /* the last two :N: before ": error: " */
        const char *p = m;
        while (p > text && p[-1] != ':') p--;
        col = strtoul(p, NULL, 10);
        if (p > text + 1) {
            const char *q = p - 1;
            while (q > text && q[-1] != ':') q--;
            line = strtoul(q, NULL, 10);
        }
        m += 9;
    } else {
        m = text;
    }
    const char *end = strchr(m, '\n');
    size_t n = end ? (size_t)(end - m) : strlen(m);
    e->message = malloc(n + 1);
    if (e->message) {
        memcpy(e->message, m, n);
        e->message[n] = 0;
    }
    e->file = dupstr(filename ? filename : "<input>");
    e->line = line;
    e->column = col;
    e->code = dupstr("E0001");
    if (strstr(m, "did you mean"))
        e->category = STOFFEL_CATEGORY_SEMANTIC;
    else if (strstr(m, "expected") || strstr(m, "indent") || strstr(m, "not supported:"))
        e->category = STOFFEL_CATEGORY_SYNTAX;
    else if (strstr(m, "type") || strstr(m, "secret"))
        e->category = STOFFEL_CATEGORY_TYPE;
    const char *hint = strstr(text, "\n");
    (void)hint;
}

CCompilationResult *stoffel_compile(const char *source, const char *filename, const CCompilerOptions *options)
{
    CCompilationResult *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    /* as upstream: no optimizing unless `optimize`; its levels 0-2 run the
     * same passes, ours are -O2 then */
    LangOptions o = { .opt_level = options && options->optimize ? (options->optimization_level > 2 ? 3 : 2) : 0 };
    StfProgram p;
    char *err = NULL;
    if (!source || lang_compile(filename ? filename : "<input>", source, strlen(source), &o, &p, &err) != 0) {
        r->errors.errors = calloc(1, sizeof *r->errors.errors);
        if (r->errors.errors) {
            r->errors.count = 1;
            fill_error(&r->errors.errors[0], err ? err : "no source given", filename);
        }
        free(err);
        return r;
    }
    CCompiledProgram *cp = calloc(1, sizeof *cp);
    bool ok = cp != NULL;
    if (ok && p.func_count > 1) {
        cp->function_chunks = calloc(p.func_count, sizeof *cp->function_chunks);
        ok = cp->function_chunks != NULL;
    }
    for (uint32_t i = 0; ok && i < p.func_count; i++) {
        const StfFunction *f = &p.funcs[i];
        if (strcmp(f->name.s, "main") == 0) {
            ok = make_chunk(&cp->main_chunk, &p, f) == 0;
        } else {
            CFunctionChunk *fc = &cp->function_chunks[cp->function_count++];
            fc->name = dupstr(f->name.s);
            ok = fc->name && make_chunk(&fc->chunk, &p, f) == 0;
        }
    }
    if (options && options->print_ir) { /* upstream prints its IR; the disassembly is our IR */
    }
    stf_program_free(&p);
    if (!ok) {
        stoffel_free_compiled_program(cp);
        r->errors.errors = calloc(1, sizeof *r->errors.errors);
        if (r->errors.errors) {
            r->errors.count = 1;
            fill_error(&r->errors.errors[0], "out of memory", filename);
        }
        return r;
    }
    r->success = 1;
    r->program = cp;
    return r;
}

/* ---- native entry points ---- */

/* Encode and free p; the error text on failure. */
static StoffelResult encode(StfProgram *p, uint8_t **bytes, size_t *len, char **error)
{
    StflError e;
    int rc = stfl_write(p, bytes, len, &e);
    stf_program_free(p);
    if (rc != 0) {
        if (error) *error = dupstr(e.message);
        return STOFFEL_ERROR_LOAD;
    }
    return STOFFEL_OK;
}

StoffelResult stoffel_compile_to_binary(const char *source, const char *filename, unsigned char **out, size_t *out_len,
                                        char **error)
{
    if (error) *error = NULL;
    if (!source || !out || !out_len) {
        if (error) *error = dupstr("stoffel_compile_to_binary: source, out and out_len are required");
        return STOFFEL_ERROR_INVALID;
    }
    StfProgram p;
    char *err = NULL;
    if (lang_compile(filename ? filename : "<input>", source, strlen(source), NULL, &p, &err) != 0) {
        if (error)
            *error = err;
        else
            free(err);
        return STOFFEL_ERROR_LOAD;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    StoffelResult rc = encode(&p, &bytes, &len, error);
    if (rc != STOFFEL_OK) return rc;
    *out = bytes;
    *out_len = len;
    return STOFFEL_OK;
}

StoffelResult stoffel_compile_file(const char *src_path, const char *out_path, char **error)
{
    if (error) *error = NULL;
    if (!src_path) {
        if (error) *error = dupstr("stoffel_compile_file: no source path");
        return STOFFEL_ERROR_INVALID;
    }
    StfProgram p;
    char *err = NULL;
    if (lang_compile_file(src_path, NULL, &p, &err) != 0) {
        if (error)
            *error = err;
        else
            free(err);
        return STOFFEL_ERROR_LOAD;
    }
    char def[4096];
    if (!out_path) {
        snprintf(def, sizeof def, "%s", src_path);
        char *dot = strrchr(def, '.');
        if (dot && strcmp(dot, ".stfl") == 0) *dot = 0;
        strncat(def, ".stflb", sizeof def - strlen(def) - 1);
        out_path = def;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    StoffelResult rc = encode(&p, &bytes, &len, error);
    if (rc != STOFFEL_OK) return rc;
    FILE *f = fopen(out_path, "wb");
    bool ok = f && fwrite(bytes, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = false;
    free(bytes);
    if (!ok) {
        if (error) {
            char msg[4200];
            snprintf(msg, sizeof msg, "cannot write %s", out_path);
            *error = dupstr(msg);
        }
        return STOFFEL_ERROR_IO;
    }
    return STOFFEL_OK;
}
