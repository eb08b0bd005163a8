/* lang_bench.c: StoffelLang compile time (`make bench-lang`).
 *
 *   lang_bench DIR|FILE.stfl...
 *
 * Compiles every .stfl file (a directory: every main.stfl below it, the
 * way upstream's examples are laid out) several times in this process and
 * prints per file the best wall time, the source size and the instruction
 * count of the result, then the total and the largest file. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lang/lang.h"

#define RUNS 5

typedef struct {
    char *path;
    double ms;
    double ms2; /* at -O2 (the optimizer's share is ms2 - ms) */
    long bytes;
    unsigned instrs;
    int ok;
} Row;

static Row *rows;
static size_t nrows, caprows;

static void add(const char *path)
{
    if (nrows == caprows) {
        caprows = caprows ? caprows * 2 : 64;
        rows = realloc(rows, caprows * sizeof *rows);
        if (!rows) exit(1);
    }
    memset(&rows[nrows], 0, sizeof rows[nrows]);
    rows[nrows++].path = strdup(path);
}

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0) continue;
        if (S_ISDIR(st.st_mode))
            walk(p);
        else if (strcmp(e->d_name, "main.stfl") == 0)
            add(p);
    }
    closedir(d);
}

static int cmp(const void *a, const void *b) { return strcmp(((const Row *)a)->path, ((const Row *)b)->path); }

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            walk(argv[i]);
        else
            add(argv[i]);
    }
    if (!nrows) {
        fprintf(stderr, "usage: lang_bench DIR|FILE.stfl...\n");
        return 1;
    }
    qsort(rows, nrows, sizeof *rows, cmp);
    double total = 0, total2 = 0;
    LangOptions o2 = { .opt_level = 2 };
    size_t largest = 0;
    int failed = 0;
    printf("%-64s %8s %8s %10s %10s\n", "program", "bytes", "instrs", "compile", "at -O2");
    for (size_t i = 0; i < nrows; i++) {
        Row *r = &rows[i];
        struct stat st;
        r->bytes = stat(r->path, &st) == 0 ? (long)st.st_size : 0;
        double best = 1e30;
        for (int k = 0; k < RUNS; k++) {
            StfProgram p;
            char *err = NULL;
            double t0 = now_ms();
            int rc = lang_compile_file(r->path, NULL, &p, &err);
            double t = now_ms() - t0;
            if (rc != 0) {
                free(err);
                break;
            }
            r->ok = 1;
            r->instrs = 0;
            for (uint32_t f = 0; f < p.func_count; f++) r->instrs += p.funcs[f].instr_count;
            stf_program_free(&p);
            if (t < best) best = t;
        }
        if (!r->ok) {
            failed++;
            printf("%-64s %8ld %8s %10s\n", r->path, r->bytes, "-", "error");
            continue;
        }
        r->ms = best;
        total += best;
        r->ms2 = 1e30;
        for (int k = 0; k < RUNS; k++) {
            StfProgram p;
            char *err = NULL;
            double t0 = now_ms();
            int rc = lang_compile_file(r->path, &o2, &p, &err);
            double t = now_ms() - t0;
            free(err);
            if (rc == 0) stf_program_free(&p);
            if (t < r->ms2) r->ms2 = t;
        }
        total2 += r->ms2;
        if (r->bytes > rows[largest].bytes) largest = i;
        const char *name = r->path;
        size_t n = strlen(name);
        if (n > 64) name += n - 64;
        printf("%-64s %8ld %8u %8.2f ms %7.2f ms\n", name, r->bytes, r->instrs, best, r->ms2);
    }
    printf("\n%zu programs (%d rejected), total compile time %.1f ms (best of %d each)\n", nrows, failed, total, RUNS);
    printf("at -O2: total %.1f ms\n", total2);
    printf("largest: %s (%ld bytes) in %.2f ms (%.2f ms at -O2)\n", rows[largest].path, rows[largest].bytes,
           rows[largest].ms, rows[largest].ms2);
    for (size_t i = 0; i < nrows; i++) free(rows[i].path);
    free(rows);
    return 0;
}
