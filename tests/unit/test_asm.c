/* test_asm.c: the text assembler and disassembler.
 *
 * Checks that every instruction and constant form assembles to the expected
 * model, that errors point at the right line/column, and that disassembly
 * re-assembles to an identical program (pool, label order, types, manifest),
 * including odd models only exact raw forms can express. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/asm.h"
#include "bytecode/disasm.h"
#include "unit.h"

/* ---- helpers ------------------------------------------------------------ */

static int parse(const char *text, StfProgram *p, AsmError *e) { return asm_parse(text, strlen(text), p, e); }

/* Parses text that must be valid; reports the error if not. */
static bool parse_ok(const char *text, StfProgram *p)
{
    AsmError e;
    if (parse(text, p, &e) == 0) return true;
    fprintf(stderr, "  unexpected error %u:%u: %s\n", e.line, e.col, e.message);
    return false;
}

static uint64_t float_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static bool str_is(const StfStr *s, const char *want)
{
    return s->s && s->len == strlen(want) && memcmp(s->s, want, s->len) == 0;
}

static bool bytes_are(const uint8_t *p, uint32_t len, const uint8_t *want, uint32_t want_len)
{
    return len == want_len && (len == 0 || memcmp(p, want, len) == 0);
}

/* Exact equality of two constants: tag and raw payload. */
static bool const_identical(const StfConst *a, const StfConst *b)
{
    if (a->tag != b->tag) return false;
    switch (a->tag) {
    case STF_K_UNIT: return true;
    case STF_K_BOOL: return a->as.b == b->as.b;
    case STF_K_STRING: return a->as.str.len == b->as.str.len && memcmp(a->as.str.s, b->as.str.s, a->as.str.len) == 0;
    default: return a->as.u == b->as.u;
    }
}

static bool share_list_identical(const StfShareType *a, const StfShareType *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i].tag != b[i].tag || a[i].bits != b[i].bits || a[i].frac != b[i].frac) return false;
    return true;
}

/* Everything the writer would put in the file is the same. */
static bool programs_identical(const StfProgram *a, const StfProgram *b)
{
    if (a->version != b->version || a->const_count != b->const_count || a->func_count != b->func_count) return false;
    for (uint32_t i = 0; i < a->const_count; i++)
        if (!const_identical(&a->consts[i], &b->consts[i])) return false;
    for (uint32_t i = 0; i < a->func_count; i++) {
        const StfFunction *f = &a->funcs[i], *g = &b->funcs[i];
        if (!stf_function_equal(f, g) || f->parent_flag != g->parent_flag) return false;
        for (uint32_t l = 0; l < f->label_count; l++) /* list order, not just the set */
            if (f->labels[l].target != g->labels[l].target || f->labels[l].name.len != g->labels[l].name.len ||
                memcmp(f->labels[l].name.s, g->labels[l].name.s, f->labels[l].name.len) != 0)
                return false;
    }
    const StfManifest *m = &a->manifest, *n = &b->manifest;
    if (m->backend != n->backend || m->curve != n->curve || m->client_count != n->client_count ||
        m->triples != n->triples || m->randoms != n->randoms || m->prandbits != n->prandbits ||
        m->prandints != n->prandints || m->dynamic != n->dynamic)
        return false;
    for (uint32_t i = 0; i < m->client_count; i++) {
        const StfClientSchema *c = &m->clients[i], *d = &n->clients[i];
        if (c->slot != d->slot || c->input_count != d->input_count || c->output_count != d->output_count ||
            !share_list_identical(c->inputs, d->inputs, c->input_count) ||
            !share_list_identical(c->outputs, d->outputs, c->output_count))
            return false;
    }
    return true;
}

/* disasm -> asm gives an identical program; returns the text (caller frees). */
static char *check_round_trip(const StfProgram *p)
{
    char *text = disasm_program(p);
    CHECK(text != NULL);
    if (!text) return NULL;
    StfProgram q;
    AsmError e;
    int rc = asm_parse(text, strlen(text), &q, &e);
    CHECK_MSG(rc == 0, "re-assembly failed at %u:%u: %s\n%s", e.line, e.col, e.message, text);
    if (rc == 0) {
        CHECK_MSG(programs_identical(p, &q), "round trip differs:\n%s", text);
        char *again = disasm_program(&q);
        CHECK(again && strcmp(again, text) == 0); /* text is a fixed point too */
        free(again);
        stf_program_free(&q);
    }
    return text;
}

static void expect_error(const char *text, uint32_t line, uint32_t col, const char *msg_part, int src_line)
{
    StfProgram p;
    AsmError e;
    memset(&p, 0xab, sizeof p);
    int rc = parse(text, &p, &e);
    CHECK_MSG(rc == -1, "line %d: expected an error for: %s", src_line, text);
    if (rc != -1) {
        stf_program_free(&p);
        return;
    }
    CHECK_MSG(e.line == line && e.col == col, "line %d: error at %u:%u, want %u:%u (%s)", src_line, e.line, e.col, line,
              col, e.message);
    CHECK_MSG(strstr(e.message, msg_part) != NULL, "line %d: message \"%s\" lacks \"%s\"", src_line, e.message,
              msg_part);
    CHECK_MSG(p.func_count == 0 && p.const_count == 0 && p.funcs == NULL && p.consts == NULL,
              "line %d: output not left empty", src_line);
}
#define EXPECT_ERROR(text, line, col, part) expect_error(text, line, col, part, __LINE__)

/* ---- instruction forms ---------------------------------------------------- */

