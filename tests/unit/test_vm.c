/* test_vm.c: the VM through its library interface: execution, errors and
 * recovery, hooks, limits, allocation failures, the garbage collector. */
#include <stdlib.h>
#include <string.h>

#include "bytecode/asm.h"
#include "core/format.h"
#include "unit.h"
#include "vm/vm.h"

/* Load assembly text into vm; returns ST_OK or ST_ERR. */
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

static char *debug_text(Value v)
{
    StrBuf b;
    sb_init(&b);
    fmt_debug(&b, v);
    return sb_take(&b);
}

/* Run `entry` and return its debug text, or "error: <message>". */
static char *run(VM *vm, const char *entry)
{
    Value r;
    if (vm_execute(vm, entry, NULL, 0, &r) != ST_OK) {
        StrBuf b;
        sb_init(&b);
        sb_printf(&b, "error: %s", vm_last_error(vm)->message);
        return sb_take(&b);
    }
    return debug_text(r);
}

#define CHECK_RUN(vm, entry, want)   \
    do {                             \
        char *got_ = run(vm, entry); \
        CHECK_STR(got_, want);       \
        free(got_);                  \
    } while (0)

static const char *const FIB =
    ".function fib regs=4 params=n\n"
    "  LDI r1, 2\n  CMP r0, r1\n  JMPLT base\n  LDI r1, 1\n  SUB r2, r0, r1\n  PUSHARG r2\n"
    "  CALL fib\n  MOV r3, r0\n  SUB r2, r2, r1\n  PUSHARG r2\n  CALL fib\n  ADD r0, r0, r3\n  RET r0\n"
    "base:\n  RET r0\n.end\n"
    ".function main regs=2\n  LDI r1, 20\n  PUSHARG r1\n  CALL fib\n  RET r0\n.end\n"
    ".function boom regs=3\n  LDI r0, 10\n  LDI r1, 0\n  DIV r2, r0, r1\n  RET r2\n.end\n"
    ".function deep regs=2\n  CALL deep\n  MOV r1, r0\n  RET r1\n.end\n" /* not a tail call */
    ".function spin regs=1\nloop:\n  JMP loop\n.end\n";

TEST(execute_and_recover)
{
    VM *vm = vm_new(NULL);
    CHECK(vm != NULL);
    CHECK(load(vm, FIB) == ST_OK);
    CHECK_RUN(vm, "main", "6765");
    CHECK_RUN(vm, "boom", "error: Division by zero");
    CHECK_STR(vm_last_error(vm)->function, "boom");
    CHECK(vm_last_error(vm)->instr_index == 2);
    CHECK(vm_call_depth(vm) == 0);
    CHECK_RUN(vm, "main", "6765"); /* the same VM still works */
    CHECK_RUN(vm, "deep", "error: Call depth limit exceeded (10000 frames)");
    CHECK(vm_call_depth(vm) == 0);
    CHECK_RUN(vm, "main", "6765");
    CHECK_RUN(vm, "nothing", "error: Function nothing not found");
    CHECK_RUN(vm, "print", "()"); /* a native entry is called directly */

    Value arg = val_i64(10), r;
    CHECK(vm_execute(vm, "fib", &arg, 1, &r) == ST_OK && r.type == VT_I64 && r.as.i == 55);
    CHECK(vm_execute(vm, "fib", NULL, 0, &r) == ST_ERR);
    CHECK_STR(vm_last_error(vm)->message, "Function fib expects 1 arguments but got 0");
    vm_free(vm);
}

TEST(load_errors_leave_nothing_registered)
{
    VM *vm = vm_new(NULL);
    CHECK(load(vm, ".function print regs=1\n  RET r0\n.end\n") == ST_ERR);
    CHECK_STR(vm_last_error(vm)->message, "Function 'print' is already registered");
    CHECK(load(vm, ".function a regs=1\n  RET r0\n.end\n.function print regs=1\n  RET r0\n.end\n") == ST_ERR);
    CHECK(vm_find_function(vm, "a", 1) < 0);
    CHECK(load(vm, ".function a regs=1\n  LDI r0, 7\n  RET r0\n.end\n") == ST_OK);
    CHECK_RUN(vm, "a", "7");
    vm_free(vm);
}

