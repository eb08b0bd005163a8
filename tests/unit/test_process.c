/* test_process.c: processes and catchable errors through the library
 * interface: what golden programs cannot set (VmConfig.catch_limits,
 * VmConfig.reductions) and reuse of one VM across runs with processes. */
#include <stdlib.h>
#include <string.h>

#include "bytecode/asm.h"
#include "core/format.h"
#include "unit.h"
#include "vm/vm.h"

static int load(VM *vm, const char *text)
{
    StfProgram p;
    AsmError err;
    if (asm_parse(text, strlen(text), &p, &err) != 0) {
        fprintf(stderr, "asm error %u:%u: %s\n", err.line, err.col, err.message);
        return ST_ERR;
    }
    int rc = vm_load_program(vm, &p);
    stf_program_free(&p);
    return rc;
}

/* Run `entry`: its print text, or "error: <message>". */
static char *run(VM *vm, const char *entry)
{
    Value r;
    StrBuf b;
    sb_init(&b);
    if (vm_execute(vm, entry, NULL, 0, &r) != ST_OK)
        sb_printf(&b, "error: %s", vm_last_error(vm)->message);
    else
        fmt_print(&b, r);
    return sb_take(&b);
}

#define CHECK_RUN(vm, entry, want)   \
    do {                             \
        char *got_ = run(vm, entry); \
        CHECK_STR(got_, want);       \
        free(got_);                  \
    } while (0)

static const char *const PROG =
    ".function grow\n  CALL create_array\n  MOV r1, r0\nloop:\n  CALL create_object\n"
    "  PUSHARG r1\n  PUSHARG r0\n  CALL array_push\n  JMP loop\n.end\n"
    ".function guarded\n  LDI r1, \"grow\"\n  PUSHARG r1\n  CALL Error.pcall\n  MOV r2, r0\n"
    "  LDI r1, \"ok\"\n  PUSHARG r2\n  PUSHARG r1\n  CALL get_field\n  RET r0\n.end\n"
    ".function echo params=p\n  CALL Process.receive\n  PUSHARG r0\n  PUSHARG r0\n  CALL Process.send\n  RET r0\n.end\n"
    ".function ping\n  LDI r1, \"echo\"\n  PUSHARG r1\n  LDI r1, 0\n  PUSHARG r1\n  CALL Process.spawn\n"
    "  MOV r2, r0\n  CALL Process.self\n  PUSHARG r2\n  PUSHARG r0\n  CALL Process.send\n"
    "  CALL Process.receive\n  CALL Process.count\n  RET r0\n.end\n"
    /* two processes counting to 1000 each; the result is the slices run */
    ".function spin params=parent\n  MOV r5, r0\n  LDI r1, 0\n  LDI r2, 1\n  LDI r3, 1000\nloop:\n"
    "  ADD r1, r1, r2\n  CMP r1, r3\n  JMPLT loop\n  PUSHARG r5\n  PUSHARG r1\n  CALL Process.send\n  RET r1\n.end\n"
    ".function slices\n  CALL Process.self\n  MOV r5, r0\n  LDI r6, \"spin\"\n  PUSHARG r6\n  PUSHARG r5\n"
    "  CALL Process.spawn\n  LDI r1, 0\n  LDI r2, 1\n  LDI r3, 1000\nloop:\n  ADD r1, r1, r2\n  CMP r1, r3\n"
    "  JMPLT loop\n  CALL Process.receive\n  CALL Process.scheduler_passes\n  RET r0\n.end\n";

TEST(heap_cap_not_caught_by_default)
{
    VmConfig cfg = { .heap_limit = 4u << 20 };
    VM *vm = vm_new(&cfg);
    CHECK(vm && load(vm, PROG) == ST_OK);
    char *got = run(vm, "guarded");
    CHECK_MSG(strstr(got, "Heap limit exceeded") != NULL, "%s", got);
    free(got);
    vm_free(vm);
}

TEST(heap_cap_caught_when_allowed)
{
    VmConfig cfg = { .heap_limit = 4u << 20, .catch_limits = true };
    VM *vm = vm_new(&cfg);
    CHECK(vm && load(vm, PROG) == ST_OK);
    CHECK_RUN(vm, "guarded", "false");
    vm_free(vm);
}

TEST(one_vm_many_runs_with_processes)
{
    VM *vm = vm_new(NULL);
    CHECK(vm && load(vm, PROG) == ST_OK);
    /* Each run starts a fresh process table; the echo process has ended
     * by the time main has its reply. */
    for (int i = 0; i < 3; i++) CHECK_RUN(vm, "ping", "1");
    vm_free(vm);
}

static int64_t passes_with(uint32_t reductions)
{
    VmConfig cfg = { .reductions = reductions };
    VM *vm = vm_new(&cfg);
    Value r;
    int64_t n = -1;
    if (vm && load(vm, PROG) == ST_OK && vm_execute(vm, "slices", NULL, 0, &r) == ST_OK && r.type == VT_I64) n = r.as.i;
    vm_free(vm);
    return n;
}

TEST(reductions_configurable)
{
    /* 2 x 1000 back jumps: with slices of 10 reductions the two processes
     * take turns about 200 times, with the default 2000 they do not. */
    int64_t small = passes_with(10), dflt = passes_with(0);
    CHECK_MSG(small >= 150, "passes with 10 reductions: %lld", (long long)small);
    CHECK_MSG(dflt >= 1 && dflt <= 3, "passes with the default: %lld", (long long)dflt);
}

int main(void)
{
    RUN(heap_cap_not_caught_by_default);
    RUN(heap_cap_caught_when_allowed);
    RUN(one_vm_many_runs_with_processes);
    RUN(reductions_configurable);
    return unit_report();
}
