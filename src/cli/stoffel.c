/* stoffel: the project driver, with upstream's command shapes.
 *
 *   stoffel check PATH
 *   stoffel compile PATH [-o OUT.stflb] [-O N] [--print-ir]
 *   stoffel run PATH [--client-input C=V]... [--expected-output-clients N]
 *                    [--entry F] [--parties N] [--threshold T]
 *
 * PATH is a project folder with Stoffel.toml ([build] source, default
 * src/main.stfl; [mpc] parties/threshold/backend/curve, defaults 5 and 1)
 * or a .stfl file.  `run` executes in this process: a program without
 * secrets or MPC builtins on one VM, any other as an n-party session of
 * threads (the session `stoffel-run --local-mpc` uses). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/cost_report.h"
#include "api/local_mpc.h"
#include "bytecode/disasm.h"
#include "bytecode/stfl.h"
#include "core/format.h"
#include "lang/lang.h"
#include "tool_version.h"
#include "storage/kv.h"
#include "vm/stdlib_storage.h"
#include "vm/vm.h"
#include "cli/tool_malloc.h"

typedef struct {
    char source[4096];
    char name[256];
    char dir[4096];
    char backend[64];
    char curve[64];
    long parties, threshold;
} Project;

/* Source line of the instruction a VM error points at (0 when unknown). */
static unsigned vm_source_line(VM *vm, const char *fn, long long index)
{
    int32_t i = vm_find_function(vm, fn, strlen(fn));
    VmFunction *f = i >= 0 ? vm_function_at(vm, i) : NULL;
    if (!f || f->is_native || !f->source || index < 0) return 0;
    return f->source[index].line;
}

static void print_usage(FILE *out)
{
    fprintf(out,
            "usage: stoffel check PATH\n"
            "       stoffel compile PATH [-o OUT.stflb] [-O0..3] [--print-ir]\n"
            "       stoffel run PATH [--client-input C=V]... [--input NAME=VALUE]... [--expected-output-clients N]\n"
            "                        [--entry F] [--parties N] [--threshold T] [--stats] [-O0..3]\n"
            "                        [--mpc-backend honeybadger|avss] [--mpc-curve C]\n"
            "                        [--local-store PATH]   LocalStorage.* in this SQLite file (party I: PATH.partyI)\n"
            "PATH: a project folder with Stoffel.toml, or a .stfl file\n");
}

/* The usage on stderr, for a command line that is wrong: exit code 1. */
static int usage(void)
{
    print_usage(stderr);
    return 1;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
    size_t i = 0;
    while (s[i] && isspace((unsigned char)s[i])) i++;
    memmove(s, s + i, n - i + 1);
}