TEST(limits)
{
    VmConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.instruction_budget = 1000;
    cfg.max_call_depth = 50;
    VM *vm = vm_new(&cfg);
    CHECK(load(vm, FIB) == ST_OK);
    CHECK_RUN(vm, "spin", "error: Instruction budget exhausted (1000 instructions)");
    CHECK_RUN(vm, "deep", "error: Call depth limit exceeded (50 frames)");
    vm_free(vm);
}

/* ---- hooks ------------------------------------------------------------------ */

static int order_log[64];
static int order_len;

static int log_priority(VM *vm, const HookEvent *ev, void *ud)
{
    (void)vm;
    (void)ev;
    if (order_len < 64) order_log[order_len++] = (int)(intptr_t)ud;
    return 0;
}

static bool only_before(const HookEvent *ev, void *ud)
{
    (void)ud;
    return ev->kind == HOOK_BEFORE_INSTRUCTION;
}

TEST(hook_priorities)
{
    VM *vm = vm_new(NULL);
    CHECK(load(vm, ".function two regs=1\n  LDI r0, 1\n  RET r0\n.end\n") == ST_OK);
    int a = vm_register_hook(vm, only_before, log_priority, (void *)(intptr_t)10, 10);
    int b = vm_register_hook(vm, only_before, log_priority, (void *)(intptr_t)100, 100);
    int c = vm_register_hook(vm, only_before, log_priority, (void *)(intptr_t)1000, 1000);
    CHECK(a == 1 && b == 2 && c == 3);
    order_len = 0;
    CHECK_RUN(vm, "two", "1");
    CHECK(order_len == 6);
    CHECK(order_log[0] == 1000 && order_log[1] == 100 && order_log[2] == 10);
    CHECK(vm_enable_hook(vm, b, false));
    order_len = 0;
    CHECK_RUN(vm, "two", "1");
    CHECK(order_len == 4);
    CHECK(vm_unregister_hook(vm, a) && vm_unregister_hook(vm, b) && vm_unregister_hook(vm, c));
    CHECK(!vm_unregister_hook(vm, c));
    order_len = 0;
    CHECK_RUN(vm, "two", "1");
    CHECK(order_len == 0);
    vm_free(vm);
}

typedef struct {
    int kinds[HOOK_EVENT_COUNT];
    int64_t pushes[8];
    int npush;
    int64_t pops[8];
    int npop;
} EventLog;

static int log_events(VM *vm, const HookEvent *ev, void *ud)
{
    (void)vm;
    EventLog *log = ud;
    log->kinds[ev->kind]++;
    if (ev->kind == HOOK_STACK_PUSH && log->npush < 8) log->pushes[log->npush++] = ev->value.as.i;
    if (ev->kind == HOOK_STACK_POP && log->npop < 8) log->pops[log->npop++] = ev->value.as.i;
    return 0;
}

TEST(hook_events)
{
    VM *vm = vm_new(NULL);
    CHECK(load(vm, ".function sum regs=2 params=a,b\n  ADD r0, r0, r1\n  RET r0\n.end\n"
                   ".function main regs=2\n  LDI r0, 10\n  PUSHARG r0\n  LDI r1, 20\n  PUSHARG r1\n"
                   "  CALL sum\n  MOV r1, r0\n  RET r1\n.end\n") == ST_OK);
    EventLog log;
    memset(&log, 0, sizeof log);
    vm_register_hook(vm, NULL, log_events, &log, 0);
    CHECK_RUN(vm, "main", "30");
    CHECK(log.npush == 2 && log.pushes[0] == 10 && log.pushes[1] == 20);
    CHECK(log.npop == 2 && log.pops[0] == 20 && log.pops[1] == 10); /* last pushed first */
    CHECK(log.kinds[HOOK_BEFORE_INSTRUCTION] == 9);
    CHECK(log.kinds[HOOK_BEFORE_CALL] == 1);
    CHECK(log.kinds[HOOK_AFTER_CALL] == 1);
    CHECK(log.kinds[HOOK_REGISTER_READ] == 1); /* only MOV reads */
    /* LDI, LDI, ADD, RET into caller r0, MOV */
    CHECK(log.kinds[HOOK_REGISTER_WRITE] == 5);
    vm_free(vm);
}

