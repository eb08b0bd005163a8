/* stoffel-run: run a StoffelVM program (text assembly or .stflb).
 *
 *   stoffel-run PROGRAM [ENTRY] [options]
 *
 * Prints `Program returned: <value>` on success.  Exit codes follow
 * upstream (spec/vm-core.md §12): 0 ok, 1 usage, 2 bad flags or an
 * unreadable / undecodable program, 3 program unusable (registration
 * failed), 4 execution error.  Unlike upstream, flag values are never
 * taken as positionals and `--flag=value` works. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/local_mpc.h"
#include "lang/lang.h"
#include "api/net_mpc.h"
#include "core/format.h"
#include "tool_io.h"
#include "vm/vm.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: stoffel-run PROGRAM [ENTRY] [options]\n"
            "  PROGRAM                 a .stflb file or a text assembly file (docs/assembly.md)\n"
            "  ENTRY                   function to run (default: main)\n"
            "options:\n"
            "  --info                  print the program's version, functions and manifest\n"
            "  --trace-instr           trace every instruction to stderr\n"
            "  --max-instructions N    stop with an error after N instructions\n"
            "  --max-call-depth N      call depth limit (default 10000)\n"
            "  --max-heap-mb N         heap limit in MiB (default: none)\n"
            "MPC in one process (every party and client a thread):\n"
            "  --local-mpc             run PROGRAM as an n-party session\n"
            "  --n-parties N           number of parties (n >= 3t+1)\n"
            "  --threshold T           faults tolerated (default 1)\n"
            "  --inputs A,B,...        one entry per client; a client's values separated by ':'\n"
            "  --mpc-curve C           bls12-381 (default), bn254, curve25519, ed25519\n"
            "  --mpc-backend B         honeybadger (the only backend of this build)\n"
            "  --simulate-fault K:N    testing aid: the last N parties misbehave;\n"
            "                          K is wrong-shares or silent\n"
            "Networked MPC, one process per node (docs/network.md):\n"
            "  --party-id I            run as party I of the roster's session\n"
            "  --client                run as a client (PROGRAM optional) with --client-id C\n"
            "  --roster FILE           the session's roster (stoffel-keygen prints its lines)\n"
            "  --key FILE, --cert FILE this node's key and certificate (PEM)\n"
            "  --inputs V1,V2          (client) this client's inputs\n"
            "  --inputs-from-clients K (party) inputs per client when the program has no manifest\n"
            "  --bind HOST:PORT        (party) listen here instead of the roster address\n"
            "  --session LABEL         mixed into the instance id (default: from the roster)\n"
            "  --timeout-ms N          per protocol wait (party 10000, client result 60000)\n"
            "  --connect-timeout-ms N  waiting for the other nodes (default 60000)\n"
            "Discovery instead of a roster (STOFFEL_AUTH_TOKEN must be set; docs/network.md):\n"
            "  --leader                be party 0: take registrations on --bind HOST:PORT until\n"
            "                          --n-parties N parties and --clients K clients are in\n"
            "  --bootstrap HOST:PORT   register with the leader (a party also gives --bind)\n"
            "  --servers A,B,...       the parties' addresses, as upstream; checked against the roster\n"
            "  --leader-key-id HEX     pin the leader's key id (default: accept its key)\n"
            "  -h, --help              this text\n");
}

/* Networked sessions are later work; name them so users get a clear error. */
static const char *const network_flags[] = {
    "--bootnode", NULL
};

static const char *backend_name(uint8_t b) { return b == 0 ? "honeybadger" : b == 1 ? "avss" : "unknown"; }

static const char *curve_name(uint8_t c)
{
    static const char *const names[] = { "bls12-381", "bn254", "curve25519", "ed25519", "secp256k1", "p-256" };
    return c < 6 ? names[c] : "unknown";
}

static void print_share_types(const StfShareType *t, uint32_t n)
{
    printf("[");
    for (uint32_t i = 0; i < n; i++) {
        if (i) printf(", ");
        if (t[i].tag == 1) printf("fixed:%u:%u", t[i].bits, t[i].frac);
        else printf("%s:%u", t[i].tag == 2 ? "uint" : "int", t[i].bits);
    }
    printf("]");
}