/* Stoffel.toml: the few keys the driver needs (strict key=value lines). */
static int read_toml(const char *path, Project *p)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[1024], section[64] = "";
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = NULL;
        bool inq = false;
        for (char *c = line; *c; c++) {
            if (*c == '"') inq = !inq;
            if (*c == '#' && !inq) {
                hash = c;
                break;
            }
        }
        if (hash) *hash = 0;
        trim(line);
        if (!line[0]) continue;
        if (line[0] == '[') {
            char *end = strchr(line, ']');
            if (!end) {
                fprintf(stderr, "%s:%d: malformed section header\n", path, lineno);
                fclose(f);
                return -2;
            }
            *end = 0;
            snprintf(section, sizeof section, "%.63s", line + 1);
            continue;
        }
        char *eq = strchr(line, '=');
        if (!eq) {
            fprintf(stderr, "%s:%d: expected key = value\n", path, lineno);
            fclose(f);
            return -2;
        }
        *eq = 0;
        char key[256], val[1024];
        snprintf(key, sizeof key, "%.255s", line);
        snprintf(val, sizeof val, "%.1023s", eq + 1);
        trim(key);
        trim(val);
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = 0;
            memmove(val, val + 1, vl - 1);
        }
        char *end;
        if (strcmp(section, "package") == 0 && strcmp(key, "name") == 0)
            snprintf(p->name, sizeof p->name, "%.255s", val);
        else if (strcmp(section, "build") == 0 && strcmp(key, "source") == 0)
            snprintf(p->source, sizeof p->source, "%.2047s/%.1023s", p->dir, val);
        else if (strcmp(section, "mpc") == 0 && (strcmp(key, "backend") == 0 || strcmp(key, "protocol") == 0))
            snprintf(p->backend, sizeof p->backend, "%.63s", val);
        else if (strcmp(section, "mpc") == 0 && (strcmp(key, "curve") == 0 || strcmp(key, "field") == 0)) {
            snprintf(p->curve, sizeof p->curve, "%.63s", val);
            for (char *c = p->curve; *c; c++) /* bls12_381 = bls12-381 */
                if (*c == '_') *c = '-';
        } else if (strcmp(section, "mpc") == 0 && (strcmp(key, "parties") == 0 || strcmp(key, "threshold") == 0)) {
            errno = 0;
            long v = strtol(val, &end, 10);
            if (errno || *end || v < 0 || v > 1000) {
                fprintf(stderr, "%s:%d: %s must be a small non-negative integer, got '%s'\n", path, lineno, key, val);
                fclose(f);
                return -2;
            }
            if (key[0] == 'p')
                p->parties = v;
            else
                p->threshold = v;
        }
    }
    fclose(f);
    return 0;
}

static int resolve(const char *path, Project *p)
{
    memset(p, 0, sizeof *p);
    p->parties = 5;
    p->threshold = 1;
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "Error: %s: %s\n", path, strerror(errno));
        return 2;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(p->dir, sizeof p->dir, "%s", path);
        snprintf(p->source, sizeof p->source, "%s/src/main.stfl", path);
        char toml[4200];
        snprintf(toml, sizeof toml, "%s/Stoffel.toml", path);
        int r = read_toml(toml, p);
        if (r == -1) {
            /* no manifest: main.stfl or src/main.stfl with the defaults */
            snprintf(p->source, sizeof p->source, "%s/main.stfl", path);
            if (stat(p->source, &st) != 0) snprintf(p->source, sizeof p->source, "%s/src/main.stfl", path);
            if (stat(p->source, &st) != 0) {
                fprintf(stderr,
                        "Error: %s has no Stoffel.toml and no main.stfl (pass a project folder or a .stfl file)\n",
                        path);
                return 2;
            }
            r = 0;
        }
        if (r < 0) return 2;
        if (!p->name[0]) {
            const char *b = strrchr(path, '/');
            snprintf(p->name, sizeof p->name, "%s", b && b[1] ? b + 1 : path);
        }
    } else {
        snprintf(p->source, sizeof p->source, "%s", path);
        const char *b = strrchr(path, '/');
        snprintf(p->name, sizeof p->name, "%s", b ? b + 1 : path);
        char *dot = strrchr(p->name, '.');
        if (dot) *dot = 0;
    }
    if (p->threshold == 0) {
        fprintf(stderr, "Error: Stoffel.toml: threshold must be at least 1\n");
        return 2;
    }
    if (p->parties < 3 * p->threshold + 1) {
        fprintf(stderr, "Error: Stoffel.toml: %ld parties cannot tolerate threshold %ld (need n >= 3t+1)\n", p->parties,
                p->threshold);
        return 2;
    }
    return 0;
}

static int compile_with(const Project *p, LangOptions *o, StfProgram *prog)
{
    o->backend = p->backend[0] ? p->backend : NULL;
    o->curve = p->curve[0] ? p->curve : NULL;
    char *err = NULL;
    if (lang_compile_file(p->source, o, prog, &err) != 0) {
        fprintf(stderr, "%s", err ? err : "compilation failed\n");
        free(err);
        return 1;
    }
    return 0;
}