TEST(instruction_forms)
{
    StfProgram p;
    const char *src = ".function main regs=65535\n"
                      "  ld r1, -1\n"
                      "  LD r2, 2147483647\n"
                      "  Mov r3, r4\n"
                      "  ADD r5, r6, r7\n  SUB r1, r2, r3\n  MUL r1, r2, r3\n  DIV r1, r2, r3\n  MOD r1, r2, r3\n"
                      "  AND r1, r2, r3\n  OR r1, r2, r3\n  XOR r1, r2, r3\n  NOT r8, r9\n  SHL r1, r2, r3\n"
                      "  SHR r1,r2,r3\n"
                      "top: JMP top\n  JMPEQ top\n  JMPNEQ top\n  JMPLT top\n  JMPGT top\n"
                      "  CALL Share.open\n  CALL \"odd name\"\n  CALL a::b\n"
                      "  RET r0\n  PUSHARG r10\n  CMP r11, r12\n  NOP\n  LDS r13, 4294967295\n  STS 7, r14\n"
                      "  LD r0, -2147483648\n  RET r65535\n"
                      ".end\n";
    if (!parse_ok(src, &p)) {
        CHECK(false);
        return;
    }
    CHECK(p.func_count == 1);
    const StfFunction *f = &p.funcs[0];
    CHECK(f->instr_count == 30);
    const StfInstr *in = f->instrs;
    CHECK(in[0].op == STF_OP_LD && in[0].a == 1 && in[0].off == -1 && in[0].line == 2);
    CHECK(in[1].op == STF_OP_LD && in[1].a == 2 && in[1].off == INT32_MAX);
    CHECK(in[2].op == STF_OP_MOV && in[2].a == 3 && in[2].b == 4);
    CHECK(in[3].op == STF_OP_ADD && in[3].a == 5 && in[3].b == 6 && in[3].c == 7);
    const int alu[] = { STF_OP_SUB, STF_OP_MUL, STF_OP_DIV, STF_OP_MOD, STF_OP_AND, STF_OP_OR, STF_OP_XOR };
    for (int i = 0; i < 7; i++)
        CHECK(in[4 + i].op == alu[i] && in[4 + i].a == 1 && in[4 + i].b == 2 && in[4 + i].c == 3);
    CHECK(in[11].op == STF_OP_NOT && in[11].a == 8 && in[11].b == 9);
    CHECK(in[12].op == STF_OP_SHL && in[13].op == STF_OP_SHR && in[13].c == 3);
    const int jumps[] = { STF_OP_JMP, STF_OP_JMPEQ, STF_OP_JMPNEQ, STF_OP_JMPLT, STF_OP_JMPGT };
    for (int i = 0; i < 5; i++) CHECK(in[14 + i].op == jumps[i] && str_is(&in[14 + i].name, "top"));
    CHECK(in[19].op == STF_OP_CALL && str_is(&in[19].name, "Share.open"));
    CHECK(str_is(&in[20].name, "odd name") && str_is(&in[21].name, "a::b"));
    CHECK(in[22].op == STF_OP_RET && in[22].a == 0);
    CHECK(in[23].op == STF_OP_PUSHARG && in[23].a == 10);
    CHECK(in[24].op == STF_OP_CMP && in[24].a == 11 && in[24].b == 12);
    CHECK(in[25].op == STF_OP_NOP);
    CHECK(in[26].op == STF_OP_LDS && in[26].a == 13 && in[26].b == UINT32_MAX);
    CHECK(in[27].op == STF_OP_STS && in[27].a == 7 && in[27].b == 14); /* slot first, as on the wire */
    CHECK(in[28].off == INT32_MIN);
    CHECK(in[29].a == 65535);
    CHECK(f->label_count == 1 && str_is(&f->labels[0].name, "top") && f->labels[0].target == 14);
    CHECK(f->line == 1 && f->instrs[14].line == 16 && f->instrs[29].line == 31);
    stf_program_free(&p);
}

/* ---- constants -------------------------------------------------------------- */

/* Assembles `LDI r0, <lit>` and returns the constant it resolved to. */
static bool literal(const char *lit, StfConst *out, StfProgram *p)
{
    char src[512];
    snprintf(src, sizeof src, ".function f\nLDI r0, %s\n.end\n", lit);
    if (!parse_ok(src, p)) return false;
    if (p->const_count != 1 || p->funcs[0].instrs[0].b != 0) return false;
    *out = p->consts[0];
    return true;
}

#define CHECK_LIT(lit, want_tag, cond)                                     \
    do {                                                                   \
        StfProgram p_;                                                     \
        StfConst k;                                                        \
        bool ok_ = literal(lit, &k, &p_);                                  \
        CHECK_MSG(ok_ &&k.tag == (want_tag) && (cond), "literal %s", lit); \
        if (ok_) stf_program_free(&p_);                                    \
    } while (0)

TEST(constant_forms)
{
    CHECK_LIT("42", STF_K_I64, k.as.i == 42);
    CHECK_LIT("-7", STF_K_I64, k.as.i == -7);
    CHECK_LIT("42i64", STF_K_I64, k.as.i == 42);
    CHECK_LIT("-9223372036854775808", STF_K_I64, k.as.i == INT64_MIN);
    CHECK_LIT("9223372036854775807i64", STF_K_I64, k.as.i == INT64_MAX);
    CHECK_LIT("42i32", STF_K_I32, k.as.i == 42);
    CHECK_LIT("-2147483648i32", STF_K_I32, k.as.i == INT32_MIN);
    CHECK_LIT("-3i16", STF_K_I16, k.as.i == -3);
    CHECK_LIT("7i8", STF_K_I8, k.as.i == 7);
    CHECK_LIT("-128i8", STF_K_I8, k.as.i == -128);
    CHECK_LIT("127i8", STF_K_I8, k.as.i == 127);
    CHECK_LIT("7u8", STF_K_U8, k.as.u == 7);
    CHECK_LIT("255u8", STF_K_U8, k.as.u == 255);
    CHECK_LIT("7u16", STF_K_U16, k.as.u == 7);
    CHECK_LIT("7u32", STF_K_U32, k.as.u == 7);
    CHECK_LIT("7u64", STF_K_U64, k.as.u == 7);
    CHECK_LIT("18446744073709551615u64", STF_K_U64, k.as.u == UINT64_MAX);
    CHECK_LIT("1.5", STF_K_FLOAT, k.as.u == float_bits(1.5));
    CHECK_LIT("-0.0", STF_K_FLOAT, k.as.u == 0x8000000000000000ull);
    CHECK_LIT("1e10", STF_K_FLOAT, k.as.u == float_bits(1e10));
    CHECK_LIT("2.5e-3", STF_K_FLOAT, k.as.u == float_bits(2.5e-3));
    CHECK_LIT("1.5f64", STF_K_FLOAT, k.as.u == float_bits(1.5));
    CHECK_LIT("1f64", STF_K_FLOAT, k.as.u == float_bits(1.0));
    CHECK_LIT("0.1", STF_K_FLOAT, k.as.u == float_bits(0.1));
    CHECK_LIT("nan", STF_K_FLOAT, k.as.u == 0x7ff8000000000000ull);
    CHECK_LIT("inf", STF_K_FLOAT, k.as.u == float_bits(INFINITY));
    CHECK_LIT("-inf", STF_K_FLOAT, k.as.u == float_bits(-INFINITY));
    CHECK_LIT("true", STF_K_BOOL, k.as.b == 1);
    CHECK_LIT("false", STF_K_BOOL, k.as.b == 0);
    CHECK_LIT("()", STF_K_UNIT, true);
    CHECK_LIT("\"text\"", STF_K_STRING, str_is(&k.as.str, "text"));
    CHECK_LIT("\"\"", STF_K_STRING, k.as.str.len == 0);
    CHECK_LIT("\"a\\n\\t\\r\\\\\\\"\\x41\\u{e9}\\u{1F600}\"", STF_K_STRING,
              str_is(&k.as.str, "a\n\t\r\\\"A\xc3\xa9\xf0\x9f\x98\x80"));
    CHECK_LIT("\"nul\\0in\"", STF_K_STRING, k.as.str.len == 6 && memcmp(k.as.str.s, "nul\0in", 6) == 0);
    CHECK_LIT("\"h\xc3\xa9llo ; # not a comment\"", STF_K_STRING, str_is(&k.as.str, "h\xc3\xa9llo ; # not a comment"));
}