static int abort_on_add(VM *vm, const HookEvent *ev, void *ud)
{
    (void)ud;
    if (ev->kind == HOOK_BEFORE_INSTRUCTION && ev->instr->op == STF_OP_ADD)
        return vm_error(vm, "no additions allowed"), 1;
    return 0;
}

TEST(hook_abort)
{
    VM *vm = vm_new(NULL);
    CHECK(load(vm, ".function main regs=3\n  LDI r0, 1\n  ADD r1, r0, r0\n  RET r1\n.end\n") == ST_OK);
    int id = vm_register_hook(vm, NULL, abort_on_add, NULL, 5);
    CHECK_RUN(vm, "main", "error: Hook 1 callback failed: no additions allowed");
    CHECK(vm_last_error(vm)->instr_index == 1);
    vm_unregister_hook(vm, id);
    CHECK_RUN(vm, "main", "2");
    vm_free(vm);
}

/* ---- allocation failures ------------------------------------------------------- */

static long alloc_budget;

static void *failing_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    (void)ud;
    (void)old_size;
    if (new_size == 0) {
        free(ptr);
        return NULL;
    }
    if (alloc_budget-- <= 0) return NULL;
    return realloc(ptr, new_size);
}

static const char *const ALLOCATING = ".function main regs=4\n"
                                      "  CALL create_array\n  MOV r1, r0\n  LDI r2, 0\n  LDI r3, 200\n"
                                      "loop:\n  PUSHARG r1\n  LDI r0, \"x\"\n  PUSHARG r0\n  CALL array_push\n"
                                      "  LDI r0, 1\n  ADD r2, r2, r0\n  CMP r2, r3\n  JMPLT loop\n"
                                      "  PUSHARG r1\n  CALL to_string\n  RET r0\n.end\n";

TEST(allocation_failure_injection)
{
    /* Fail the n-th allocation after VM creation for every n until the run
     * succeeds: each failure is a clean error, never a crash or a leak
     * (ASan checks). */
    int successes = 0, clean_errors = 0;
    for (long n = 0; n < 5000 && successes == 0; n++) {
        VmConfig cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.alloc = failing_alloc;
        alloc_budget = 1L << 30;
        VM *vm = vm_new(&cfg);
        CHECK(vm != NULL);
        alloc_budget = n;
        if (load(vm, ALLOCATING) != ST_OK) {
            vm_free(vm);
            clean_errors++;
            continue;
        }
        Value r;
        if (vm_execute(vm, "main", NULL, 0, &r) == ST_OK)
            successes++;
        else if (vm_last_error(vm)->message)
            clean_errors++;
        vm_free(vm);
    }
    CHECK(successes == 1);
    CHECK(clean_errors > 10);
}

/* An allocator that keeps the books: blocks and bytes still out. */
static long live_blocks;
static long long live_bytes;

static void *counting_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    (void)ud;
    if (ptr) {
        live_blocks--;
        live_bytes -= (long long)old_size;
    }
    if (new_size == 0) {
        free(ptr);
        return NULL;
    }
    void *p = realloc(ptr, new_size);
    if (p) {
        live_blocks++;
        live_bytes += (long long)new_size;
    }
    return p;
}

