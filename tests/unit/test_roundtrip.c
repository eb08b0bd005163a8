/* test_roundtrip.c: every fixture and kitchen-sink vector goes through
 * read -> disassemble -> assemble -> write and comes back byte-identical,
 * and verifies in the VM's loader; damaged copies (truncated at every
 * length, every byte flipped) give a clean error or a verified program. */
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytecode/asm.h"
#include "bytecode/disasm.h"
#include "bytecode/stfl.h"
#include "unit.h"
#include "vm/vm.h"

typedef struct {
    char path[512];
    uint8_t *data;
    size_t len;
} Sample;

#define MAX_SAMPLES 64
static Sample samples[MAX_SAMPLES];
static int nsamples;
static char vec_dir[256];

static const char *shared_dir(void)
{
    const char *s = getenv("STOFFEL_SHARED");
    return s && *s ? s : "../shared";
}

static void load_dir(const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh) return;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL && nsamples < MAX_SAMPLES) {
        size_t l = strlen(e->d_name);
        if (l <= 6 || strcmp(e->d_name + l - 6, ".stflb") != 0) continue;
        Sample *s = &samples[nsamples];
        snprintf(s->path, sizeof s->path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(s->path, "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        s->data = malloc(n > 0 ? (size_t)n : 1);
        s->len = s->data ? fread(s->data, 1, (size_t)n, f) : 0;
        fclose(f);
        if (s->data && s->len == (size_t)n)
            nsamples++;
        else
            free(s->data);
    }
    closedir(dh);
}

/* Bytes -> model -> text -> model -> bytes. */
static bool text_roundtrip(const Sample *s, char *why, size_t cap)
{
    StfProgram p, q;
    StflError err;
    AsmError aerr;
    if (stfl_read(s->data, s->len, &p, &err) != 0) {
        snprintf(why, cap, "read: %s at %" PRIu64, err.message, err.offset);
        return false;
    }
    char *text = disasm_program(&p);
    stf_program_free(&p);
    if (!text) {
        snprintf(why, cap, "disasm failed");
        return false;
    }
    int rc = asm_parse(text, strlen(text), &q, &aerr);
    free(text);
    if (rc != 0) {
        snprintf(why, cap, "asm %u:%u: %s", aerr.line, aerr.col, aerr.message);
        return false;
    }
    uint8_t *out = NULL;
    size_t n = 0;
    bool ok = stfl_write(&q, &out, &n, &err) == 0 && n == s->len && memcmp(out, s->data, n) == 0;
    if (!ok) snprintf(why, cap, "bytes differ after re-assembly (%zu vs %zu)", n, s->len);
    free(out);
    stf_program_free(&q);
    return ok;
}

/* Read and, if that worked, load into a VM.  Returns 0 read error, 1 load
 * error, 2 loaded. */
static int read_and_verify(VM *vm, const uint8_t *d, size_t n)
{
    StfProgram p;
    StflError err;
    if (stfl_read(d, n, &p, &err) != 0) return 0;
    int rc = vm_load_program(vm, &p) == ST_OK ? 2 : 1;
    stf_program_free(&p);
    return rc;
}

TEST(corpus)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/fixtures/stoffel-vm", shared_dir());
    load_dir(dir);
    int fixtures = nsamples;
    CHECK_MSG(fixtures >= 8, "found %d fixtures in %s", fixtures, dir);
    const char *tmp = getenv("TMPDIR");
    snprintf(vec_dir, sizeof vec_dir, "%s/stfl_rt_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    CHECK(mkdtemp(vec_dir) != NULL);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "python3 '%s/stfl_dump.py' --emit-vectors='%s' >/dev/null", shared_dir(), vec_dir);
    CHECK_MSG(system(cmd) == 0, "%s", cmd);
    load_dir(vec_dir);
    CHECK_MSG(nsamples - fixtures >= 10, "expected 10 vectors, got %d", nsamples - fixtures);
}

TEST(disassembly_reassembles_identically)
{
    for (int i = 0; i < nsamples; i++) {
        char why[512] = "";
        bool ok = text_roundtrip(&samples[i], why, sizeof why);
        CHECK_MSG(ok, "%s: %s", samples[i].path, why);
    }
}

TEST(every_sample_verifies)
{
    for (int i = 0; i < nsamples; i++) {
        VM *vm = vm_new(NULL);
        int rc = read_and_verify(vm, samples[i].data, samples[i].len);
        CHECK_MSG(rc == 2, "%s: %s", samples[i].path, rc == 1 ? vm_last_error(vm)->message : "read failed");
        vm_free(vm);
    }
}

TEST(damaged_copies_never_crash)
{
    VM *vm = vm_new(NULL);
    long errors = 0, loaded = 0;
    for (int i = 0; i < nsamples; i++) {
        const Sample *s = &samples[i];
        uint8_t *copy = malloc(s->len);
        for (size_t n = 0; n < s->len; n++) { /* every strict prefix */
            memcpy(copy, s->data, n);
            int rc = read_and_verify(vm, copy, n);
            CHECK_MSG(rc == 0, "%s: prefix of %zu bytes was accepted", s->path, n);
        }
        for (size_t at = 0; at < s->len; at++) { /* every byte flipped */
            memcpy(copy, s->data, s->len);
            copy[at] ^= 0xFF;
            int rc = read_and_verify(vm, copy, s->len);
            if (rc == 2) {
                loaded++;
                /* Fresh VM: the loaded names now clash with the next copy. */
                vm_free(vm);
                vm = vm_new(NULL);
            } else {
                errors++;
            }
        }
        free(copy);
    }
    vm_free(vm);
    CHECK(errors > 0);
    CHECK(loaded > 0);
}

int main(void)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/fixtures/stoffel-vm", shared_dir());
    if (access(dir, R_OK) != 0) { /* a bare clone: every test here needs the corpus */
        unit_current = "all";
        UNIT_SKIP("%s is absent (set STOFFEL_SHARED)", dir);
        return unit_report();
    }
    RUN(corpus);
    RUN(disassembly_reassembles_identically);
    RUN(every_sample_verifies);
    RUN(damaged_copies_never_crash);
    for (int i = 0; i < nsamples; i++) {
        if (strncmp(samples[i].path, vec_dir, strlen(vec_dir)) == 0) unlink(samples[i].path);
        free(samples[i].data);
    }
    if (vec_dir[0]) rmdir(vec_dir);
    return unit_report();
}