TEST(pool_dedup_order)
{
    StfProgram p;
    const char *src = ".function a\n"
                      "  LDI r0, 5\n  LDI r1, 5i32\n  LDI r2, \"s\"\n  LDI r3, 5\n  LDI r4, 0.0\n  LDI r5, -0.0\n"
                      ".end\n"
                      ".function b\n"
                      "  LDI r0, true\n  LDI r1, \"s\"\n  LDI r2, nan\n  LDI r3, 5u8\n  LDI r0, #1\n  LDI r1, 5i32\n"
                      "  LDI r2, ()\n  LDI r3, ()\n"
                      ".end\n";
    if (!parse_ok(src, &p)) {
        CHECK(false);
        return;
    }
    /* first-occurrence order across functions; floats by exact bits, so
     * -0.0 and 0.0 are two entries; I64 5 != I32 5 != U8 5 */
    CHECK(p.const_count == 9);
    CHECK(p.consts[0].tag == STF_K_I64 && p.consts[1].tag == STF_K_I32 && p.consts[2].tag == STF_K_STRING);
    CHECK(p.consts[3].tag == STF_K_FLOAT && p.consts[3].as.u == 0);
    CHECK(p.consts[4].tag == STF_K_FLOAT && p.consts[4].as.u == 0x8000000000000000ull);
    CHECK(p.consts[5].tag == STF_K_BOOL && p.consts[6].tag == STF_K_FLOAT && p.consts[7].tag == STF_K_U8);
    CHECK(p.consts[8].tag == STF_K_UNIT);
    const StfInstr *a = p.funcs[0].instrs, *b = p.funcs[1].instrs;
    CHECK(a[0].b == 0 && a[1].b == 1 && a[2].b == 2 && a[3].b == 0 && a[4].b == 3 && a[5].b == 4);
    CHECK(b[0].b == 5 && b[1].b == 2 && b[2].b == 6 && b[3].b == 7 && b[4].b == 1 && b[5].b == 1);
    CHECK(b[6].b == 8 && b[7].b == 8);
    char *text = check_round_trip(&p);
    CHECK(text && strstr(text, ".const") == NULL); /* literals alone rebuild this pool */
    free(text);
    stf_program_free(&p);
}

TEST(explicit_pool)
{
    StfProgram p;
    const char *src = ".version 3\n"
                      ".const I64 7\n.const I64 7\n.const F64 bits=0x7ff8000000000001\n.const F64 -0.0\n"
                      ".const BOOL byte=2\n.const BOOL false\n.const STRING \"x\"\n.const UNIT\n"
                      ".const I32 -1\n.const I16 -32768\n.const I8 -128\n.const U8 255\n.const U16 65535\n"
                      ".const U32 4294967295\n.const U64 18446744073709551615\n.const F64 2\n.const float inf\n"
                      ".function main\n"
                      "  LDI r0, 7\n  LDI r1, #1\n  LDI r2, nan\n  LDI r3, 0.0\n  LDI r4, true\n  LDI r5, 8\n"
                      ".end\n";
    if (!parse_ok(src, &p)) {
        CHECK(false);
        return;
    }
    CHECK(p.version == 3 && p.const_count == 20);
    CHECK(p.consts[2].tag == STF_K_FLOAT && p.consts[2].as.u == 0x7ff8000000000001ull);
    CHECK(p.consts[3].as.u == 0x8000000000000000ull);
    CHECK(p.consts[4].tag == STF_K_BOOL && p.consts[4].as.b == 2);
    CHECK(p.consts[7].tag == STF_K_UNIT);
    CHECK(p.consts[8].tag == STF_K_I32 && p.consts[8].as.i == -1);
    CHECK(p.consts[9].as.i == INT16_MIN && p.consts[10].as.i == INT8_MIN);
    CHECK(p.consts[14].tag == STF_K_U64 && p.consts[14].as.u == UINT64_MAX);
    CHECK(p.consts[15].tag == STF_K_FLOAT && p.consts[15].as.u == float_bits(2.0));
    CHECK(p.consts[16].as.u == float_bits(INFINITY));
    /* literals find the first equal entry (floats by exact bits: `nan` is not
     * the payload NaN, 0.0 is not -0.0); a missing one is appended */
    const StfInstr *in = p.funcs[0].instrs;
    CHECK(in[0].b == 0 && in[1].b == 1 && in[2].b == 17 && in[3].b == 18 && in[4].b == 4 && in[5].b == 19);
    CHECK(p.consts[17].tag == STF_K_FLOAT && p.consts[17].as.u == 0x7ff8000000000000ull);
    CHECK(p.consts[18].tag == STF_K_FLOAT && p.consts[18].as.u == 0);
    CHECK(p.consts[19].tag == STF_K_I64 && p.consts[19].as.i == 8);
    char *text = check_round_trip(&p);
    CHECK(text && strstr(text, ".const F64 bits=0x7ff8000000000001") && strstr(text, ".const BOOL byte=2"));
    CHECK(text && strstr(text, "LDI     r1, #1\n") && strstr(text, "LDI     r0, 7\n"));
    free(text);
    stf_program_free(&p);
}