/* --info: what is in the file, without running it. */
static void print_info(const char *path, const StfProgram *p)
{
    printf("program: %s\n", path);
    printf("format version: %u\n", p->version);
    printf("constants: %u\n", p->const_count);
    printf("functions: %u\n", p->func_count);
    /* Names seen so far, to mark duplicates (open addressing over function
     * indices + 1): a scan per function would be quadratic. */
    uint32_t size = 16;
    while (size < 2 * (uint64_t)p->func_count) size *= 2;
    uint32_t *seen = calloc(size, sizeof *seen);
    for (uint32_t i = 0; i < p->func_count; i++) {
        const StfFunction *f = &p->funcs[i];
        printf("  %s(", f->name.s);
        for (uint32_t k = 0; k < f->param_count; k++) printf("%s%s", k ? ", " : "", f->params[k].s);
        printf("): %u registers stored, frame %u, %u instructions, %u labels",
               f->register_count, stf_function_frame_size(f), f->instr_count, f->label_count);
        if (f->upvalue_count) printf(", %u upvalues", f->upvalue_count);
        bool dup = false;
        if (seen) {
            uint32_t h = bytes_hash(f->name.s, f->name.len) & (size - 1);
            for (; seen[h]; h = (h + 1) & (size - 1))
                if (strcmp(p->funcs[seen[h] - 1].name.s, f->name.s) == 0) { dup = true; break; }
            if (!dup) seen[h] = i + 1;
        } else {
            for (uint32_t j = 0; j < i && !dup; j++) dup = strcmp(p->funcs[j].name.s, f->name.s) == 0;
        }
        printf("%s\n", dup ? " (duplicate)" : "");
    }
    free(seen);
    if (p->version < 2) {
        printf("manifest: none (format version < 2)\n");
        return;
    }
    const StfManifest *m = &p->manifest;
    printf("manifest:\n");
    printf("  backend: %s\n", p->version >= 3 ? backend_name(m->backend) : "honeybadger (implied)");
    printf("  curve: %s\n", p->version >= 4 ? curve_name(m->curve) : "bls12-381 (implied)");
    printf("  clients: %u\n", m->client_count);
    for (uint32_t i = 0; i < m->client_count; i++) {
        const StfClientSchema *c = &m->clients[i];
        printf("    slot %" PRIu64 ": inputs ", c->slot);
        print_share_types(c->inputs, c->input_count);
        printf(", outputs ");
        print_share_types(c->outputs, c->output_count);
        printf("\n");
    }
    if (p->version >= 8)
        printf("  preprocessing: triples %" PRIu64 ", randoms %" PRIu64 ", prandbits %" PRIu64
               ", prandints %" PRIu64 ", dynamic %s\n",
               m->triples, m->randoms, m->prandbits, m->prandints, m->dynamic ? "yes" : "no");
    else
        printf("  preprocessing: not recorded (format version < 8)\n");
}