static int compile(const Project *p, int opt, StfProgram *prog)
{
    LangOptions o = { .opt_level = opt,
                      .backend = p->backend[0] ? p->backend : NULL,
                      .curve = p->curve[0] ? p->curve : NULL };
    char *err = NULL;
    if (lang_compile_file(p->source, &o, prog, &err) != 0) {
        fprintf(stderr, "%s", err ? err : "compilation failed\n");
        free(err);
        return 1;
    }
    return 0;
}

/* Does the program need an MPC session (secret registers or MPC builtins)? */
static bool needs_mpc(const StfProgram *p)
{
    static const char *const prefixes[] = { "Share.", "ClientStore.", "MpcOutput.", "Mpc.", "Rbc.", "Avss." };
    for (uint32_t f = 0; f < p->func_count; f++)
        for (uint32_t i = 0; i < p->funcs[f].instr_count; i++) {
            const StfInstr *in = &p->funcs[f].instrs[i];
            if (in->op == STF_OP_CALL)
                for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++)
                    if (strncmp(in->name.s, prefixes[k], strlen(prefixes[k])) == 0) return true;
            int fmt = stf_op_format(in->op);
            if ((fmt == STF_FMT_RR || fmt == STF_FMT_RRR || fmt == STF_FMT_R_K || fmt == STF_FMT_R) && in->a >= 16)
                return true;
        }
    return false;
}

static bool calls(const StfProgram *p, const char *name)
{
    for (uint32_t f = 0; f < p->func_count; f++)
        for (uint32_t i = 0; i < p->funcs[f].instr_count; i++)
            if (p->funcs[f].instrs[i].op == STF_OP_CALL && strcmp(p->funcs[f].instrs[i].name.s, name) == 0) return true;
    return false;
}

/* Is input `index` of client `client` fixed point?  As the session decides:
 * the manifest, else "the program takes only fixed-point shares". */
static bool input_is_fixed(const StfProgram *p, uint32_t client, uint32_t index)
{
    const StfManifest *m = &p->manifest;
    for (uint32_t c = 0; c < m->client_count; c++)
        if (m->clients[c].slot == client && index < m->clients[c].input_count)
            return m->clients[c].inputs[index].tag == 1;
    bool fixed = calls(p, "ClientStore.take_share_fixed");
    bool ints = calls(p, "ClientStore.take_share") || calls(p, "ClientStore.take_share_bool");
    return fixed && !ints;
}

typedef struct {
    char **vals[64];
    int nvals[64];
    int nclients;
} Inputs;

static int add_input(Inputs *in, const char *spec)
{
    const char *eq = strchr(spec, '=');
    char *end;
    long c = eq ? strtol(spec, &end, 10) : -1;
    if (!eq || end != eq || c < 0 || c >= 64 || !eq[1]) {
        fprintf(stderr, "Error: --client-input needs CLIENT=VALUE with CLIENT 0..63, got '%s'\n", spec);
        return 2;
    }
    char **nv = realloc(in->vals[c], (size_t)(in->nvals[c] + 1) * sizeof *nv);
    if (!nv) return 2;
    in->vals[c] = nv;
    nv[in->nvals[c]++] = strdup(eq + 1);
    if (c + 1 > in->nclients) in->nclients = (int)c + 1;
    return 0;
}

/* "true"/"false" become 1/0; fixed-point inputs are given raw (scaled by
 * 2^16) as upstream's CLI takes them, the session wants the number. */
static char *inputs_string(const StfProgram *p, const Inputs *in)
{
    StrBuf b;
    sb_init(&b);
    for (int c = 0; c < in->nclients; c++) {
        if (c) sb_putc(&b, ',');
        if (!in->nvals[c]) {
            sb_free(&b);
            return NULL;
        }
        for (int i = 0; i < in->nvals[c]; i++) {
            if (i) sb_putc(&b, ':');
            const char *v = in->vals[c][i];
            if (strcmp(v, "true") == 0)
                v = "1";
            else if (strcmp(v, "false") == 0)
                v = "0";
            char *end;
            errno = 0;
            long long raw = strtoll(v, &end, 10);
            if (input_is_fixed(p, (uint32_t)c, (uint32_t)i) && !*end && !errno)
                sb_printf(&b, "%.17g", (double)raw / 65536.0);
            else
                sb_puts(&b, v);
        }
    }
    if (!b.data) sb_puts(&b, "");
    return b.data;
}