/* ---- labels, registers, attributes, types ---------------------------------- */

TEST(labels)
{
    StfProgram p;
    const char *src = ".function f\n"
                      "start: b: NOP\n"
                      "  JMP done\n"
                      "\"sp ace\":\n"
                      "  JMPEQ \"sp ace\"\n"
                      "unused:\n"
                      "done:\n"
                      ".end\n"
                      ".function g\n"
                      "  .label_order z, y, x, far\n"
                      "x: NOP\n"
                      "y: NOP\n"
                      "  .label far 99\n"
                      "z:\n"
                      ".end\n";
    if (!parse_ok(src, &p)) {
        CHECK(false);
        return;
    }
    const StfFunction *f = &p.funcs[0], *g = &p.funcs[1];
    CHECK(f->label_count == 5);
    CHECK(str_is(&f->labels[0].name, "start") && f->labels[0].target == 0);
    CHECK(str_is(&f->labels[1].name, "b") && f->labels[1].target == 0);
    CHECK(str_is(&f->labels[2].name, "sp ace") && f->labels[2].target == 2);
    CHECK(str_is(&f->labels[3].name, "unused") && f->labels[3].target == 3);
    CHECK(str_is(&f->labels[4].name, "done") && f->labels[4].target == 3); /* at the end */
    CHECK(g->label_count == 4);
    CHECK(str_is(&g->labels[0].name, "z") && g->labels[0].target == 2);
    CHECK(str_is(&g->labels[1].name, "y") && g->labels[1].target == 1);
    CHECK(str_is(&g->labels[2].name, "x") && g->labels[2].target == 0);
    CHECK(str_is(&g->labels[3].name, "far") && g->labels[3].target == 99);
    char *text = check_round_trip(&p);
    CHECK(text && strstr(text, ".label_order z, y, x, far") && strstr(text, ".label far 99"));
    free(text);
    stf_program_free(&p);
}

TEST(register_count)
{
    StfProgram p;
    const char *src = ".function a\n  ADD r2, r0, r7\n.end\n"
                      ".function b\n.end\n"
                      ".function c params=x,y,z\n  RET r0\n.end\n"
                      ".function d regs=0\n  RET r5\n.end\n"
                      ".function e\n  LDS r3, 100\n  STS 200, r4\n.end\n"
                      ".function f regs=65535\n  MOV r65534, r16\n.end\n";
    if (!parse_ok(src, &p)) {
        CHECK(false);
        return;
    }
    CHECK(p.funcs[0].register_count == 8);
    CHECK(p.funcs[1].register_count == 1);
    CHECK(p.funcs[2].register_count == 3);
    CHECK(p.funcs[3].register_count == 0); /* stored as given (compact counts) */
    CHECK(p.funcs[4].register_count == 5); /* slots do not count */
    CHECK(p.funcs[5].register_count == 65535);
    free(check_round_trip(&p));
    stf_program_free(&p);
}

TEST(function_attributes)
{
    StfProgram p;
    const char *src = ".function \"Point::new\" regs=3 params=x,y upvalues=u1,a::b parent=Point\n.end\n"
                      ".function odd parent_flag=2\n.end\n"
                      ".function typed params=a:int64,b:fix64 returns=void\n.end\n"
                      ".function r params=a,b returns=bool\n.end\n"
                      ".function r0 returns=nil\n.end\n"
                      ".function t params=a:string, b:uint8\n.end\n";
    if (!parse_ok(src, &p)) {
        CHECK(false);
        return;
    }
    const StfFunction *f = &p.funcs[0];
    CHECK(str_is(&f->name, "Point::new") && f->register_count == 3);
    CHECK(f->param_count == 2 && str_is(&f->params[0], "x") && str_is(&f->params[1], "y"));
    CHECK(f->upvalue_count == 2 && str_is(&f->upvalues[1], "a::b"));
    CHECK(f->parent_flag == 1 && str_is(&f->parent, "Point"));
    CHECK(f->param_types == NULL && f->param_types_len == 0 && f->ret_type == NULL && f->ret_type_len == 0);
    CHECK(p.funcs[1].parent_flag == 2 && p.funcs[1].parent.s == NULL);
    static const uint8_t typed_params[] = { 0, 1, 64, 13 }, void_t[] = { 5 };
    CHECK(bytes_are(p.funcs[2].param_types, p.funcs[2].param_types_len, typed_params, 4));
    CHECK(bytes_are(p.funcs[2].ret_type, p.funcs[2].ret_type_len, void_t, 1));
    static const uint8_t unknowns[] = { 12, 12 }, bool_t[] = { 3 }, nil_t[] = { 4 };
    CHECK(bytes_are(p.funcs[3].param_types, p.funcs[3].param_types_len, unknowns, 2));
    CHECK(bytes_are(p.funcs[3].ret_type, p.funcs[3].ret_type_len, bool_t, 1));
    CHECK(p.funcs[4].param_types_len == 0 && bytes_are(p.funcs[4].ret_type, p.funcs[4].ret_type_len, nil_t, 1));
    static const uint8_t t_params[] = { 2, 0, 0, 8 };
    CHECK(bytes_are(p.funcs[5].param_types, p.funcs[5].param_types_len, t_params, 4));
    CHECK(p.funcs[5].ret_type == NULL);
    free(check_round_trip(&p));
    stf_program_free(&p);
}

