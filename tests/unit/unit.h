/* unit.h: a tiny test harness for the C unit tests.
 *
 * Each test binary defines test functions with TEST(name) { ... }, lists
 * them in main via RUN(name), and ends with `return unit_report();`.  Every
 * CHECK counts; the binary prints failures with file:line and a last line
 * "N passed, N failed" that tests/run.py adds up.  A part that needs
 * material which is absent (../shared on a bare clone) calls UNIT_SKIP(why):
 * tests/run.py lists each "skipped: ..." line and counts it as a skip. */
#ifndef STOFFEL_UNIT_H
#define STOFFEL_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;
static const char *unit_current;

#define TEST(name) static void name(void)
#define RUN(name)             \
    do {                      \
        unit_current = #name; \
        name();               \
    } while (0)

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (cond)                                                                              \
            unit_passed++;                                                                     \
        else {                                                                                 \
            unit_failed++;                                                                     \
            fprintf(stderr, "FAIL %s:%d [%s]: %s\n", __FILE__, __LINE__, unit_current, #cond); \
        }                                                                                      \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                   \
    do {                                                                                       \
        if (cond)                                                                              \
            unit_passed++;                                                                     \
        else {                                                                                 \
            unit_failed++;                                                                     \
            fprintf(stderr, "FAIL %s:%d [%s]: %s: ", __FILE__, __LINE__, unit_current, #cond); \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fputc('\n', stderr);                                                               \
        }                                                                                      \
    } while (0)

#define CHECK_STR(got, want)                                                                                \
    do {                                                                                                    \
        const char *g_ = (got), *w_ = (want);                                                               \
        if (g_ && w_ && strcmp(g_, w_) == 0)                                                                \
            unit_passed++;                                                                                  \
        else {                                                                                              \
            unit_failed++;                                                                                  \
            fprintf(stderr, "FAIL %s:%d [%s]: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, unit_current, \
                    g_ ? g_ : "(null)", w_ ? w_ : "(null)");                                                \
        }                                                                                                   \
    } while (0)

/* Reports the current test as skipped, with the reason, on stdout. */
#define UNIT_SKIP(...)                         \
    do {                                       \
        printf("skipped: %s: ", unit_current); \
        printf(__VA_ARGS__);                   \
        putchar('\n');                         \
    } while (0)

static inline int unit_report(void)
{
    printf("%d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed ? 1 : 0;
}

#endif