static void write_out(void *ud, const char *text, size_t len)
{
    (void)ud;
    fwrite(text, 1, len, stdout);
}

static int run_clear(const StfProgram *prog, const char *entry, const char *src, const char *local_store)
{
    VmConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    VM *vm = vm_new(&cfg);
    if (!vm) {
        fprintf(stderr, "Error: out of memory\n");
        return 3;
    }
    if (vm_load_program(vm, prog) != ST_OK) {
        fprintf(stderr, "Error: %s\n", vm_last_error(vm)->message);
        vm_free(vm);
        return 3;
    }
    KvStore *kv = NULL;
    if (local_store) {
        char kerr[512];
        kv = kv_open(local_store, kerr, sizeof kerr);
        if (!kv || stdlib_storage_attach(vm, kv) != ST_OK) {
            fprintf(stderr, "Error: --local-store %s\n", kv ? vm_last_error(vm)->message : kerr);
            kv_close(kv);
            vm_free(vm);
            return 2;
        }
    }
    Value result;
    if (vm_execute(vm, entry, NULL, 0, &result) != ST_OK) {
        fflush(stdout);
        const VmError *e = vm_last_error(vm);
        fprintf(stderr, "Execution error in '%s': %s\n", entry, e->message ? e->message : "unknown error");
        if (e->function && e->instr_index >= 0)
            fprintf(stderr, "  at %s:%u (function %s)\n", src, vm_source_line(vm, e->function, e->instr_index),
                    e->function);
        vm_free(vm);
        kv_close(kv);
        return 4;
    }
    StrBuf b;
    sb_init(&b);
    fmt_result(&b, result);
    printf("Program returned: %s\n", b.data ? b.data : "");
    sb_free(&b);
    vm_free(vm);
    kv_close(kv);
    return 0;
}