/* Encodes one `returns=` type; compares with the expected ftype bytes. */
static void check_type(const char *type, const uint8_t *want, uint32_t want_len, int src_line)
{
    char src[512];
    StfProgram p;
    snprintf(src, sizeof src, ".function f returns=%s\n.end\n", type);
    if (!parse_ok(src, &p)) {
        CHECK_MSG(false, "line %d: type %s", src_line, type);
        return;
    }
    CHECK_MSG(bytes_are(p.funcs[0].ret_type, p.funcs[0].ret_type_len, want, want_len), "line %d: type %s", src_line,
              type);
    free(check_round_trip(&p));
    stf_program_free(&p);
}
#define CHECK_TYPE(type, ...)                        \
    do {                                             \
        static const uint8_t w_[] = { __VA_ARGS__ }; \
        check_type(type, w_, sizeof w_, __LINE__);   \
    } while (0)

TEST(type_encoding)
{
    CHECK_TYPE("int64", 0, 1, 64);
    CHECK_TYPE("int32", 0, 1, 32);
    CHECK_TYPE("int16", 0, 1, 16);
    CHECK_TYPE("int8", 0, 1, 8);
    CHECK_TYPE("uint64", 0, 0, 64);
    CHECK_TYPE("uint1", 0, 0, 1);
    CHECK_TYPE("int255", 0, 1, 255);
    CHECK_TYPE("int<2,7>", 0, 2, 7);
    CHECK_TYPE("float", 1);
    CHECK_TYPE("string", 2);
    CHECK_TYPE("bool", 3);
    CHECK_TYPE("nil", 4);
    CHECK_TYPE("void", 5);
    CHECK_TYPE("secret<int64>", 6, 0, 1, 64);
    CHECK_TYPE("list<fix32>", 7, 14, 32);
    CHECK_TYPE("dict<string, secret<fix64>>", 8, 2, 6, 13);
    CHECK_TYPE("object<Point>", 9, 5, 0, 'P', 'o', 'i', 'n', 't');
    CHECK_TYPE("object<\"a b\">", 9, 3, 0, 'a', ' ', 'b');
    CHECK_TYPE("generic<Pair;int64,typevar<T>>", 10, 4, 0, 'P', 'a', 'i', 'r', 2, 0, 0, 1, 64, 11, 1, 0, 'T');
    CHECK_TYPE("generic<Box>", 10, 3, 0, 'B', 'o', 'x', 0, 0);
    CHECK_TYPE("typevar<U>", 11, 1, 0, 'U');
    CHECK_TYPE("unknown", 12);
    CHECK_TYPE("fix64", 13);
    CHECK_TYPE("fix32", 14, 32);
    CHECK_TYPE("fix<64>", 14, 64);
    CHECK_TYPE("list<secret<uint8>>", 7, 6, 0, 0, 8);
}

TEST(manifest)
{
    StfProgram p;
    const char *src = ".backend avss\n.curve P-256\n"
                      ".client 7 inputs=int:64,uint:32,fixed:64:16 outputs=int:1\n"
                      ".client 9 outputs=fixed:128:32\n"
                      ".function main\n.end\n"
                      ".preprocessing triples=1 randoms=2 prandbits=3 prandints=4 dynamic=true\n";
    if (!parse_ok(src, &p)) {
        CHECK(false);
        return;
    }
    const StfManifest *m = &p.manifest;
    CHECK(m->backend == 1 && m->curve == 5 && m->client_count == 2);
    CHECK(m->clients[0].slot == 7 && m->clients[0].input_count == 3 && m->clients[0].output_count == 1);
    CHECK(m->clients[0].inputs[0].tag == 0 && m->clients[0].inputs[0].bits == 64);
    CHECK(m->clients[0].inputs[1].tag == 2 && m->clients[0].inputs[1].bits == 32);
    CHECK(m->clients[0].inputs[2].tag == 1 && m->clients[0].inputs[2].bits == 64 && m->clients[0].inputs[2].frac == 16);
    CHECK(m->clients[0].outputs[0].tag == 0 && m->clients[0].outputs[0].bits == 1);
    CHECK(m->clients[1].slot == 9 && m->clients[1].input_count == 0 && m->clients[1].outputs[0].bits == 128);
    CHECK(m->triples == 1 && m->randoms == 2 && m->prandbits == 3 && m->prandints == 4 && m->dynamic == 1);
    free(check_round_trip(&p));
    stf_program_free(&p);

    const char *curves[] = { "bls12-381", "bn254", "curve25519", "ed25519", "secp256k1", "p-256", "secp256r1" };
    for (int i = 0; i < 7; i++) {
        char src2[64];
        snprintf(src2, sizeof src2, ".curve %s\n", curves[i]);
        if (!parse_ok(src2, &p)) {
            CHECK(false);
            continue;
        }
        CHECK_MSG(p.manifest.curve == (i < 6 ? i : 5), "curve %s", curves[i]);
        stf_program_free(&p);
    }
}

/* ---- errors -------------------------------------------------------------------- */

