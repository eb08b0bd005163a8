/* test_lang_opt.c: the StoffelLang optimizer (src/lang/opt.c) on
 * hand-written assembly: each pass fires where it should, leaves alone
 * what it must not touch, keeps source lines, and the optimized program
 * computes what the original does. */
#include <stdlib.h>
#include <string.h>

#include "bytecode/asm.h"
#include "bytecode/disasm.h"
#include "core/format.h"
#include "lang/opt.h"
#include "unit.h"
#include "vm/vm.h"

static bool parse(const char *text, StfProgram *p)
{
    AsmError err;
    if (asm_parse(text, strlen(text), p, &err) != 0) {
        fprintf(stderr, "asm error %u:%u: %s\n", err.line, err.col, err.message);
        return false;
    }
    return true;
}

/* The instruction and label lines of the disassembly, one space between
 * words, joined by "; " (headers and directives dropped). */
static char *body(const StfProgram *p)
{
    char *text = disasm_program(p);
    StrBuf b;
    sb_init(&b);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        while (*line == ' ') line++;
        if (!*line || *line == '.' || *line == '#') continue;
        if (b.len) sb_printf(&b, "; ");
        bool space = false;
        for (const char *c = line; *c; c++) {
            if (*c == ' ') {
                space = true;
                continue;
            }
            if (space && b.len && b.data[b.len - 1] != ' ') sb_printf(&b, " ");
            space = false;
            sb_printf(&b, "%c", *c);
        }
    }
    free(text);
    return sb_take(&b);
}

/* Optimize `text` at `level` and return the resulting body. */
static char *optimized(const char *text, int level, LangOptStats *st)
{
    StfProgram p;
    if (!parse(text, &p)) return strdup("<asm error>");
    LangOptStats local;
    CHECK(lang_optimize(&p, level, st ? st : &local) == 0);
    char *out = body(&p);
    stf_program_free(&p);
    return out;
}

#define CHECK_OPT(text, level, want)               \
    do {                                           \
        char *got_ = optimized(text, level, NULL); \
        CHECK_STR(got_, want);                     \
        free(got_);                                \
    } while (0)

/* Run `entry` of the program, at `level`, on a fresh VM: the debug text of
 * the result or "error: MESSAGE". */
static char *run_at(const char *text, int level, const char *entry)
{
    StfProgram p;
    if (!parse(text, &p)) return strdup("<asm error>");
    if (level) CHECK(lang_optimize(&p, level, NULL) == 0);
    VM *vm = vm_new(NULL);
    StrBuf b;
    sb_init(&b);
    Value r;
    if (vm_load_program(vm, &p) != ST_OK)
        sb_printf(&b, "load error: %s", vm_last_error(vm)->message);
    else if (vm_execute(vm, entry, NULL, 0, &r) != ST_OK)
        sb_printf(&b, "error: %s", vm_last_error(vm)->message);
    else
        fmt_debug(&b, r);
    vm_free(vm);
    stf_program_free(&p);
    return sb_take(&b);
}

/* The program gives the same result at -O0, -O1 and -O2. */
static void check_same(const char *text, const char *entry, const char *want)
{
    for (int level = 0; level <= 2; level++) {
        char *got = run_at(text, level, entry);
        CHECK_MSG(strcmp(got, want) == 0, "-O%d: got '%s', want '%s'\n", level, got, want);
        free(got);
    }
}

TEST(folds_constants)
{
    const char *src = ".function main regs=4\n  LDI r1, 2\n  LDI r2, 3\n  ADD r3, r1, r2\n"
                      "  LDI r1, 4\n  MUL r3, r3, r1\n  RET r3\n.end\n";
    LangOptStats st;
    char *got = optimized(src, 1, &st);
    CHECK_STR(got, "LDI r3, 20; RET r3");
    free(got);
    CHECK(st.folded == 2);
    CHECK(st.instrs_before == 6 && st.instrs_after == 2);
    check_same(src, "main", "20");
    /* -O0 changes nothing */
    CHECK_OPT(src, 0, "LDI r1, 2; LDI r2, 3; ADD r3, r1, r2; LDI r1, 4; MUL r3, r3, r1; RET r3");
}

