/* test_string_append.c: `s = s .. x` in a loop extends s in place (I_APPEND,
 * src/vm/translate.c mark_appends), so n appends copy O(total length)
 * bytes, counted by Heap.concat_bytes (no timing); and wherever the string
 * could be seen from another place the result is the same as without. */
#include <stdlib.h>
#include <string.h>

#include "bytecode/asm.h"
#include "core/format.h"
#include "unit.h"
#include "vm/vm.h"

static VM *load(const char *text, bool no_fusion)
{
    VmConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.no_fusion = no_fusion;
    VM *vm = vm_new(&cfg);
    StfProgram p;
    AsmError err;
    if (!vm || asm_parse(text, strlen(text), &p, &err) != 0) {
        fprintf(stderr, "asm error %u:%u: %s\n", err.line, err.col, err.message);
        vm_free(vm);
        return NULL;
    }
    int rc = vm_load_program(vm, &p);
    stf_program_free(&p);
    if (rc != ST_OK) {
        vm_free(vm);
        return NULL;
    }
    return vm;
}

/* Run main; its result's debug text (or "error: ..."), malloc'd. */
static char *run(VM *vm)
{
    Value r;
    StrBuf b;
    sb_init(&b);
    if (vm_execute(vm, "main", NULL, 0, &r) != ST_OK)
        sb_printf(&b, "error: %s", vm_last_error(vm)->message);
    else
        fmt_print(&b, r); /* arrays with their elements */
    return sb_take(&b);
}

/* s = ""; n times s = s .. "ab"; return len(s). */
static char *appends(uint32_t n)
{
    static char text[512];
    snprintf(text, sizeof text,
             ".function main\n  LDI r1, \"\"\n  LDI r2, \"ab\"\n  LDI r3, 0\n  LDI r4, %u\n  LDI r5, 1\n"
             "loop:\n  CMP r3, r4\n  JMPEQ done\n  ADD r1, r1, r2\n  ADD r3, r3, r5\n  JMP loop\n"
             "done:\n  PUSHARG r1\n  CALL len\n  RET r0\n.end\n",
             n);
    return text;
}

TEST(appends_are_linear)
{
    const uint32_t n = 200000;
    VM *vm = load(appends(n), false);
    CHECK(vm != NULL);
    if (!vm) return;
    char *got = run(vm);
    CHECK_STR(got, "400000");
    /* each byte appended once, plus the copies when the buffer doubles */
    uint64_t copied = vm_heap(vm)->concat_bytes;
    CHECK_MSG(copied <= 4ull * 2 * n, "copied %llu bytes for %u appends", (unsigned long long)copied, n);
    free(got);
    vm_free(vm);

    /* the counter sees the quadratic copying of plain concatenation */
    const uint32_t m = 2000;
    vm = load(appends(m), true);
    CHECK(vm != NULL);
    if (!vm) return;
    got = run(vm);
    CHECK_STR(got, "4000");
    CHECK(vm_heap(vm)->concat_bytes == (uint64_t)m * (m + 1)); /* 2 + 4 + ... + 2m */
    free(got);
    vm_free(vm);
}

/* Programs where the appended string is also seen elsewhere: the result
 * must be what plain instructions give. */