TEST(errors)
{
    EXPECT_ERROR(".function f\n  FOO r1\n.end\n", 2, 3, "unknown mnemonic 'FOO'");
    EXPECT_ERROR(".function f\n  ADD r1, r2\n.end\n", 2, 13, "ADD expects 3 operands, got 2");
    EXPECT_ERROR(".function f\n  RET\n.end\n", 2, 6, "RET expects 1 operand, got 0");
    EXPECT_ERROR(".function f\n  RET r1, r2\n.end\n", 2, 9, "too many operands for RET (expects 1)");
    EXPECT_ERROR(".function f\n  NOP r1\n.end\n", 2, 7, "NOP takes no operands");
    EXPECT_ERROR(".function f\n  ADD r1, 5, r2\n.end\n", 2, 11, "expected a register (r0..r65535), found '5'");
    EXPECT_ERROR(".function f\n  ADD r1 r2, r3\n.end\n", 2, 10, "expected ',' after operand 1 of ADD");
    EXPECT_ERROR(".function f\n  MOV r1, r65536\n.end\n", 2, 11, "register r65536 out of range (r0..r65535)");
    EXPECT_ERROR(".function f\n  MOV r1, r99999999999999999999999\n.end\n", 2, 11, "out of range");
    EXPECT_ERROR(".function f\n  LD r1, 2147483648\n.end\n", 2, 10, "stack offset 2147483648 out of range");
    EXPECT_ERROR(".function f\n  LDS r1, 4294967296\n.end\n", 2, 11, "spill slot 4294967296 out of range");
    EXPECT_ERROR(".function f\n  LDI r0, 128i8\n.end\n", 2, 11, "integer 128 out of range for i8 (-128..127)");
    EXPECT_ERROR(".function f\n  LDI r0, -129i8\n.end\n", 2, 11, "out of range for i8");
    EXPECT_ERROR(".function f\n  LDI r0, 256u8\n.end\n", 2, 11, "integer 256 out of range for u8 (0..255)");
    EXPECT_ERROR(".function f\n  LDI r0, -1u32\n.end\n", 2, 11, "out of range for u32");
    EXPECT_ERROR(".function f\n  LDI r0, 18446744073709551616u64\n.end\n", 2, 11, "out of range for u64");
    EXPECT_ERROR(".function f\n  LDI r0, 9223372036854775808\n.end\n", 2, 11, "out of range for i64");
    EXPECT_ERROR(".function f\n  LDI r0, 5x\n.end\n", 2, 12, "unknown literal suffix 'x'");
    EXPECT_ERROR(".function f\n  LDI r0, 1.5i32\n.end\n", 2, 11, "is not an integer");
    EXPECT_ERROR(".function f\n  LDI r0, 1e999\n.end\n", 2, 11, "out of range");
    EXPECT_ERROR(".function f\n  LDI r0, \"a\\qb\"\n.end\n", 2, 13, "unknown escape '\\q'");
    EXPECT_ERROR(".function f\n  LDI r0, \"a\\x4\"\n.end\n", 2, 13, "bad escape '\\x'");
    EXPECT_ERROR(".function f\n  LDI r0, \"\\u{D800}\"\n.end\n", 2, 12, "not a Unicode scalar value");
    EXPECT_ERROR(".function f\n  LDI r0, \"abc\n.end\n", 2, 11, "unterminated string");
    EXPECT_ERROR(".function f\n  LDI r0, \"\\xff\"\n.end\n", 2, 11, "string is not valid UTF-8");
    EXPECT_ERROR(".function f\n  LDI r0, \"\xc3(\"\n.end\n", 2, 11, "not valid UTF-8");
    EXPECT_ERROR(".function f\n  CALL bad\xff\n.end\n", 2, 8, "not valid UTF-8");
    EXPECT_ERROR(".function f\n  LDI r0, foo\n.end\n", 2, 11, "expected a constant");
    EXPECT_ERROR(".function f\n  LDI r0, #0\n.end\n", 2, 11, "constant #0 out of range (the pool has 0 entries)");
    EXPECT_ERROR(".const I64 1\n.function f\n  LDI r0, #1\n.end\n", 3, 11, "constant #1 out of range");
    EXPECT_ERROR(".function f\n  JMP nowhere\n.end\n", 2, 7, "unknown label 'nowhere' in function 'f'");
    EXPECT_ERROR(".function f\nx: NOP\nx: NOP\n.end\n", 3, 1, "duplicate label 'x' in function 'f'");
    EXPECT_ERROR("NOP\n", 1, 1, "instruction NOP outside a function");
    EXPECT_ERROR("x:\n", 1, 1, "label 'x' outside a function");
    EXPECT_ERROR(".end\n", 1, 1, ".end without .function");
    EXPECT_ERROR("\n.function f\n  NOP\n", 2, 1, "missing .end for function 'f'");
    EXPECT_ERROR(".function f\n.function g\n.end\n", 2, 1, "missing .end before .function");
    EXPECT_ERROR(".foo\n", 1, 1, "unknown directive '.foo'");
    EXPECT_ERROR(".function f bogus=1\n.end\n", 1, 13, "unknown .function attribute 'bogus'");
    EXPECT_ERROR(".function f regs=1 regs=2\n.end\n", 1, 20, "duplicate attribute 'regs'");
    EXPECT_ERROR(".function f regs=65536\n.end\n", 1, 18, "register count 65536 out of range");
    EXPECT_ERROR(".function f returns=list<int64\n.end\n", 1, 31, "expected '>'");
    EXPECT_ERROR(".function f returns=blob\n.end\n", 1, 21, "unknown type 'blob'");
    EXPECT_ERROR(".function f returns=int0\n.end\n", 1, 21, "bit width in 'int0' must be 1..255");
    EXPECT_ERROR(".function f returns=int256\n.end\n", 1, 21, "must be 1..255");
    EXPECT_ERROR(".function f returns=fix<0>\n.end\n", 1, 25, "fixed-point width must be 1..255");
    EXPECT_ERROR(".function f params=a:int64,b\n.end\n", 1, 28, "parameter 'b' has no type");
    EXPECT_ERROR(".function f params=a,b:int64\n.end\n", 1, 22, "parameter 'b' has a type");
    EXPECT_ERROR(".function f\n  MOV r0, r65535\n.end\n", 1, 1, "needs 65536 registers");
    EXPECT_ERROR(".function f parent=p parent_flag=0\n.end\n", 1, 1, "parent= needs parent_flag=1");
    EXPECT_ERROR(".function f\n.end\n.const I64 1\n", 3, 1, ".const must come before the first .function");
    EXPECT_ERROR(".const I32 2147483648\n", 1, 12, "out of range for i32");
    EXPECT_ERROR(".const I32 5i64\n", 1, 13, "does not match");
    EXPECT_ERROR(".const BOOL 1\n", 1, 13, "expected true, false or byte=N");
    EXPECT_ERROR(".const WORD 1\n", 1, 8, "unknown constant type 'WORD'");
    EXPECT_ERROR(".version 10\n", 1, 10, "unsupported format version 10");
    EXPECT_ERROR(".version 9\n.version 9\n", 2, 1, "duplicate .version");
    EXPECT_ERROR(".backend spdz\n", 1, 10, "unknown MPC backend 'spdz'");
    EXPECT_ERROR(".curve p-384\n", 1, 8, "unknown MPC curve 'p-384'");
    EXPECT_ERROR(".client 1 inputs=int:0\n", 1, 18, "share bit width must be at least 1");
    EXPECT_ERROR(".client 1 inputs=fixed:64:64\n", 1, 18, "fractional bits < total bits");
    EXPECT_ERROR(".client 1 inputs=float:64\n", 1, 18, "unknown share type 'float'");
    EXPECT_ERROR(".preprocessing triples=-1\n", 1, 24, "expected triples (a number)");
    EXPECT_ERROR(".function f\n.backend avss\n.end\n", 2, 1, "not allowed inside function 'f'");
    EXPECT_ERROR(".function f\n.label_order a\na: NOP\nb: NOP\n.end\n", 2, 1, "label 'b' is missing from .label_order");
    EXPECT_ERROR(".function f\n.label_order a, c\na: NOP\n.end\n", 2, 17, "label 'c' in .label_order is not defined");
    EXPECT_ERROR(".function f\n.label_order a, a\na: NOP\n.end\n", 2, 17, "listed twice");
    EXPECT_ERROR(".function f\n  NOP ,\n.end\n", 2, 7, "NOP takes no operands");
    EXPECT_ERROR(".function f\n  ADD r1, r2, r3 r4\n.end\n", 2, 18, "unexpected 'r4' at end of statement");
    EXPECT_ERROR(".function f\n  @\n.end\n", 2, 3, "unexpected '@'");
    EXPECT_ERROR("\xff\n", 1, 1, "unknown mnemonic");
    EXPECT_ERROR("\x01\n", 1, 1, "unexpected '?'");
    /* exact messages */
    StfProgram p;
    AsmError e;
    CHECK(parse(".function main\n  JMPLT loop\n.end\n", &p, &e) == -1);
    CHECK_STR(e.message, "unknown label 'loop' in function 'main'");
    CHECK(parse(".function main\n  LDI r0, 300u8\n.end\n", &p, &e) == -1);
    CHECK_STR(e.message, "integer 300 out of range for u8 (0..255)");
    CHECK(parse(".function main\n  MUL r1, r2\n.end\n", &p, &e) == -1);
    CHECK_STR(e.message, "MUL expects 3 operands, got 2");
    CHECK(e.line == 2 && e.col == 13);
}