TEST(keeps_failing_operations)
{
    /* overflow and division by zero stay, so the error stays */
    const char *ovf = ".function main regs=4\n  LDI r1, 9223372036854775807\n  LDI r2, 1\n"
                      "  ADD r3, r1, r2\n  LDI r3, 0\n  RET r3\n.end\n";
    CHECK_OPT(ovf, 2, "LDI r1, 9223372036854775807; LDI r2, 1; ADD r3, r1, r2; LDI r3, 0; RET r3");
    check_same(ovf, "main", "error: Integer overflow in ADD operation");
    const char *div = ".function main regs=4\n  LDI r1, 10\n  LDI r2, 0\n  DIV r3, r1, r2\n  RET r1\n.end\n";
    check_same(div, "main", "error: Division by zero");
    /* the failing DIV keeps its source line (assembly line 4) */
    StfProgram p;
    CHECK(parse(div, &p));
    CHECK(lang_optimize(&p, 2, NULL) == 0);
    bool found = false;
    for (uint32_t i = 0; i < p.funcs[0].instr_count; i++)
        if (p.funcs[0].instrs[i].op == STF_OP_DIV) found = p.funcs[0].instrs[i].line == 4;
    CHECK(found);
    stf_program_free(&p);
    /* a comparison of a string cannot be decided here: it stays */
    const char *cmp = ".function main regs=3\n  LDI r1, \"a\"\n  LDI r2, 1\n  CMP r1, r2\n  JMPEQ x\nx:\n"
                      "  RET r2\n.end\n";
    check_same(cmp, "main", "error: Cannot compare \"a\" and 1");
}

TEST(propagates_copies)
{
    /* a copy of r0 is read as r0 until the next call; dead copies go */
    const char *ok = ".function one regs=1\n  LDI r0, 1\n  RET r0\n.end\n"
                     ".function main regs=3\n  CALL one\n  MOV r1, r0\n  MOV r2, r1\n  CALL one\n"
                     "  ADD r1, r2, r0\n  RET r1\n.end\n";
    CHECK_OPT(ok, 1, "LDI r0, 1; RET r0; CALL one; MOV r2, r0; CALL one; ADD r1, r2, r0; RET r1");
    check_same(ok, "main", "2");
    /* a move between the banks shares a value: it is never a copy */
    CHECK_OPT(".function main regs=18\n  LDI r1, 1\n  MOV r16, r1\n  MOV r17, r16\n  RET r1\n.end\n", 2,
              "LDI r1, 1; MOV r16, r1; RET r1");
}

TEST(decides_branches_and_drops_unreachable_code)
{
    const char *src = ".function main regs=3\n  LDI r1, true\n  LDI r2, false\n  CMP r1, r2\n  JMPEQ same\n"
                      "  LDI r0, 1\n  RET r0\nsame:\n  LDI r0, 2\n  RET r0\n.end\n";
    LangOptStats st;
    char *got = optimized(src, 1, &st);
    CHECK_STR(got, "LDI r0, 1; RET r0; same:");
    free(got);
    CHECK(st.folded == 1 && st.unreachable == 2);
    check_same(src, "main", "1");
    /* code after RET that no jump reaches */
    CHECK_OPT(".function main regs=2\n  LDI r0, 5\n  RET r0\n  LDI r0, 6\n  RET r0\n.end\n", 1, "LDI r0, 5; RET r0");
}

TEST(threads_jumps)
{
    const char *src = ".function f regs=3 params=x\n  LDI r1, 1\n  CMP r0, r1\n  JMPEQ mid\n  LDI r0, 3\n  RET r0\n"
                      "mid:\n  JMP end\nend:\n  RET r0\n.end\n"
                      ".function main regs=2\n  LDI r1, 1\n  PUSHARG r1\n  CALL f\n  RET r0\n.end\n";
    LangOptStats st;
    char *got = optimized(src, 1, &st);
    CHECK_STR(got, "LDI r1, 1; CMP r0, r1; JMPEQ end; LDI r0, 3; RET r0; mid:; end:; RET r0; LDI r1, 1; PUSHARG r1; "
                   "CALL f; RET r0");
    free(got);
    CHECK(st.threaded >= 1);
    check_same(src, "main", "1");
    /* JMPNEQ over a JMP becomes one JMPEQ; a jump to the next instruction goes */
    const char *inv = ".function f regs=3 params=x\n  LDI r1, 1\n  CMP r0, r1\n  JMPNEQ skip\n  JMP one\nskip:\n"
                      "  LDI r0, 7\n  JMP out\nout:\n  RET r0\none:\n  LDI r0, 8\n  RET r0\n.end\n"
                      ".function main regs=2\n  LDI r1, 1\n  PUSHARG r1\n  CALL f\n  RET r0\n.end\n";
    CHECK_OPT(inv, 1,
              "LDI r1, 1; CMP r0, r1; JMPEQ one; skip:; LDI r0, 7; out:; RET r0; one:; LDI r0, 8; RET r0; "
              "LDI r1, 1; PUSHARG r1; CALL f; RET r0");
    check_same(inv, "main", "8");
}