static const char *const ALIASED[] = {
    /* pushed into an array after each append */
    ".function main\n  CALL create_array\n  MOV r7, r0\n  LDI r1, \"\"\n  LDI r2, \"x\"\n  LDI r3, 0\n"
    "  LDI r4, 5\n  LDI r5, 1\nloop:\n  CMP r3, r4\n  JMPEQ done\n  ADD r1, r1, r2\n  PUSHARG r7\n"
    "  PUSHARG r1\n  CALL array_push\n  ADD r3, r3, r5\n  JMP loop\ndone:\n  RET r7\n.end\n",
    /* copied to another register after a first loop, then appended again;
     * the copy is appended to as well */
    ".function main\n  LDI r1, \"a\"\n  LDI r2, \"b\"\n  LDI r3, 0\n  LDI r4, 4\n  LDI r5, 1\n"
    "l1:\n  CMP r3, r4\n  JMPEQ d1\n  ADD r1, r1, r2\n  ADD r3, r3, r5\n  JMP l1\nd1:\n  MOV r6, r1\n"
    "  LDI r8, \"c\"\n  LDI r3, 0\nl2:\n  CMP r3, r4\n  JMPEQ d2\n  ADD r1, r1, r8\n  ADD r6, r6, r2\n"
    "  ADD r3, r3, r5\n  JMP l2\nd2:\n  CALL create_array\n  PUSHARG r0\n  PUSHARG r1\n  CALL array_push\n"
    "  CALL create_array\n  MOV r9, r0\n  PUSHARG r9\n  PUSHARG r1\n  CALL array_push\n  PUSHARG r9\n"
    "  PUSHARG r6\n  CALL array_push\n  RET r9\n.end\n",
    /* built in a callee, returned, appended to by the caller */
    ".function build\n  LDI r1, \"p\"\n  LDI r2, \"q\"\n  ADD r1, r1, r2\n  ADD r1, r1, r2\n  RET r1\n.end\n"
    ".function main\n  CALL build\n  MOV r1, r0\n  LDI r2, \"!\"\n  ADD r1, r1, r2\n  CALL build\n"
    "  MOV r3, r0\n  CALL create_array\n  MOV r4, r0\n  PUSHARG r4\n  PUSHARG r1\n  CALL array_push\n"
    "  PUSHARG r4\n  PUSHARG r3\n  CALL array_push\n  LDI r5, \"\"\n  ADD r5, r5, r2\n  PUSHARG r4\n"
    "  PUSHARG r5\n  CALL array_push\n  RET r4\n.end\n",
    /* kept in a stack slot and restored, and appended to itself */
    ".function main\n  LDI r1, \"ab\"\n  LDI r2, \"c\"\n  ADD r1, r1, r2\n  STS 0, r1\n  ADD r1, r1, r2\n"
    "  ADD r1, r1, r1\n  LDS r6, 0\n  CALL create_array\n  MOV r4, r0\n  PUSHARG r4\n  PUSHARG r1\n"
    "  CALL array_push\n  PUSHARG r4\n  PUSHARG r6\n  CALL array_push\n  RET r4\n.end\n",
    /* appended in place in a loop, with different pieces on two paths */
    ".function main\n  LDI r1, \"<\"\n  LDI r2, \"ab\"\n  LDI r6, \"-\"\n  LDI r3, 0\n  LDI r4, 40\n"
    "  LDI r5, 1\n  LDI r7, 2\nloop:\n  CMP r3, r4\n  JMPEQ done\n  MOD r8, r3, r7\n  LDI r9, 0\n"
    "  CMP r8, r9\n  JMPEQ even\n  ADD r1, r1, r6\n  JMP next\neven:\n  ADD r1, r1, r2\nnext:\n"
    "  ADD r3, r3, r5\n  JMP loop\ndone:\n  LDI r2, \">\"\n  ADD r1, r1, r2\n  RET r1\n.end\n",
    /* an integer in the appending register: ADD as ever */
    ".function main\n  LDI r1, \"s\"\n  LDI r1, 40\n  LDI r2, 2\n  ADD r1, r1, r2\n  RET r1\n.end\n",
    /* a non-string operand: ADD's error */
    ".function main\n  LDI r1, \"s\"\n  LDI r2, 2\n  ADD r1, r1, r2\n  RET r1\n.end\n",
};

TEST(aliased_strings_unchanged)
{
    for (size_t k = 0; k < sizeof ALIASED / sizeof ALIASED[0]; k++) {
        VM *fused = load(ALIASED[k], false), *plain = load(ALIASED[k], true);
        CHECK(fused && plain);
        if (fused && plain) {
            char *a = run(fused), *b = run(plain);
            CHECK_MSG(strcmp(a, b) == 0, "program %zu: %s, plain %s", k, a, b);
            free(a);
            free(b);
        }
        vm_free(fused);
        vm_free(plain);
    }
}

int main(void)
{
    unsetenv("STOFFEL_NO_FUSION"); /* the linear case needs the fused form */
    RUN(appends_are_linear);
    RUN(aliased_strings_unchanged);
    return unit_report();
}
