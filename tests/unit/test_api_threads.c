/* Thread safety as both headers state it: separate VMs on separate threads
 * run at the same time and give correct results (the library has no global
 * mutable state).  Each thread builds its own VMs through both APIs, loads,
 * calls foreign functions with per-thread user data, and collects. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stoffel.h"
#include "stoffel_vm.h"
#include "unit.h"

#define THREADS 8
#define ROUNDS 20

static const char *const PROG = ".function fib params=n\n"
                                "    MOV r4, r0\n"
                                "    LDI r1, 2\n"
                                "    CMP r4, r1\n"
                                "    JMPLT base\n"
                                "    LDI r1, 1\n"
                                "    SUB r2, r4, r1\n"
                                "    PUSHARG r2\n"
                                "    CALL fib\n"
                                "    MOV r3, r0\n"
                                "    LDI r1, 2\n"
                                "    SUB r2, r4, r1\n"
                                "    PUSHARG r2\n"
                                "    CALL fib\n"
                                "    ADD r0, r0, r3\n"
                                "    RET r0\n"
                                "base:\n"
                                "    RET r4\n"
                                ".end\n"
                                ".function work params=n\n"
                                "    PUSHARG r0\n"
                                "    CALL fib\n"
                                "    MOV r5, r0\n"
                                "    CALL create_array\n"
                                "    MOV r6, r0\n"
                                "    LDI r7, 0\n"
                                "    LDI r8, 1\n"
                                "    LDI r9, 2000\n"
                                "fill:\n"
                                "    LDI r10, \"garbage string\"\n"
                                "    PUSHARG r6\n"
                                "    PUSHARG r10\n"
                                "    CALL array_push\n"
                                "    ADD r7, r7, r8\n"
                                "    CMP r7, r9\n"
                                "    JMPLT fill\n"
                                "    PUSHARG r5\n"
                                "    CALL host_tag\n"
                                "    RET r0\n"
                                ".end\n";

static int64_t expect_fib(int64_t n) { return n < 2 ? n : expect_fib(n - 1) + expect_fib(n - 2); }

static int host_tag(StoffelVM *vm, int argc, void *ud)
{
    int64_t x;
    if (argc != 1 || stoffel_get_int(vm, 1, &x) != STOFFEL_OK) return 1;
    return stoffel_set_int(vm, 0, x * 1000 + *(int *)ud) == STOFFEL_OK ? 0 : 1;
}

static int c_double(const StoffelValue *args, int argc, StoffelValue *result)
{
    if (argc != 1 || args[0].value_type != STOFFEL_VALUE_INT) return -1;
    result->value_type = STOFFEL_VALUE_INT;
    result->data.int_val = args[0].data.int_val * 2;
    return 0;
}

typedef struct {
    int index;
    int failures;
} Job;

static void *worker(void *arg)
{
    Job *job = arg;
    for (int round = 0; round < ROUNDS; round++) {
        StoffelVM *vm = stoffel_new(NULL);
        if (!vm) {
            job->failures++;
            continue;
        }
        int tag = job->index;
        if (stoffel_register_function(vm, "host_tag", host_tag, &tag) != STOFFEL_OK ||
            stoffel_load(vm, PROG, strlen(PROG), "threads.s") != STOFFEL_OK) {
            job->failures++;
            stoffel_free(vm);
            continue;
        }
        int64_t n = 12 + (job->index + round) % 8, got = -1;
        stoffel_ensure_slots(vm, 2);
        stoffel_set_int(vm, 1, n);
        if (stoffel_call(vm, "work", 1) != STOFFEL_OK || stoffel_get_int(vm, 0, &got) != STOFFEL_OK ||
            got != expect_fib(n) * 1000 + tag) {
            fprintf(stderr, "FAIL thread %d round %d: %s (got %lld)\n", job->index, round,
                    stoffel_last_error(vm)->message, (long long)got);
            job->failures++;
        }
        stoffel_collect_garbage(vm);
        stoffel_free(vm);

        VMHandle h = stoffel_create_vm();
        StoffelValue a, r;
        memset(&a, 0, sizeof a);
        a.value_type = STOFFEL_VALUE_INT;
        a.data.int_val = job->index * 100 + round;
        if (!h || stoffel_register_foreign_function(h, "double", c_double) != 0 ||
            stoffel_execute_with_args(h, "double", &a, 1, &r) != 0 || r.data.int_val != a.data.int_val * 2)
            job->failures++;
        stoffel_destroy_vm(h);
    }
    return NULL;
}

TEST(test_concurrent_vms)
{
    pthread_t t[THREADS];
    Job jobs[THREADS];
    int started = 0;
    for (int i = 0; i < THREADS; i++) {
        jobs[i].index = i;
        jobs[i].failures = 0;
        if (pthread_create(&t[i], NULL, worker, &jobs[i]) == 0)
            started++;
        else
            break;
    }
    CHECK(started == THREADS);
    for (int i = 0; i < started; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < started; i++) CHECK_MSG(jobs[i].failures == 0, "thread %d: %d failures", i, jobs[i].failures);
}

int main(void)
{
    RUN(test_concurrent_vms);
    return unit_report();
}