TEST(loops_survive)
{
    /* sum 1..10 with the loop constant hoisted by the generator's style */
    const char *src = ".function main regs=5\n  LDI r1, 0\n  LDI r2, 1\n  LDI r3, 1\n  LDI r4, 10\n"
                      "top:\n  CMP r2, r4\n  JMPGT done\n  ADD r1, r1, r2\n  ADD r2, r2, r3\n  JMP top\n"
                      "done:\n  MOV r0, r1\n  RET r0\n.end\n";
    check_same(src, "main", "55");
    CHECK_OPT(src, 2,
              "LDI r1, 0; LDI r2, 1; LDI r3, 1; LDI r4, 10; top:; CMP r2, r4; JMPGT done; ADD r1, r1, r2; "
              "ADD r2, r2, r3; JMP top; done:; RET r1");
    /* the frame keeps its size: no temporaries without secrets */
    StfProgram p;
    CHECK(parse(src, &p));
    CHECK(lang_optimize(&p, 3, NULL) == 0);
    CHECK(p.funcs[0].register_count == 5);
    stf_program_free(&p);
    /* falling off the end returns r0: its last write is not dead */
    check_same(".function main regs=2\n  LDI r1, 4\n  MOV r0, r1\n.end\n", "main", "4");
}

TEST(batches_secret_products)
{
    /* the second product moves above the ADD that waits for the first */
    const char *src = ".function main regs=24\n  MUL r20, r16, r17\n  ADD r21, r20, r16\n  MUL r22, r18, r19\n"
                      "  ADD r23, r22, r21\n  RET r23\n.end\n";
    LangOptStats st;
    char *got = optimized(src, 2, &st);
    CHECK_STR(got, "MUL r20, r16, r17; MUL r22, r18, r19; ADD r21, r20, r16; ADD r23, r22, r21; RET r23");
    free(got);
    CHECK(st.hoisted == 1);
    /* -O1 leaves the order; a product never crosses what it depends on */
    CHECK_OPT(src, 1, "MUL r20, r16, r17; ADD r21, r20, r16; MUL r22, r18, r19; ADD r23, r22, r21; RET r23");
    CHECK_OPT(".function main regs=24\n  MUL r20, r16, r17\n  ADD r21, r20, r16\n  MUL r22, r21, r19\n"
              "  RET r22\n.end\n",
              2, "MUL r20, r16, r17; ADD r21, r20, r16; MUL r22, r21, r19; RET r22");
    /* past a plain builtin, renamed when its destination is still read:
     * the product goes to a fresh register, copied back where it was */
    CHECK_OPT(".function main regs=24\n  MUL r20, r16, r17\n  ADD r21, r20, r16\n  PUSHARG r21\n  CALL print\n"
              "  MUL r21, r18, r19\n  ADD r23, r21, r20\n  RET r23\n.end\n",
              2,
              "MUL r20, r16, r17; MUL r24, r18, r19; ADD r21, r20, r16; PUSHARG r21; CALL print; "
              "ADD r23, r24, r20; RET r23");
    /* a product into a clear register is never renamed: the copy back
     * would reveal it; nor is a repeated one copied across the banks */
    CHECK_OPT(".function main regs=24\n  MUL r20, r16, r17\n  ADD r21, r20, r16\n  PUSHARG r1\n  CALL print\n"
              "  MUL r1, r18, r19\n  MUL r22, r18, r19\n  PUSHARG r1\n  PUSHARG r22\n  CALL print\n  RET r21\n.end\n",
              2,
              "MUL r20, r16, r17; MUL r22, r18, r19; ADD r21, r20, r16; PUSHARG r1; CALL print; MUL r1, r18, r19; "
              "PUSHARG r1; PUSHARG r22; CALL print; RET r21");
    /* nor a call of the program's own functions or an MPC builtin */
    CHECK_OPT(".function main regs=24\n  MUL r20, r16, r17\n  ADD r21, r20, r16\n  CALL f\n  MUL r22, r18, r19\n"
              "  RET r22\n.end\n.function f regs=1\n  RET r0\n.end\n",
              2, "MUL r20, r16, r17; ADD r21, r20, r16; CALL f; MUL r22, r18, r19; RET r22; RET r0");
}