/* Input is a length-counted buffer: no NUL terminator, NULs inside. */
TEST(raw_buffers)
{
    const char text[] = ".function f\n  NOP\n.end";
    size_t n = sizeof text - 1;
    char *exact = malloc(n); /* no terminator: ASan catches overreads */
    memcpy(exact, text, n);
    StfProgram p;
    AsmError e;
    CHECK(asm_parse(exact, n, &p, &e) == 0 && p.func_count == 1 && p.funcs[0].instr_count == 1);
    stf_program_free(&p);
    CHECK(asm_parse(exact, n - 4, &p, &e) == -1 && strstr(e.message, "missing .end")); /* cut short */
    free(exact);

    const char with_nul[] = ".function f\n  LDI r0, \"a\0b\"\n  NOP\0\n.end\n";
    CHECK(asm_parse(with_nul, sizeof with_nul - 1, &p, &e) == -1 && e.line == 3 && e.col == 6);
    const char nul_string[] = ".function f\n  LDI r0, \"a\0b\"\n.end\n";
    CHECK(asm_parse(nul_string, sizeof nul_string - 1, &p, &e) == 0 && p.consts[0].as.str.len == 3);
    stf_program_free(&p);
    const char nul_name[] = ".function f\n  CALL \"a\\0b\"\n.end\n";
    CHECK(asm_parse(nul_name, sizeof nul_name - 1, &p, &e) == -1 && strstr(e.message, "NUL"));
    CHECK(asm_parse(NULL, 0, &p, &e) == 0 && p.func_count == 0 && p.version == 9);
    stf_program_free(&p);
    CHECK(parse("\r\n# only a comment\r\n", &p, &e) == 0 && p.func_count == 0);
    stf_program_free(&p);
}

/* ---- round trips ----------------------------------------------------------------- */

static const char kitchen_sink[] =
    "# every opcode, constant type, type tag, manifest field\n"
    ".version 9\n"
    ".backend avss\n"
    ".curve bn254\n"
    ".client 7 inputs=int:64,uint:32,fixed:64:16 outputs=int:1\n"
    ".client 9 outputs=fixed:128:32\n"
    ".preprocessing triples=1 randoms=2 prandbits=3 prandints=18446744073709551615 dynamic=2\n"
    ".const UNIT\n.const I64 -5\n.const I32 -7\n.const I16 -300\n.const I8 -2\n.const U8 200\n"
    ".const U16 60000\n.const U32 4000000000\n.const U64 18446744073709551615\n.const F64 1.5\n"
    ".const F64 -0.0\n.const BOOL true\n.const BOOL false\n.const STRING \"h\\u{e9}llo\"\n"
    ".const STRING \"\"\n.const I64 -5\n.const F64 bits=0xfff8000000000123\n.const BOOL byte=7\n"
    ".const F64 0.1\n.const F64 5e-324\n.const F64 1.7976931348623157e308\n.const F64 nan\n"
    ".const STRING \"tab\\there \\\"q\\\" \\\\ \\x7f \\0\"\n.const F64 0.0\n"
    "\n"
    ".function main regs=1 returns=void\n"
    "  LDI r0, #1\n"
    "  RET r0\n"
    ".end\n"
    ".function kitchen regs=17 params=p0:int64,p1:uint32,p2:float,p3:fix64,p4:fix32,p5:string,"
    "p6:bool,p7:nil,p8:void,p9:secret<int64>,p10:list<fix32>,p11:dict<string,secret<fix64>>,"
    "p12:object<Point>,p13:generic<Pair;int64,typevar<T>>,p14:typevar<U>,p15:unknown "
    "upvalues=up_a,up_b parent=main returns=list<secret<uint8>>\n"
    "  .label_order L, end, \"q uoted\", far\n"
    "  .label far 1000\n"
    "  NOP\n  LD r1, -2\n"
    "L: LDI r2, #13\n  MOV r3, r2\n"
    "  ADD r4, r5, r6\n  SUB r4, r5, r6\n  MUL r4, r5, r6\n  DIV r4, r5, r6\n  MOD r4, r5, r6\n"
    "  AND r4, r5, r6\n  OR r4, r5, r6\n  XOR r4, r5, r6\n  NOT r7, r8\n  SHL r4, r5, r6\n  SHR r4, r5, r6\n"
    "\"q uoted\":\n"
    "  JMP L\n  JMPEQ L\n  JMPNEQ end\n  JMPLT \"q uoted\"\n  JMPGT L\n"
    "  CALL Share.open\n  PUSHARG r16\n  CMP r1, r2\n  LDS r3, 7\n  STS 7, r3\n"
    "  LDI r0, #0\n  LDI r0, #2\n  LDI r0, #3\n  LDI r0, #4\n  LDI r0, #5\n  LDI r0, #6\n  LDI r0, #7\n"
    "  LDI r0, #8\n  LDI r0, #9\n  LDI r0, #10\n  LDI r0, #11\n  LDI r0, #12\n  LDI r0, #14\n  LDI r0, #15\n"
    "  LDI r0, #16\n  LDI r0, #17\n  LDI r0, #18\n  LDI r0, #19\n  LDI r0, #20\n  LDI r0, #21\n  LDI r0, #22\n"
    "  LDI r0, #23\n"
    "  RET r0\n"
    "end:\n"
    ".end\n"
    ".function main regs=1 returns=void\n" /* an identical duplicate, as old compilers wrote */
    "  LDI r0, #1\n"
    "  RET r0\n"
    ".end\n"
    ".function odd regs=0 params=\"with:colon\",b parent_flag=2 returns=fix<64>\n"
    "  .label_order z, a\n"
    "a: CALL \"we ird\\n\"\n"
    "z: RET r3\n"
    ".end\n"
    ".function raw_int params=x:int<2,64>\n"
    ".end\n";