static int cmd_run(Project *p, int argc, char **argv)
{
    Inputs in;
    memset(&in, 0, sizeof in);
    const char *entry = "main";
    long parties = p->parties, threshold = p->threshold, expected_outputs = -1;
    const char *main_inputs[64];
    size_t nmain = 0;
    bool stats = false;
    int opt = 2;                    /* -O as `stoffel compile` */
    const char *local_store = NULL; /* LocalStorage.* (docs/storage.md); party I: PATH.partyI */
    StoffelCostReport *report = NULL;
    int rc = 0;
    for (int i = 0; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        char *end;
        if (strcmp(a, "--client-input") == 0 && i + 1 < argc)
            rc = add_input(&in, argv[++i]);
        else if (strcmp(a, "--input") == 0 && i + 1 < argc) {
            if (nmain < 64) main_inputs[nmain++] = argv[++i];
        } else if (strcmp(a, "--expected-output-clients") == 0 && i + 1 < argc) {
            expected_outputs = strtol(argv[++i], &end, 10);
            if (*end || expected_outputs < 0) {
                fprintf(stderr, "Error: --expected-output-clients needs a count\n");
                rc = 2;
            }
        } else if (strcmp(a, "--entry") == 0 && i + 1 < argc)
            entry = argv[++i];
        else if (strcmp(a, "--parties") == 0 && i + 1 < argc)
            parties = strtol(argv[++i], NULL, 10);
        else if (strcmp(a, "--mpc-backend") == 0 && i + 1 < argc) /* overrides Stoffel.toml's [mpc] */
            snprintf(p->backend, sizeof p->backend, "%.63s", argv[++i]);
        else if (strcmp(a, "--mpc-curve") == 0 && i + 1 < argc)
            snprintf(p->curve, sizeof p->curve, "%.63s", argv[++i]);
        else if (strcmp(a, "--threshold") == 0 && i + 1 < argc)
            threshold = strtol(argv[++i], NULL, 10);
        else if (strcmp(a, "--local") == 0)
            continue;
        else if (strncmp(a, "-O", 2) == 0 && a[2] >= '0' && a[2] <= '3' && !a[3])
            opt = a[2] - '0';
        else if (strcmp(a, "--stats") == 0)
            stats = true;
        else if (strcmp(a, "--local-store") == 0 && i + 1 < argc)
            local_store = argv[++i];
        else {
            fprintf(stderr, "Error: unknown run option '%s'\n", a);
            rc = 2;
        }
    }
    StfProgram prog;
    char *client0 = NULL;
    /* a secret result nobody receives (no clients) is opened by main */
    LangOptions lo = { .opt_level = opt,
                       .main_inputs = main_inputs,
                       .n_main_inputs = nmain,
                       .client0_inputs = &client0,
                       .open_result = in.nclients == 0 && expected_outputs <= 0 };
    if (rc == 0 && compile_with(p, &lo, &prog) != 0) rc = 1;
    if (rc == 0 && client0) {
        /* main's secret parameters come first in client 0's inputs */
        char *save = NULL;
        int k = 0;
        char *extra[4096];
        for (char *tok = strtok_r(client0, ":", &save); tok && k < 4096; tok = strtok_r(NULL, ":", &save))
            extra[k++] = tok;
        char **nv = malloc((size_t)(k + in.nvals[0] + 1) * sizeof *nv);
        if (!nv) rc = 2;
        for (int i = 0; nv && i < k; i++) nv[i] = strdup(extra[i]);
        for (int i = 0; nv && i < in.nvals[0]; i++) nv[k + i] = in.vals[0][i];
        if (nv) {
            free(in.vals[0]);
            in.vals[0] = nv;
            in.nvals[0] += k;
            if (in.nclients < 1) in.nclients = 1;
        }
    }
    free(client0);
    if (rc != 0) {
        /* nothing compiled */
    } else {
        if (!needs_mpc(&prog) && in.nclients == 0) {
            rc = run_clear(&prog, entry, p->source, local_store);
        } else {
            char *inputs = inputs_string(&prog, &in);
            if (!inputs) {
                fprintf(stderr, "Error: client inputs must cover clients 0..%d without gaps\n", in.nclients - 1);
                rc = 2;
            } else {
                LocalMpcOptions mo;
                memset(&mo, 0, sizeof mo);
                mo.n_parties = (uint32_t)parties;
                mo.threshold = (uint32_t)threshold;
                mo.curve = p->curve[0] ? p->curve : NULL;
                mo.backend = p->backend[0] ? p->backend : NULL;
                mo.inputs = inputs;
                mo.entry = entry;
                mo.write = write_out;
                mo.cost_report = stats ? &report : NULL;
                mo.local_store = local_store;
                mo.output_clients = expected_outputs > 0 ? (uint32_t)expected_outputs : 0;
                char *result = NULL, *outputs = NULL, err[1024];
                int mrc = local_mpc_run(&prog, &mo, &result, &outputs, err, sizeof err);
                fflush(stdout);
                if (mrc != LOCAL_MPC_OK) {
                    fprintf(stderr, "Execution error in '%s': %s\n", entry, err);
                    /* "... at FN, instruction N": name the source line too */
                    const char *at = strstr(err, "  at ");
                    char fn[256];
                    long long idx;
                    if (at && sscanf(at, "  at %255[^,], instruction %lld", fn, &idx) == 2) {
                        unsigned line = lang_line_of(&prog, fn, idx);
                        if (line) fprintf(stderr, "  at %s:%u\n", p->source, line);
                    }
                    rc = mrc;
                } else {
                    /* what the clients received, one line each */
                    if (outputs && *outputs) fputs(outputs, stdout);
                    printf("Program returned: %s\n", result ? result : "");
                    if (stats)
                        printf("online: %" PRIu64 " rounds, %" PRIu64 " multiplications, %" PRIu64 " values opened\n",
                               report ? report->parties[0].rounds : 0, report ? report->parties[0].multiplications : 0,
                               report ? report->parties[0].opened : 0);
                }
                free(result);
                free(outputs);
                free(inputs);
                stoffel_cost_report_free(report);
            }
        }
        stf_program_free(&prog);
    }
    for (int c = 0; c < 64; c++) {
        for (int i = 0; i < in.nvals[c]; i++) free(in.vals[c][i]);
        free(in.vals[c]);
    }
    return rc;
}