TEST(allocator_books_balance)
{
    /* The translator's tables, each function's source copy and the pending
     * MPC work go through the hook (failure injection reaches them): every
     * block comes back, with the size it was allocated with. */
    VmConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.alloc = counting_alloc;
    live_blocks = 0;
    live_bytes = 0;
    VM *vm = vm_new(&cfg);
    CHECK(vm != NULL);
    CHECK(load(vm, ALLOCATING) == ST_OK);
    Value r;
    CHECK(vm_execute(vm, "main", NULL, 0, &r) == ST_OK);
    vm_free(vm);
    CHECK_MSG(live_blocks == 0 && live_bytes == 0, "%ld blocks, %lld bytes still out", live_blocks, live_bytes);
}

TEST(heap_limit)
{
    VmConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.heap_limit = 4u << 20;
    VM *vm = vm_new(&cfg);
    /* Keeps every array alive: must hit the cap, not the machine's memory. */
    CHECK(load(vm, ".function main regs=4\n  CALL create_array\n  MOV r1, r0\n"
                   "loop:\n  CALL create_array\n  PUSHARG r1\n  PUSHARG r0\n  CALL array_push\n  JMP loop\n.end\n") ==
          ST_OK);
    char *got = run(vm, "main");
    CHECK_MSG(strstr(got, "Heap limit exceeded") != NULL, "%s", got);
    free(got);
    vm_free(vm);
}

TEST(gc_reclaims_garbage)
{
    VM *vm = vm_new(NULL);
    CHECK(load(vm, ".function main regs=4\n  LDI r2, 0\n  LDI r3, 200000\n"
                   "loop:\n  CALL create_array\n  LDI r1, 1\n  ADD r2, r2, r1\n  CMP r2, r3\n  JMPLT loop\n"
                   "  RET r2\n.end\n") == ST_OK);
    CHECK_RUN(vm, "main", "200000");
    CHECK(vm_heap(vm)->collections > 0);
    CHECK(vm_heap(vm)->bytes < (8u << 20));
    vm_free(vm);
}

/* Loading is linear in the program's size, whatever its shape: a chain of
 * backward jumps (one pass per jump for an in-order dataflow analysis),
 * many labels, many functions and call names.  Quadratic code takes
 * minutes on these sizes and hits the runner's timeout; linear code a
 * fraction of a second. */
static void append(char **buf, size_t *len, size_t *cap, const char *text)
{
    size_t n = strlen(text);
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, text, n + 1);
    *len += n;
}

TEST(load_is_linear)
{
    char *buf = NULL, line[64];
    size_t len = 0, cap = 0;
    enum { CHAINS = 4, JUMPS = 60000, FUNCS = 50000 }; /* at most 65,535 labels a function */
    for (int c = 0; c < CHAINS; c++) {
        snprintf(line, sizeof line, ".function never%d\nL0:\n    JMP L%d\n", c, JUMPS - 1);
        append(&buf, &len, &cap, line);
        for (int i = 1; i < JUMPS; i++) {
            snprintf(line, sizeof line, "L%d:\n    JMP L%d\n", i, i - 1);
            append(&buf, &len, &cap, line);
        }
        append(&buf, &len, &cap, ".end\n");
    }
    for (int i = 0; i < FUNCS; i++) {
        snprintf(line, sizeof line, ".function f%d\n    CALL f%d\n    RET r0\n.end\n", i, (i + 1) % FUNCS);
        append(&buf, &len, &cap, line);
    }
    append(&buf, &len, &cap, ".function main\n    LDI r0, 7\n    RET r0\n.end\n");
    VM *vm = vm_new(NULL);
    CHECK(buf && load(vm, buf) == ST_OK);
    CHECK_RUN(vm, "main", "7");
    vm_free(vm);
    free(buf);
}

int main(void)
{
    RUN(execute_and_recover);
    RUN(load_errors_leave_nothing_registered);
    RUN(limits);
    RUN(hook_priorities);
    RUN(hook_events);
    RUN(hook_abort);
    RUN(allocation_failure_injection);
    RUN(allocator_books_balance);
    RUN(heap_limit);
    RUN(gc_reclaims_garbage);
    RUN(load_is_linear);
    return unit_report();
}