TEST(round_trip_kitchen_sink)
{
    StfProgram p;
    if (!parse_ok(kitchen_sink, &p)) {
        CHECK(false);
        return;
    }
    CHECK(p.const_count == 24 && p.func_count == 5);
    const StfFunction *k = &p.funcs[1];
    CHECK(k->param_count == 16 && k->upvalue_count == 2 && k->parent_flag == 1 && k->label_count == 4);
    CHECK(str_is(&k->labels[0].name, "L") && str_is(&k->labels[1].name, "end"));
    CHECK(k->labels[1].target == k->instr_count && k->labels[3].target == 1000);
    CHECK(stf_function_equal(&p.funcs[0], &p.funcs[2]));
    char *text = check_round_trip(&p);
    free(text);

    /* a model the reader could produce that text never spelled this way:
     * labels in arbitrary order, i8 stored sign-extended, ret type alone */
    StfLabel tmp = k->labels[0];
    p.funcs[1].labels[0] = p.funcs[1].labels[2];
    p.funcs[1].labels[2] = tmp;
    free(check_round_trip(&p));
    stf_program_free(&p);
}

/* Implicit-pool programs disassemble to literals only. */
TEST(disasm_text)
{
    StfProgram p;
    const char *src = ".function main\n"
                      "  LDI r0, 6\n  LDI r1, 1.5\n  LDI r2, \"a\\\"b\"\n"
                      "loop:\n"
                      "  CMP r0, r1\n  JMPLT loop\n  CALL \"Share.open\"\n  RET r2\n"
                      ".end\n";
    if (!parse_ok(src, &p)) {
        CHECK(false);
        return;
    }
    char *text = disasm_program(&p);
    CHECK_STR(text, "# StoffelVM assembly\n"
                    ".version 9\n"
                    "\n"
                    ".function main regs=3\n"
                    "    LDI     r0, 6\n"
                    "    LDI     r1, 1.5\n"
                    "    LDI     r2, \"a\\\"b\"\n"
                    "loop:\n"
                    "    CMP     r0, r1\n"
                    "    JMPLT   loop\n"
                    "    CALL    Share.open\n"
                    "    RET     r2\n"
                    ".end\n");
    free(text);
    stf_program_free(&p);

    /* a pool the literals cannot rebuild (unused entry) is written out */
    if (!parse_ok(".const I64 1\n.const I64 2\n.function f\n  LDI r0, 2\n.end\n", &p)) {
        CHECK(false);
        return;
    }
    text = disasm_program(&p);
    CHECK(text && strstr(text, ".const I64 1    # 0\n.const I64 2    # 1\n") && strstr(text, "LDI     r0, 2\n"));
    free(text);
    stf_program_free(&p);
}

/* Every prefix of the kitchen sink and many one-byte mutations must parse or
 * fail cleanly (ASan/UBSan watch for overreads, leaks, UB), and whatever
 * parses must round-trip. */
TEST(mutations_never_crash)
{
    size_t n = sizeof kitchen_sink - 1;
    char *buf = malloc(n);
    int parsed = 0, failed = 0;
    for (size_t len = 0; len <= n; len += 3) {
        memcpy(buf, kitchen_sink, len);
        StfProgram p;
        AsmError e;
        if (asm_parse(buf, len, &p, &e) == 0) {
            parsed++;
            free(check_round_trip(&p));
            stf_program_free(&p);
        } else {
            failed++;
            CHECK(e.line >= 1 && e.col >= 1 && e.message[0]);
        }
    }
    static const char repl[] = { 0, '\n', '"', '\\', '#', ',', ':', '<', '>', '9', '-', 'r', '.', (char)0xc3 };
    uint32_t seed = 12345;
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(buf, kitchen_sink, n);
        seed = seed * 1103515245u + 12345u;
        size_t at = (seed >> 8) % n;
        buf[at] = repl[(seed >> 4) % sizeof repl];
        StfProgram p;
        AsmError e;
        if (asm_parse(buf, n, &p, &e) == 0) {
            parsed++;
            free(check_round_trip(&p));
            stf_program_free(&p);
        } else {
            failed++;
        }
    }
    CHECK(parsed > 0 && failed > 0);
    free(buf);
}

int main(void)
{
    RUN(instruction_forms);
    RUN(constant_forms);
    RUN(pool_dedup_order);
    RUN(explicit_pool);
    RUN(labels);
    RUN(register_count);
    RUN(function_attributes);
    RUN(type_encoding);
    RUN(manifest);
    RUN(errors);
    RUN(raw_buffers);
    RUN(round_trip_kitchen_sink);
    RUN(disasm_text);
    RUN(mutations_never_crash);
    return unit_report();
}