static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *entry = NULL;
    VmConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    bool trace_instr = false, info = false, local_mpc = false, mpc_flag_seen = false;
    LocalMpcOptions mo;
    memset(&mo, 0, sizeof mo);
    mo.threshold = 1;
    NetMpcOptions no;
    memset(&no, 0, sizeof no);
    no.party_id = no.client_id = -1;
    bool networked = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stderr);
            return 1;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (!path) path = a;
            else if (!entry) entry = a;
            else {
                fprintf(stderr, "Error: unexpected argument '%s'\n", a);
                return 2;
            }
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        const char *val = eq ? eq + 1 : NULL;
#define FLAG(name) (nlen == strlen(name) && strncmp(a, name, nlen) == 0)
#define TAKE_VALUE() do { \
            if (!val) { \
                if (i + 1 >= argc) { fprintf(stderr, "Error: %.*s needs a value\n", (int)nlen, a); return 2; } \
                val = argv[++i]; \
            } \
        } while (0)
        uint64_t n;
        if (FLAG("--trace-instr")) {
            trace_instr = true;
        } else if (FLAG("--info")) {
            info = true;
        } else if (FLAG("--trace-regs") || FLAG("--trace-stack")) {
            /* accepted for compatibility; instruction tracing covers them for now */
        } else if (FLAG("--max-instructions")) {
            TAKE_VALUE();
            if (!parse_u64(val, &n) || n == 0) { fprintf(stderr, "Error: --max-instructions needs a positive integer, got '%s'\n", val); return 2; }
            cfg.instruction_budget = n;
        } else if (FLAG("--max-call-depth")) {
            TAKE_VALUE();
            if (!parse_u64(val, &n) || n == 0 || n > 10000000) { fprintf(stderr, "Error: --max-call-depth needs an integer in 1..10000000, got '%s'\n", val); return 2; }
            cfg.max_call_depth = (uint32_t)n;
        } else if (FLAG("--max-heap-mb")) {
            TAKE_VALUE();
            if (!parse_u64(val, &n) || n == 0 || n > ((uint64_t)1 << 40)) { fprintf(stderr, "Error: --max-heap-mb needs a positive integer, got '%s'\n", val); return 2; }
            cfg.heap_limit = (size_t)n << 20;
        } else if (FLAG("--local-mpc")) {
            local_mpc = true;
        } else if (FLAG("--n-parties") || FLAG("--threshold")) {
            bool parties = FLAG("--n-parties");
            TAKE_VALUE();
            if (!parse_u64(val, &n) || n > 255) { fprintf(stderr, "Error: %.*s needs an integer 0..255, got '%s'\n", (int)nlen, a, val); return 2; }
            if (parties) mo.n_parties = (uint32_t)n;
            else mo.threshold = (uint32_t)n;
            mpc_flag_seen = true;
        } else if (FLAG("--inputs")) {
            TAKE_VALUE();
            mo.inputs = val;
            mpc_flag_seen = true;
        } else if (FLAG("--mpc-curve")) {
            TAKE_VALUE();
            mo.curve = val;
            mpc_flag_seen = true;
        } else if (FLAG("--mpc-backend")) {
            TAKE_VALUE();
            if (strcmp(val, "honeybadger") != 0 && strcmp(val, "hb") != 0) {
                fprintf(stderr, "Error: --mpc-backend %s is not available (this build has honeybadger)\n", val);
                return 2;
            }
        } else if (FLAG("--simulate-fault")) {
            TAKE_VALUE();
            const char *colon = strchr(val, ':');
            size_t klen = colon ? (size_t)(colon - val) : strlen(val);
            if (klen == 12 && strncmp(val, "wrong-shares", 12) == 0) mo.fault = MPC_FAULT_WRONG_SHARES;
            else if (klen == 6 && strncmp(val, "silent", 6) == 0) mo.fault = MPC_FAULT_SILENT;
            else { fprintf(stderr, "Error: --simulate-fault kind must be wrong-shares or silent, got '%s'\n", val); return 2; }
            if (!colon || !parse_u64(colon + 1, &n) || n > 255) { fprintf(stderr, "Error: --simulate-fault needs KIND:COUNT, got '%s'\n", val); return 2; }
            mo.faulty = (uint32_t)n;
        } else if (FLAG("--party-id") || FLAG("--client-id") || FLAG("--inputs-from-clients") ||
                   FLAG("--timeout-ms") || FLAG("--connect-timeout-ms")) {
            bool pid = FLAG("--party-id"), cid = FLAG("--client-id"), ipc = FLAG("--inputs-from-clients");
            bool tmo = FLAG("--timeout-ms");
            TAKE_VALUE();
            if (!parse_u64(val, &n) || n > 100000000) { fprintf(stderr, "Error: %.*s needs a non-negative integer, got '%s'\n", (int)nlen, a, val); return 2; }
            if (pid) no.party_id = (int64_t)n;
            else if (cid) no.client_id = (int64_t)n;
            else if (ipc) no.inputs_per_client = (uint32_t)n;
            else if (tmo) no.timeout_ms = (int)n;
            else no.connect_timeout_ms = (int)n;
            networked = true;
        } else if (FLAG("--leader")) {
            no.leader = true;
            networked = true;
        } else if (FLAG("--clients")) {
            TAKE_VALUE();
            if (!parse_u64(val, &n) || n > 255) { fprintf(stderr, "Error: --clients needs an integer 0..255, got '%s'\n", val); return 2; }
            no.n_clients = (uint32_t)n;
            networked = true;
        } else if (FLAG("--bootstrap") || FLAG("--leader-key-id")) {
            const char **slot = FLAG("--bootstrap") ? &no.bootstrap : &no.leader_key_id;
            TAKE_VALUE();
            *slot = val;
            networked = true;
        } else if (FLAG("--client")) {
            no.client = true;
            networked = true;
        } else if (FLAG("--roster") || FLAG("--key") || FLAG("--cert") || FLAG("--bind") || FLAG("--session") ||
                   FLAG("--servers")) {
            const char **slot = FLAG("--roster") ? &no.roster_path : FLAG("--key") ? &no.key_path
                                : FLAG("--cert") ? &no.cert_path : FLAG("--bind") ? &no.bind
                                : FLAG("--servers") ? &no.servers : &no.session;
            TAKE_VALUE();
            *slot = val;
            networked = true;
        } else {
            for (int k = 0; network_flags[k]; k++) {
                if (FLAG(network_flags[k])) {
                    fprintf(stderr, "Error: %s: networked MPC sessions are not available in this build yet "
                                    "(use --local-mpc for an in-process session)\n", network_flags[k]);
                    return 2;
                }
            }
            fprintf(stderr, "Error: unknown option '%s' (see --help)\n", a);
            return 2;
        }