TEST(lowers_secret_bool_gates)
{
    LangOptStats st;
    char *got = optimized(".function main regs=19\n  XOR r18, r16, r17\n  OR r16, r16, r17\n  AND r17, r16, r18\n"
                          "  RET r17\n.end\n",
                          2, &st);
    /* one temporary per gate; the OR's product is the XOR's */
    CHECK_STR(got, "MUL r19, r16, r17; ADD r18, r16, r17; SUB r18, r18, r19; SUB r18, r18, r19; "
                   "ADD r16, r16, r17; SUB r16, r16, r19; MUL r17, r16, r18; RET r17");
    free(got);
    CHECK(st.lowered == 3);
    /* clear operands, and -O1, keep the gate */
    CHECK_OPT(".function main regs=19\n  XOR r18, r16, r1\n  RET r18\n.end\n", 2, "XOR r18, r16, r1; RET r18");
    CHECK_OPT(".function main regs=19\n  XOR r18, r16, r17\n  RET r18\n.end\n", 1, "XOR r18, r16, r17; RET r18");
}

TEST(reuses_products)
{
    /* a XOR b and a AND b (a half adder) need the product ab once */
    LangOptStats st;
    char *got = optimized(".function main regs=20\n  XOR r18, r16, r17\n  AND r19, r17, r16\n  ADD r18, r18, r19\n"
                          "  MUL r16, r16, r17\n  MUL r19, r16, r17\n  RET r18\n.end\n",
                          2, &st);
    /* so does r16 * r17 into r16; the next product then reads it */
    CHECK_STR(got, "MUL r20, r16, r17; ADD r18, r16, r17; SUB r18, r18, r20; SUB r18, r18, r20; "
                   "ADD r18, r18, r20; MUL r19, r20, r17; RET r18");
    free(got);
    CHECK(st.reused == 2);
}

TEST(batches_reveals)
{
    const char *src = ".function main regs=19\n  PUSHARG r16\n  CALL Share.open\n  MOV r1, r0\n  PUSHARG r17\n"
                      "  CALL Share.open\n  MOV r2, r0\n  PUSHARG r18\n  CALL Share.open\n  MOV r3, r0\n"
                      "  PUSHARG r1\n  PUSHARG r2\n  PUSHARG r3\n  CALL print\n  RET r1\n.end\n";
    LangOptStats st;
    char *got = optimized(src, 2, &st);
    CHECK(st.batched == 3);
    CHECK(strstr(got, "CALL Share.batch_open") != NULL);
    CHECK(strstr(got, "CALL Share.open") == NULL);
    free(got);
    /* a pending argument, or the same destination twice, keeps the calls */
    CHECK_OPT(".function main regs=19\n  PUSHARG r1\n  PUSHARG r16\n  CALL Share.open\n  MOV r1, r0\n"
              "  PUSHARG r17\n  CALL Share.open\n  MOV r2, r0\n  RET r2\n.end\n",
              2, "PUSHARG r1; PUSHARG r16; CALL Share.open; PUSHARG r17; CALL Share.open; RET r0");
    CHECK_OPT(".function main regs=19\n  PUSHARG r16\n  CALL Share.open\n  MOV r1, r0\n"
              "  PUSHARG r17\n  CALL Share.open\n  MOV r1, r0\n  RET r1\n.end\n",
              2, "PUSHARG r16; CALL Share.open; PUSHARG r17; CALL Share.open; RET r0");
}

int main(void)
{
    RUN(folds_constants);
    RUN(keeps_failing_operations);
    RUN(propagates_copies);
    RUN(decides_branches_and_drops_unreachable_code);
    RUN(threads_jumps);
    RUN(loops_survive);
    RUN(batches_secret_products);
    RUN(lowers_secret_bool_gates);
    RUN(reuses_products);
    RUN(batches_reveals);
    return unit_report();
}