static int write_binary(const StfProgram *prog, const char *out)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    StflError e;
    if (stfl_write(prog, &bytes, &len, &e) != 0) {
        fprintf(stderr, "Error: cannot encode the program: %s\n", e.message);
        return 3;
    }
    FILE *f = fopen(out, "wb");
    int rc = 0;
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "Error: cannot write %s: %s\n", out, strerror(errno));
        rc = 2;
    } else {
        printf("Compiled %s -> %s (%zu bytes)\n", out, out, len);
    }
    free(bytes);
    return rc;
}

int main(int argc, char **argv)
{
    int hv = tool_help_or_version(argc, argv, "stoffel", print_usage); /* --help on stdout, --version */
    tool_tune_malloc();
    if (hv >= 0) return hv;
    if (argc < 2) return usage();
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "deploy") == 0 || strcmp(cmd, "add") == 0 || strcmp(cmd, "publish") == 0) {
        fprintf(stderr, "stoffel %s is not available yet\n", cmd);
        return 1;
    }
    bool is_run = strcmp(cmd, "run") == 0 || strcmp(cmd, "exec") == 0 || strcmp(cmd, "execute") == 0;
    if (strcmp(cmd, "check") != 0 && strcmp(cmd, "compile") != 0 && strcmp(cmd, "build") != 0 && !is_run) {
        fprintf(stderr, "Error: unknown command '%s'\n", cmd);
        return usage();
    }
    const char *path = ".";
    int rest = 2;
    if (argc > 2 && argv[2][0] != '-') {
        path = argv[2];
        rest = 3;
    }
    Project p;
    int rc = resolve(path, &p);
    if (rc) return rc;
    if (is_run) return cmd_run(&p, argc - rest, argv + rest);
    if (strcmp(cmd, "check") == 0) {
        StfProgram prog;
        if (compile(&p, 0, &prog) != 0) return 1;
        printf("%s: ok (%s, %ld parties, threshold %ld)\n", p.source, needs_mpc(&prog) ? "MPC" : "clear", p.parties,
               p.threshold);
        stf_program_free(&prog);
        return 0;
    }
    /* compile / build */
    const char *out = NULL;
    int opt = 2;
    bool print_ir = false;
    for (int i = rest; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strncmp(argv[i], "-O", 2) == 0 && argv[i][2])
            opt = atoi(argv[i] + 2);
        else if (strcmp(argv[i], "--release") == 0)
            opt = 3;
        else if (strcmp(argv[i], "--print-ir") == 0)
            print_ir = true;
        else {
            fprintf(stderr, "Error: unknown compile option '%s'\n", argv[i]);
            return 2;
        }
    }
    StfProgram prog;
    if (compile(&p, opt, &prog) != 0) return 1;
    if (print_ir) {
        char *text = disasm_program(&prog);
        if (text) fputs(text, stdout);
        free(text);
    }
    char defout[4400];
    if (!out) {
        if (p.dir[0]) {
            snprintf(defout, sizeof defout, "%s/target", p.dir);
            mkdir(defout, 0777);
            snprintf(defout, sizeof defout, "%s/target/%s.stflb", p.dir, p.name);
        } else {
            snprintf(defout, sizeof defout, "%s", p.source);
            char *dot = strrchr(defout, '.');
            if (dot) *dot = 0;
            strncat(defout, ".stflb", sizeof defout - strlen(defout) - 1);
        }
        out = defout;
    }
    rc = write_binary(&prog, out);
    stf_program_free(&prog);
    return rc;
}