#undef FLAG
#undef TAKE_VALUE
    }
    if (networked) {
        /* a party runs PROGRAM; a client may name it for its manifest */
        if (local_mpc) { fprintf(stderr, "Error: --local-mpc and networked options exclude each other\n"); return 2; }
        bool discovery = no.leader || no.bootstrap;
        if (discovery && (no.party_id >= 0 || no.client_id >= 0)) { fprintf(stderr, "Error: with --leader / --bootstrap the leader assigns the ids (no --party-id / --client-id)\n"); return 2; }
        if (!discovery && no.client == (no.party_id >= 0)) { fprintf(stderr, "Error: a networked node is either --party-id I or --client\n"); return 2; }
        if (mo.faulty) { fprintf(stderr, "Error: --simulate-fault is for --local-mpc only\n"); return 2; }
        no.entry = entry ? entry : "main";
        no.program_path = path;
        no.n_parties = mo.n_parties;
        no.threshold = mo.threshold;
        no.curve = mo.curve;
        no.inputs = mo.inputs;
        StfProgram np;
        stf_program_init(&np);
        if (path) {
            int lrc = tool_load_program(path, &np);
            if (lrc) return lrc;
        } else if (!no.client) {
            usage(stderr);
            return 1;
        }
        int nrc = discovery ? net_mpc_run_discovery(path ? &np : NULL, &no) : net_mpc_run(path ? &np : NULL, &no);
        stf_program_free(&np);
        return nrc;
    }
    if (!path) {
        usage(stderr);
        return 1;
    }
    if (!entry) entry = "main";
    if (mpc_flag_seen && !local_mpc) {
        fprintf(stderr, "Error: MPC options need --local-mpc (networked sessions are not available yet)\n");
        return 2;
    }
    if (local_mpc && mo.n_parties == 0) {
        fprintf(stderr, "Error: --local-mpc needs --n-parties N\n");
        return 2;
    }

    StfProgram prog;
    stf_program_init(&prog);
    /* FILE.stfl is StoffelLang source: compile it in memory */
    bool stfl_src = lang_is_source_path(path);
    int rc = stfl_src ? lang_compile_for_tool(path, &prog) : tool_load_program(path, &prog);
    if (rc) return rc;
    if (info) {
        print_info(path, &prog);
        stf_program_free(&prog);
        return 0;
    }
    if (local_mpc) {
        mo.entry = entry;
        char *result = NULL, *outputs = NULL, err[1024];
        rc = local_mpc_run(&prog, &mo, &result, &outputs, err, sizeof err);
        stf_program_free(&prog);
        fflush(stdout);
        if (rc != LOCAL_MPC_OK) {
            if (rc == LOCAL_MPC_FAILED) fprintf(stderr, "Execution error in '%s': %s\n", entry, err);
            else fprintf(stderr, "Error: %s\n", err);
            return rc;
        }
        fputs(outputs, stdout);
        printf("Program returned: %s\n", result);
        free(result);
        free(outputs);
        return 0;
    }

    VM *vm = vm_new(&cfg);
    if (!vm) {
        fprintf(stderr, "Error: cannot create the VM (out of memory)\n");
        stf_program_free(&prog);
        return 3;
    }
    if (vm_load_program(vm, &prog) != ST_OK) {
        fprintf(stderr, "Error: %s\n", vm_last_error(vm)->message);
        stf_program_free(&prog);
        vm_free(vm);
        return 3;
    }
    stf_program_free(&prog);
    if (trace_instr) vm_set_trace(vm, stderr, true, false, false);

    Value result;
    int32_t entry_index = vm_find_function(vm, entry, strlen(entry));
    VmFunction *entry_fn = vm_function_at(vm, entry_index);
    if (entry_fn && entry_fn->is_native) {
        /* As upstream's execute(): a builtin is no program entry. */
        fprintf(stderr, "Execution error in '%s': Cannot execute foreign function %s\n", entry, entry);
        vm_free(vm);
        return 4;
    }
    if (vm_execute(vm, entry, NULL, 0, &result) != ST_OK) {
        fflush(stdout);
        const VmError *e = vm_last_error(vm);
        fprintf(stderr, "Execution error in '%s': %s\n", entry, e->message ? e->message : "unknown error");
        if (e->function && e->instr_index >= 0)
            fprintf(stderr, "  at %s, instruction %" PRId64 "\n", e->function, e->instr_index);
        if (stfl_src && e->function && e->instr_index >= 0)
            fprintf(stderr, "  at %s:%u\n", path, lang_vm_line(vm, e->function, e->instr_index));
        vm_free(vm);
        return 4;
    }
    StrBuf b;
    sb_init(&b);
    fmt_result(&b, result);
    printf("Program returned: %s\n", b.data ? b.data : "");
    sb_free(&b);
    fflush(stdout);
    vm_free(vm);
    return 0;
}
