/* test_builtins_doc.c: every builtin the VM registers - without an MPC
 * engine and with one attached - has a `### Name` entry in
 * docs/builtins.md.  The VM's function table is the source of truth: a
 * builtin added without documentation fails here, named.  The whole file is
 * read, so sections added by anyone count.
 *
 * `test_builtins_doc --list` prints the registered names instead. */
#include "unit.h"

#include <stdlib.h>

#include "mpc/engine.h"
#include "net/inproc.h"
#include "vm/vm.h"
#include "vm/vm_internal.h"

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    char chunk[8192];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + got + 1 > cap) {
            cap = (len + got + 1) * 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        memcpy(buf + len, chunk, got);
        len += got;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    else
        buf[len] = 0;
    return buf;
}

/* Whether doc has a line that is exactly "### name" (trailing spaces
 * allowed). */
static int documented(const char *doc, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = doc; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\r' || p[len - 1] == '\t')) len--;
        if (len == n + 4 && strncmp(p, "### ", 4) == 0 && strncmp(p + 4, name, n) == 0) return 1;
        p = eol ? eol + 1 : NULL;
    }
    return 0;
}

/* Checks (or lists) every native function of vm. */
static void check_vm(VM *vm, const char *doc, const char *mode, int list, int *count)
{
    for (uint32_t i = 0; i < vm->nfuncs; i++) {
        VmFunction *fn = vm_function_at(vm, (int32_t)i);
        if (!fn || !fn->is_native) continue;
        (*count)++;
        if (list) {
            printf("%s\n", fn->name->chars);
            continue;
        }
        CHECK_MSG(documented(doc, fn->name->chars),
                  "builtin %s (registered %s) has no '### %s' entry in docs/builtins.md", fn->name->chars, mode,
                  fn->name->chars);
    }
}

int main(int argc, char **argv)
{
    unit_current = "builtins_doc";
    int list = argc > 1 && strcmp(argv[1], "--list") == 0;
    char *doc = NULL;
    if (!list) {
        /* the runner starts tests in the repository root */
        const char *root = getenv("STOFFEL_REPO");
        char path[4096];
        snprintf(path, sizeof path, "%s/docs/builtins.md", root ? root : ".");
        doc = read_file(path);
        CHECK_MSG(doc != NULL, "cannot read %s", path);
        if (!doc) return unit_report();
    }
    int plain = 0, with_engine = 0;
    VM *vm = vm_new(NULL);
    CHECK(vm != NULL);
    if (vm) check_vm(vm, doc, "without an MPC engine", list, &plain);
    vm_free(vm);

    /* One party's engine is enough to attach (nothing is sent). */
    MpcConfig cfg = { .n = 4, .t = 1, .party = 0, .instance_id = 1 };
    InprocHub *hub = inproc_hub_new(4, 0);
    MpcEngine *e = hub ? mpc_engine_new(&cfg, inproc_endpoint(hub, 0), NULL) : NULL;
    vm = vm_new(NULL);
    CHECK(e != NULL && vm != NULL && vm_attach_mpc(vm, e) == ST_OK);
    if (vm && e && !list) check_vm(vm, doc, "with an MPC engine", list, &with_engine);
    vm_free(vm);
    mpc_engine_free(e);
    inproc_hub_free(hub);
    free(doc);
    if (list) return 0;
    /* the table really was read: the core library alone has dozens */
    CHECK_MSG(plain >= 100 && with_engine >= plain, "only %d / %d builtins found", plain, with_engine);
    return unit_report();
}
