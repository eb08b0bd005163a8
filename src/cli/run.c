/* stoffel-run: run a StoffelVM program (text assembly or .stflb).
 *
 *   stoffel-run PROGRAM [ENTRY] [options]
 *
 * Prints `Program returned: <value>` on success.  Exit codes follow
 * upstream (spec/vm-core.md §12): 0 ok, 1 usage, 2 bad flags or an
 * unreadable / undecodable program, 3 program unusable (registration
 * failed), 4 execution error; networked sessions add theirs
 * (docs/network.md).  Unlike upstream, flag values are never taken as
 * positionals and `--flag=value` works.
 *
 * A client of the public API only (stoffel.h): what this tool needs, an
 * embedder can do too. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/tool_malloc.h" /* libc only */
#include "stoffel.h"

/* Bound of the ids, counts and timeouts of networked sessions (the other
 * bounds are stoffel.h's limits). */
#define CLI_MAX_NET_NUMBER 100000000u

static void usage(FILE *out)
{
    fprintf(out, "usage: stoffel-run PROGRAM [ENTRY] [options]\n"
                 "  PROGRAM                 a .stflb file or a text assembly file (docs/assembly.md)\n"
                 "  ENTRY                   function to run (default: main)\n"
                 "options:\n"
                 "  --info                  print the program's version, functions and manifest\n"
                 "  --list-builtins         print every builtin with its signature (docs/builtins.md)\n"
                 "  --trace-instr           trace every instruction to stderr\n"
                 "  --trace-regs            trace register writes to stderr\n"
                 "  --trace-stack           trace argument pushes, calls and returns to stderr\n"
                 "  --trace-party N         with --local-mpc: the party that traces (default 0)\n"
                 "  --max-instructions N    stop with an error after N instructions\n"
                 "  --max-call-depth N      call depth limit (default 10000)\n"
                 "  --max-heap-mb N         heap limit in MiB, per party of a session (default: half\n"
                 "                          the physical memory, shared by --local-mpc's parties;\n"
                 "                          0: none); counts the MPC engine's buffers too\n"
                 "MPC in one process (every party and client a thread):\n"
                 "  --local-mpc             run PROGRAM as an n-party session\n"
                 "  --n-parties N           number of parties (n >= 3t+1)\n"
                 "  --threshold T           faults tolerated (default 1)\n"
                 "  --inputs A,B,...        one entry per client; a client's values separated by ':'\n"
                 "  --mpc-curve C           bls12-381 (default), bn254, curve25519, ed25519;\n"
                 "                          with avss also secp256k1, p-256\n"
                 "  --mpc-backend B         honeybadger (default) or avss (docs/avss.md)\n"
                 "  --simulate-fault K:N    testing aid: the last N parties misbehave;\n"
                 "                          K is wrong-shares or silent\n"
                 "Networked MPC, one process per node (docs/network.md):\n"
                 "  --party-id I            run as party I of the roster's session\n"
                 "  --client                run as a client (PROGRAM optional) with --client-id C\n"
                 "  --roster FILE           the session's roster (stoffel-keygen prints its lines)\n"
                 "  --key FILE, --cert FILE this node's key and certificate (PEM or DER)\n"
                 "  --inputs V1,V2          (client) this client's inputs\n"
                 "  --outputs N             (client) the result must have N values (with no --inputs:\n"
                 "                          an output-only client)\n"
                 "  --output-fixed-point-fractional-bits N\n"
                 "                          (client) print the outputs as fixed point with N (<= 62)\n"
                 "                          fractional bits, for programs without a manifest\n"
                 "  --client-index C        (client) this client's seat: --client-id C with a roster,\n"
                 "                          its claimed id with --bootstrap\n"
                 "  --inputs-from-clients K (party) inputs per client when the program has no manifest\n"
                 "  --client-input-count K  (party) the same, as upstream names it\n"
                 "  --client-input-total T  (party) all clients' inputs together: checked against\n"
                 "                          the per-client counts, or split evenly\n"
                 "  --wait-for-clients K    (party) the session's clients: --clients K at the leader,\n"
                 "                          else checked against the roster\n"
                 "  --expected-clients A,B  (party) the clients' certificates in seat order: the\n"
                 "                          leader admits only these keys, others check the roster\n"
                 "  --bind HOST:PORT        (party) listen here instead of the roster address\n"
                 "  --session LABEL         mixed into the instance id (default: from the roster)\n"
                 "  --timeout-ms N          per protocol wait (party 10000, client result 60000;\n"
                 "                          also with --local-mpc)\n"
                 "  --connect-timeout-ms N  waiting for the other nodes (default 60000)\n"
                 "  --reconnect-window-ms N a connection lost to a reset may come back within N ms\n"
                 "                          (default 5000; 0: never)\n"
                 "Discovery instead of a roster (parties: STOFFEL_AUTH_TOKEN, clients:\n"
                 "STOFFEL_CLIENT_TOKEN; docs/network.md):\n"
                 "  --leader                be party 0: take registrations on --bind HOST:PORT until\n"
                 "                          --n-parties N parties and --clients K clients are in\n"
                 "  --bootstrap HOST:PORT   register with the leader (a party also gives --bind)\n"
                 "  --servers A,B,...       the parties' addresses, as upstream; checked against the roster\n"
                 "  --leader-key-id HEX     pin the leader's key id (required to register)\n"
                 "  --insecure-no-leader-pin  register without a pin: any key answering gets the token\n"
                 "  --party-keys FILE       (leader) the keys that may take a party seat: key ids,\n"
                 "                          certificate files or roster party lines (required)\n"
                 "  --insecure-any-party-key  (leader) seat any key holding STOFFEL_AUTH_TOKEN\n"
                 "Stores (docs/storage.md; with --local-mpc party I uses PATH.partyI):\n"
                 "  --local-store PATH      LocalStorage.* keep their values in this SQLite file\n"
                 "  --preproc-store PATH    keep unused preprocessing material here for later runs\n"
                 "Cost report of an MPC session (docs/programming.md §9):\n"
                 "  --stats                 print per party rounds, messages, bytes, preprocessing used\n"
                 "                          and time per phase (to stderr)\n"
                 "  --stats-json FILE       the same as JSON, with each party's timeline of rounds\n"
                 "  --trace FILE            Chrome trace-event file of the rounds per party (Perfetto)\n"
                 "  --stats-svg FILE        a picture: per party a timeline of rounds and their bytes\n"
                 "  --quiet                 no progress on stderr (shown when it is a terminal, for\n"
                 "                          preprocessing and waits for peers over a second)\n"
                 "  --progress              show progress even when stderr is no terminal\n"
                 "  --version               print the version\n"
                 "  -h, --help              this text\n");
}

/* Everything the command line says. */
typedef struct {
    const char *path, *entry;
    StoffelConfig vm;
    unsigned trace; /* STOFFEL_TRACE_* */
    bool trace_party_seen;
    bool info, local_mpc, mpc_flag_seen, networked;
    bool heap_set;                           /* --max-heap-mb given (else the default cap) */
    bool timeout_seen;                       /* --timeout-ms: networked unless with --local-mpc */
    const char *local_store, *preproc_store; /* docs/storage.md */
    const char *report[4];                   /* cost report path per StoffelReportFormat ("-": stderr), or NULL */
    int progress;                            /* --quiet -1, --progress 1, else 0: when stderr is a terminal */
    StoffelLocalMpcOptions mpc;
    StoffelNetOptions net;
} Cli;

/* ---- options ------------------------------------------------------------------ */

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

/* A handler sets what its flag says; 0, or the exit code after a message. */
typedef int (*OptFn)(Cli *c, const char *flag, const char *val);

static int bad_flag(const char *fmt, const char *a, const char *b)
{
    fputs("Error: ", stderr);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 2;
}

static int opt_info(Cli *c, const char *f, const char *v)
{
    c->info = true;
    return 0;
}
static int opt_trace(Cli *c, const char *f, const char *v)
{
    c->trace |= strcmp(f, "--trace-instr") == 0  ? STOFFEL_TRACE_INSTRUCTIONS
                : strcmp(f, "--trace-regs") == 0 ? STOFFEL_TRACE_REGISTERS
                                                 : STOFFEL_TRACE_STACK;
    return 0;
}
static int opt_local_mpc(Cli *c, const char *f, const char *v)
{
    c->local_mpc = true;
    return 0;
}
/* Every builtin the VM registers (the source of truth) with its line from
 * docs/builtins.md; prints and ends the run, as --version does. */
static int opt_list_builtins(Cli *c, const char *f, const char *v)
{
    StoffelVM *vm = stoffel_new(NULL);
    if (!vm) {
        fprintf(stderr, "Error: cannot create the VM (out of memory)\n");
        exit(3);
    }
    const char *name;
    for (size_t i = 0; (name = stoffel_builtin_at(vm, i)) != NULL; i++) {
        const char *line = stoffel_builtin_summary(name);
        if (line)
            printf("%s\n", line);
        else
            printf("%s (undocumented: add it to docs/builtins.md)\n", name);
    }
    stoffel_free(vm);
    fflush(stdout);
    exit(0);
}

static int opt_max_instructions(Cli *c, const char *f, const char *v)
{
    uint64_t n;
    if (!parse_u64(v, &n) || n == 0) return bad_flag("%s needs a positive integer, got '%s'", f, v);
    c->vm.instruction_budget = n;
    return 0;
}

static int opt_max_call_depth(Cli *c, const char *f, const char *v)
{
    uint64_t n;
    if (!parse_u64(v, &n) || n == 0 || n > STOFFEL_MAX_CALL_DEPTH)
        return bad_flag("%s needs an integer in 1..10000000, got '%s'", f, v);
    c->vm.max_call_depth = (uint32_t)n;
    return 0;
}

static int opt_max_heap_mb(Cli *c, const char *f, const char *v)
{
    uint64_t n;
    if (!parse_u64(v, &n) || n > STOFFEL_MAX_HEAP_MB)
        return bad_flag("%s needs a non-negative integer (0: no limit), got '%s'", f, v);
    c->vm.heap_limit = (size_t)n << 20;
    c->heap_set = true;
    return 0;
}

static int opt_parties(Cli *c, const char *f, const char *v)
{
    uint64_t n;
    if (!parse_u64(v, &n) || n > STOFFEL_MAX_PARTIES) return bad_flag("%s needs an integer 0..255, got '%s'", f, v);
    if (strcmp(f, "--n-parties") == 0)
        c->mpc.n_parties = (uint32_t)n;
    else
        c->mpc.threshold = (uint32_t)n;
    c->mpc_flag_seen = true;
    return 0;
}

/* --trace-party N: which party of --local-mpc traces (default 0) */
static int opt_trace_party(Cli *c, const char *f, const char *v)
{
    uint64_t n;
    if (!parse_u64(v, &n) || n >= STOFFEL_MAX_PARTIES) return bad_flag("%s needs a party index 0..254, got '%s'", f, v);
    c->mpc.trace_party = (uint32_t)n;
    c->trace_party_seen = true;
    return 0;
}

static int opt_mpc_text(Cli *c, const char *f, const char *v)
{
    if (strcmp(f, "--inputs") == 0)
        c->mpc.inputs = v;
    else
        c->mpc.curve = v;
    c->mpc_flag_seen = true;
    return 0;
}

static int opt_backend(Cli *c, const char *f, const char *v)
{
    if (strcmp(v, "avss") == 0) {
        c->mpc.backend = "avss";
        c->mpc_flag_seen = true;
        return 0;
    }
    if (strcmp(v, "honeybadger") != 0 && strcmp(v, "hb") != 0)
        return bad_flag("--mpc-backend %s is not available (honeybadger or avss)%s", v, "");
    return 0;
}

static int opt_fault(Cli *c, const char *f, const char *v)
{
    const char *colon = strchr(v, ':');
    size_t klen = colon ? (size_t)(colon - v) : strlen(v);
    uint64_t n;
    if (klen == 12 && strncmp(v, "wrong-shares", 12) == 0)
        c->mpc.fault = STOFFEL_FAULT_WRONG_SHARES;
    else if (klen == 6 && strncmp(v, "silent", 6) == 0)
        c->mpc.fault = STOFFEL_FAULT_SILENT;
    else
        return bad_flag("%s kind must be wrong-shares or silent, got '%s'", f, v);
    if (!colon || !parse_u64(colon + 1, &n) || n > STOFFEL_MAX_PARTIES)
        return bad_flag("%s needs KIND:COUNT, got '%s'", f, v);
    c->mpc.faulty = (uint32_t)n;
    return 0;
}

static int opt_net_number(Cli *c, const char *f, const char *v)
{
    uint64_t n;
    if (!parse_u64(v, &n) || n > CLI_MAX_NET_NUMBER) return bad_flag("%s needs a non-negative integer, got '%s'", f, v);
    StoffelNetOptions *o = &c->net;
    if (strcmp(f, "--party-id") == 0)
        o->party_id = (int64_t)n;
    else if (strcmp(f, "--client-id") == 0)
        o->client_id = (int64_t)n;
    else if (strcmp(f, "--inputs-from-clients") == 0)
        o->inputs_per_client = (uint32_t)n;
    else if (strcmp(f, "--timeout-ms") == 0) {
        /* also --local-mpc's: which of the two is decided in main */
        o->timeout_ms = c->mpc.timeout_ms = (int)n;
        c->timeout_seen = true;
        return 0;
    } else if (strcmp(f, "--reconnect-window-ms") == 0)
        o->reconnect_ms = n ? (int)n : -1;
    else
        o->connect_timeout_ms = (int)n;
    c->networked = true;
    return 0;
}

/* Upstream's client-I/O flags, with its error texts. */
static int opt_client_io(Cli *c, const char *f, const char *v)
{
    uint64_t n;
    StoffelNetOptions *o = &c->net;
    if (!parse_u64(v, &n) || n > CLI_MAX_NET_NUMBER) return bad_flag("%s needs a non-negative integer, got '%s'", f, v);
    c->networked = true;
    if (strcmp(f, "--output-fixed-point-fractional-bits") == 0) {
        if (n > 62) return bad_flag("--output-fixed-point-fractional-bits must be <= 62%s%s", "", "");
        o->output_fixed_point = 1;
        o->output_frac_bits = (uint32_t)n;
        return 0;
    }
    if (strcmp(f, "--client-index") == 0) {
        o->has_client_index = 1;
        o->client_index = (uint32_t)n;
        return 0;
    }
    if (n == 0) return bad_flag("%s%s must be greater than 0", f, strcmp(f, "--wait-for-clients") == 0 ? " count" : "");
    if (strcmp(f, "--outputs") == 0)
        o->outputs = (uint32_t)n;
    else if (strcmp(f, "--wait-for-clients") == 0)
        o->wait_for_clients = (uint32_t)n;
    else if (strcmp(f, "--client-input-count") == 0)
        o->inputs_per_client = (uint32_t)n;
    else
        o->client_input_total = (uint32_t)n;
    return 0;
}

static int opt_expected_clients(Cli *c, const char *f, const char *v)
{
    c->net.expected_clients = v;
    c->networked = true;
    return 0;
}

static int opt_clients(Cli *c, const char *f, const char *v)
{
    uint64_t n;
    if (!parse_u64(v, &n) || n > STOFFEL_MAX_PARTIES) return bad_flag("%s needs an integer 0..255, got '%s'", f, v);
    c->net.n_clients = (uint32_t)n;
    c->networked = true;
    return 0;
}

static int opt_net_switch(Cli *c, const char *f, const char *v)
{
    if (strcmp(f, "--leader") == 0)
        c->net.leader = 1;
    else
        c->net.client = 1;
    c->networked = true;
    return 0;
}

static int opt_net_text(Cli *c, const char *f, const char *v)
{
    StoffelNetOptions *o = &c->net;
    const char **slot = strcmp(f, "--roster") == 0          ? &o->roster_path
                        : strcmp(f, "--key") == 0           ? &o->key_path
                        : strcmp(f, "--cert") == 0          ? &o->cert_path
                        : strcmp(f, "--bind") == 0          ? &o->bind
                        : strcmp(f, "--servers") == 0       ? &o->servers
                        : strcmp(f, "--bootstrap") == 0     ? &o->bootstrap
                        : strcmp(f, "--leader-key-id") == 0 ? &o->leader_key_id
                        : strcmp(f, "--party-keys") == 0    ? &o->party_keys
                                                            : &o->session;
    *slot = v;
    c->networked = true;
    return 0;
}

static int opt_no_leader_pin(Cli *c, const char *f, const char *v)
{
    (void)v;
    if (strcmp(f, "--insecure-any-party-key") == 0)
        c->net.insecure_any_party_key = 1;
    else
        c->net.insecure_no_leader_pin = 1;
    c->networked = true;
    return 0;
}

static int opt_store(Cli *c, const char *f, const char *v)
{
    if (strcmp(f, "--local-store") == 0)
        c->local_store = v;
    else
        c->preproc_store = v;
    return 0;
}

/* --stats (to stderr), --stats-json F, --trace F, --stats-svg F */
static int opt_report(Cli *c, const char *f, const char *v)
{
    StoffelReportFormat k = strcmp(f, "--stats") == 0        ? STOFFEL_REPORT_TEXT
                            : strcmp(f, "--stats-json") == 0 ? STOFFEL_REPORT_JSON
                            : strcmp(f, "--trace") == 0      ? STOFFEL_REPORT_TRACE
                                                             : STOFFEL_REPORT_SVG;
    c->report[k] = v ? v : "-";
    c->mpc_flag_seen = true; /* a session's report: needs --local-mpc */
    return 0;
}

static int opt_progress(Cli *c, const char *f, const char *v)
{
    c->progress = strcmp(f, "--quiet") == 0 ? -1 : 1;
    return 0;
}

/* Writes the asked-for cost reports; 0, or 2 when one cannot be written. */
static int write_reports(const Cli *c, StoffelCostReport *rep)
{
    int rc = 0;
    for (int k = 0; rep && k < 4; k++) {
        char *err = NULL;
        if (c->report[k] && stoffel_cost_report_save(rep, (StoffelReportFormat)k, c->report[k], &err) != STOFFEL_OK) {
            fprintf(stderr, "Error: %s\n", err ? err : "cannot write the cost report");
            rc = 2;
        }
        stoffel_free_text(err);
    }
    stoffel_cost_report_free(rep);
    return rc;
}

/* Upstream's flags for what this implementation does not do (a chain
 * coordinator, NAT traversal, program upload, its bootnode service). */
static int opt_unsupported(Cli *c, const char *f, const char *v)
{
    return bad_flag("%s is not supported by this implementation%s", f,
                    strcmp(f, "--bootnode") == 0 ? " (use --leader / --bootstrap or a roster)" : "");
}

static const struct {
    const char *name;
    bool value; /* takes a value (--flag V or --flag=V) */
    OptFn fn;
} OPTIONS[] = {
    { "--info", false, opt_info },
    { "--list-builtins", false, opt_list_builtins },
    { "--trace-instr", false, opt_trace },
    { "--trace-regs", false, opt_trace },
    { "--trace-stack", false, opt_trace },
    { "--trace-party", true, opt_trace_party },
    { "--max-instructions", true, opt_max_instructions },
    { "--max-call-depth", true, opt_max_call_depth },
    { "--max-heap-mb", true, opt_max_heap_mb },
    { "--local-mpc", false, opt_local_mpc },
    { "--n-parties", true, opt_parties },
    { "--threshold", true, opt_parties },
    { "--inputs", true, opt_mpc_text },
    { "--mpc-curve", true, opt_mpc_text },
    { "--mpc-backend", true, opt_backend },
    { "--simulate-fault", true, opt_fault },
    { "--party-id", true, opt_net_number },
    { "--client-id", true, opt_net_number },
    { "--inputs-from-clients", true, opt_net_number },
    { "--timeout-ms", true, opt_net_number },
    { "--connect-timeout-ms", true, opt_net_number },
    { "--leader", false, opt_net_switch },
    { "--client", false, opt_net_switch },
    { "--clients", true, opt_clients },
    { "--bootstrap", true, opt_net_text },
    { "--leader-key-id", true, opt_net_text },
    { "--insecure-no-leader-pin", false, opt_no_leader_pin },
    { "--party-keys", true, opt_net_text },
    { "--insecure-any-party-key", false, opt_no_leader_pin },
    { "--reconnect-window-ms", true, opt_net_number },
    { "--roster", true, opt_net_text },
    { "--key", true, opt_net_text },
    { "--cert", true, opt_net_text },
    { "--bind", true, opt_net_text },
    { "--session", true, opt_net_text },
    { "--servers", true, opt_net_text },
    { "--outputs", true, opt_client_io },
    { "--output-fixed-point-fractional-bits", true, opt_client_io },
    { "--client-index", true, opt_client_io },
    { "--wait-for-clients", true, opt_client_io },
    { "--client-input-count", true, opt_client_io },
    { "--client-input-total", true, opt_client_io },
    { "--expected-clients", true, opt_expected_clients },
    { "--local-store", true, opt_store },
    { "--stats", false, opt_report },
    { "--quiet", false, opt_progress },
    { "--progress", false, opt_progress },
    { "--stats-json", true, opt_report },
    { "--trace", true, opt_report },
    { "--stats-svg", true, opt_report },
    { "--preproc-store", true, opt_store },
    { "--bootnode", false, opt_unsupported },
    { "--eth-node", false, opt_unsupported },
    { "--wallet-sk", false, opt_unsupported },
    { "--on-chain-coord", false, opt_unsupported },
    { "--off-chain-coord", false, opt_unsupported },
    { "--rpc-bind", false, opt_unsupported },
    { "--nat", false, opt_unsupported },
    { "--stun-servers", false, opt_unsupported },
    { "--advertise", false, opt_unsupported },
    { "--no-program-upload", false, opt_unsupported },
};

enum { PARSE_RUN = -1 };

/* Fill *c from argv: PARSE_RUN, or the exit code to stop with. */
static int parse_args(int argc, char **argv, Cli *c)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout); /* asked for: stdout, success */
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("stoffel-run %s\n", STOFFEL_VERSION_STRING);
            return 0;
        }
        if (strncmp(a, "--", 2) != 0) {
            if (!c->path)
                c->path = a;
            else if (!c->entry)
                c->entry = a;
            else {
                fprintf(stderr, "Error: unexpected argument '%s'\n", a);
                return 2;
            }
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        size_t k = 0, nopts = sizeof OPTIONS / sizeof OPTIONS[0];
        while (k < nopts && !(strlen(OPTIONS[k].name) == nlen && strncmp(a, OPTIONS[k].name, nlen) == 0)) k++;
        if (k == nopts) {
            fprintf(stderr, "Error: unknown option '%s' (see --help)\n", a);
            return 2;
        }
        const char *val = eq ? eq + 1 : NULL;
        if (OPTIONS[k].value && !val) {
            if (i + 1 >= argc) {
                fprintf(stderr, "Error: %s needs a value\n", OPTIONS[k].name);
                return 2;
            }
            val = argv[++i];
        }
        int rc = OPTIONS[k].fn(c, OPTIONS[k].name, val);
        if (rc) return rc;
    }
    return PARSE_RUN;
}

/* ---- running ------------------------------------------------------------------ */

/* The program file: 0, or the exit code after the message. */
static int read_program(const char *path, StoffelProgram **prog)
{
    char *err = NULL;
    StoffelResult st = stoffel_program_read(path, prog, &err);
    if (st != STOFFEL_OK) {
        fprintf(stderr, "%s%s\n", st == STOFFEL_ERROR_IO ? "Error: " : "", err ? err : "out of memory");
        stoffel_free_text(err);
        return 2;
    }
    return 0;
}

/* Which node each upstream client-I/O flag is for; --client-index is
 * --client-id with a roster. */
static int check_client_io(StoffelNetOptions *no, bool discovery)
{
    const char *misplaced = NULL;
    if (no->client)
        misplaced = no->wait_for_clients     ? "--wait-for-clients"
                    : no->client_input_total ? "--client-input-total"
                    : no->expected_clients   ? "--expected-clients"
                                             : NULL;
    else
        misplaced = no->outputs              ? "--outputs"
                    : no->output_fixed_point ? "--output-fixed-point-fractional-bits"
                    : no->has_client_index   ? "--client-index"
                                             : NULL;
    if (misplaced) {
        fprintf(stderr, "Error: %s is for %s\n", misplaced, no->client ? "parties, not clients" : "clients (--client)");
        return 2;
    }
    if (no->has_client_index && !discovery) {
        if (no->client_id >= 0 && no->client_id != (int64_t)no->client_index) {
            fprintf(stderr, "Error: --client-index %u and --client-id %lld disagree\n", no->client_index,
                    (long long)no->client_id);
            return 2;
        }
        no->client_id = no->client_index;
    }
    return 0;
}

/* The networked node through the library's handles (stoffel.h), which
 * print nothing: stoffel-run shows what they return. */
static void party_registered(void *ud, const char *stage)
{
    if (strcmp(stage, "registered") == 0)
        fprintf(stderr, "stoffel-discovery: registered as party %lld\n", (long long)stoffel_party_id(ud));
}

static void client_registered(void *ud, const char *stage)
{
    if (strcmp(stage, "registered") == 0)
        fprintf(stderr, "stoffel-discovery: registered as client %lld\n", (long long)stoffel_client_id(ud));
}

static int run_net_party(StoffelProgram *prog, StoffelNetOptions *no)
{
    StoffelParty *p = NULL;
    char *err = NULL;
    if (stoffel_party_new(prog, no, &p, &err) != STOFFEL_OK) {
        fprintf(stderr, "Error: %s\n", err ? err : "out of memory");
        stoffel_free_text(err);
        return 2;
    }
    stoffel_party_set_progress(p, party_registered, p);
    int rc = stoffel_party_run(p);
    size_t nvalues = 0;
    uint32_t nclients = 0;
    const char *clear = stoffel_party_result(p, &nvalues, &nclients);
    fflush(stdout);
    if (rc == 0 && clear)
        printf("Program returned: %s\n", clear);
    else if (rc == 0)
        printf("Program returned a secret share: sent to %u client%s\n", nclients, nclients == 1 ? "" : "s");
    fflush(stdout);
    fputs(stoffel_party_error(p), stderr);
    stoffel_party_free(p);
    return rc;
}

static int run_net_client(StoffelProgram *prog, StoffelNetOptions *no)
{
    StoffelClient *cl = NULL;
    char *err = NULL;
    if (stoffel_client_new(prog, no, &cl, &err) != STOFFEL_OK) {
        fprintf(stderr, "Error: %s\n", err ? err : "out of memory");
        stoffel_free_text(err);
        return 2;
    }
    stoffel_client_set_progress(cl, client_registered, cl);
    int rc = stoffel_client_run(cl);
    size_t nb = stoffel_client_batch_count(cl);
    /* earlier batches as they came, the last one is the result */
    for (size_t b = 0; b + 1 < nb; b++)
        printf("client %lld received: %s\n", (long long)stoffel_client_id(cl), stoffel_client_batch_text(cl, b));
    if (rc == 0 && nb) printf("Program returned: %s\n", stoffel_client_batch_text(cl, nb - 1));
    fflush(stdout);
    fputs(stoffel_client_error(cl), stderr);
    stoffel_client_free(cl);
    return rc;
}

static int run_networked(Cli *c)
{
    /* a party runs PROGRAM; a client may name it for its manifest */
    StoffelNetOptions *no = &c->net;
    if (c->local_mpc) {
        fprintf(stderr, "Error: --local-mpc and networked options exclude each other\n");
        return 2;
    }
    bool discovery = no->leader || no->bootstrap;
    if ((no->party_keys || no->insecure_any_party_key) && !no->leader) {
        fprintf(stderr, "Error: %s is for the leader (--leader)\n",
                no->party_keys ? "--party-keys" : "--insecure-any-party-key");
        return 2;
    }
    if (discovery && (no->party_id >= 0 || no->client_id >= 0)) {
        fprintf(stderr, "Error: with --leader / --bootstrap the leader assigns the ids (no --party-id / --client-id;\n"
                        "a client may claim its seat with --client-index C)\n");
        return 2;
    }
    if (!discovery && (no->client != 0) == (no->party_id >= 0)) {
        fprintf(stderr, "Error: a networked node is either --party-id I or --client\n");
        return 2;
    }
    int io_rc = check_client_io(no, discovery);
    if (io_rc) return io_rc;
    if (c->mpc.faulty) {
        fprintf(stderr, "Error: --simulate-fault is for --local-mpc only\n");
        return 2;
    }
    no->entry = c->entry ? c->entry : "main";
    no->program_path = c->path;
    no->n_parties = c->mpc.n_parties;
    no->threshold = c->mpc.threshold;
    no->curve = c->mpc.curve;
    no->backend = c->mpc.backend;
    no->inputs = c->mpc.inputs;
    if (no->client && (c->local_store || c->preproc_store)) {
        fprintf(stderr, "Error: --local-store and --preproc-store are for parties, not clients\n");
        return 2;
    }
    no->local_store = c->local_store;
    no->preproc_store = c->preproc_store;
    StoffelCostReport *rep = NULL;
    bool reports = c->report[0] || c->report[1] || c->report[2] || c->report[3];
    if (reports && no->client) {
        fprintf(stderr, "Error: --stats, --stats-json, --trace and --stats-svg are for parties, not clients\n");
        return 2;
    }
    if (reports) no->cost_report = &rep;
    if (!no->client && (c->progress > 0 || (c->progress == 0 && isatty(STDERR_FILENO)))) no->progress = stderr;
    no->max_call_depth = c->vm.max_call_depth;
    no->instruction_budget = c->vm.instruction_budget;
    no->heap_limit = c->vm.heap_limit;
    StoffelProgram *prog = NULL;
    if (c->path) {
        int lrc = read_program(c->path, &prog);
        if (lrc) return lrc;
    } else if (!no->client) {
        usage(stderr);
        return 1;
    }
    int rc = no->client ? run_net_client(prog, no) : run_net_party(prog, no);
    stoffel_program_free(prog);
    fflush(stdout);
    int wrc = write_reports(c, rep);
    return rc ? rc : wrc;
}

static void warn_unresolved(StoffelVM *vm, const StoffelProgram *prog, const char *path);

static int run_local_mpc(Cli *c, StoffelProgram *prog)
{
    StoffelVM *check = stoffel_new(NULL); /* the same builtin names as each party's VM */
    if (check && stoffel_load_program(check, prog) == STOFFEL_OK) warn_unresolved(check, prog, c->path);
    stoffel_free(check);
    c->mpc.entry = c->entry;
    if (c->mpc.trace_party >= c->mpc.n_parties) {
        fprintf(stderr, "Error: --trace-party %u: the session has parties 0..%u\n", c->mpc.trace_party,
                c->mpc.n_parties - 1);
        stoffel_program_free(prog);
        return 2;
    }
    if (c->trace) {
        c->mpc.trace = stderr;
        c->mpc.trace_flags = c->trace;
    }
    c->mpc.local_store = c->local_store;
    c->mpc.preproc_store = c->preproc_store;
    c->mpc.max_call_depth = c->vm.max_call_depth; /* per party */
    c->mpc.instruction_budget = c->vm.instruction_budget;
    /* the default cap is the process's, shared by its parties */
    c->mpc.heap_limit = c->heap_set ? c->vm.heap_limit : c->vm.heap_limit / c->mpc.n_parties;
    char *result = NULL, *outputs = NULL, *err = NULL;
    StoffelCostReport *rep = NULL;
    if (c->report[0] || c->report[1] || c->report[2] || c->report[3]) c->mpc.cost_report = &rep;
    if (c->progress > 0 || (c->progress == 0 && isatty(STDERR_FILENO))) c->mpc.progress = stderr;
    StoffelResult st = stoffel_run_local_mpc_program(prog, &c->mpc, &result, &outputs, &err);
    fflush(stdout);
    int rc = 0;
    if (st != STOFFEL_OK) {
        const char *why = err ? err : "out of memory";
        if (st == STOFFEL_ERROR_RUNTIME)
            fprintf(stderr, "Execution error in '%s': %s\n", c->entry, why);
        else
            fprintf(stderr, "Error: %s\n", why);
        /* "... at FN, instruction N": the StoffelLang source line too */
        const char *at = err ? strstr(err, "  at ") : NULL;
        char fn[256];
        long long idx;
        unsigned line;
        if (at && sscanf(at, "  at %255[^,], instruction %lld", fn, &idx) == 2 &&
            (line = stoffel_program_source_line(prog, fn, idx)) != 0)
            fprintf(stderr, "  at %s:%u\n", c->path, line);
        rc = st == STOFFEL_ERROR_INVALID ? 2 : st == STOFFEL_ERROR_LOAD ? 3 : 4;
    } else {
        fputs(outputs, stdout);
        printf("Program returned: %s\n", result);
    }
    stoffel_free_text(result);
    stoffel_free_text(outputs);
    stoffel_free_text(err);
    stoffel_program_free(prog);
    fflush(stdout);
    int wrc = write_reports(c, rep);
    return rc ? rc : wrc;
}

static int run_loaded(Cli *c, StoffelVM *vm, const StoffelProgram *prog);

typedef struct {
    const StoffelProgram *prog;
    const char *path;
} WarnCtx;

static void warn_unresolved_call(void *ud, const char *function, int64_t instruction, const char *name,
                                 const char *suggestion)
{
    const WarnCtx *w = ud;
    if (!suggestion) return; /* maybe an embedder's or Ffi's function: only a likely typo is worth a word */
    unsigned line = stoffel_program_source_line(w->prog, function, instruction);
    if (line)
        fprintf(stderr, "%s:%u: ", w->path, line);
    else
        fprintf(stderr, "%s: ", w->path);
    fprintf(stderr, "warning: %s, instruction %lld calls '%s', which is not defined; did you mean '%s'?\n", function,
            (long long)instruction, name, suggestion);
}

/* Load time: a call by constant name that nothing answers and that is
 * close to a builtin's name is most likely a typo (the run would fail only
 * when it gets there). */
static void warn_unresolved(StoffelVM *vm, const StoffelProgram *prog, const char *path)
{
    WarnCtx w = { prog, path };
    stoffel_unresolved_calls(vm, warn_unresolved_call, &w);
}

static int run_plain(Cli *c, StoffelProgram *prog)
{
    StoffelVM *vm = stoffel_new(&c->vm);
    if (!vm) {
        fprintf(stderr, "Error: cannot create the VM (out of memory)\n");
        stoffel_program_free(prog);
        return 3;
    }
    StoffelResult st = stoffel_load_program(vm, prog);
    /* the VM has its own code now; prog stays for source lines */
    if (st != STOFFEL_OK) {
        fprintf(stderr, "Error: %s\n", stoffel_last_error(vm)->message);
        stoffel_free(vm);
        stoffel_program_free(prog);
        return 3;
    }
    warn_unresolved(vm, prog, c->path);
    int rc = run_loaded(c, vm, prog);
    stoffel_program_free(prog);
    return rc;
}

static int run_loaded(Cli *c, StoffelVM *vm, const StoffelProgram *prog)
{
    if (c->trace) stoffel_set_trace(vm, stderr, c->trace);
    if (c->local_store && stoffel_open_local_store(vm, c->local_store) != STOFFEL_OK) {
        fprintf(stderr, "Error: --local-store %s\n", stoffel_last_error(vm)->message);
        stoffel_free(vm);
        return 2;
    }
    const char *entry = c->entry;
    if (stoffel_is_foreign_function(vm, entry)) {
        /* As upstream's execute(): a builtin is no program entry. */
        fprintf(stderr, "Execution error in '%s': Cannot execute foreign function %s\n", entry, entry);
        stoffel_free(vm);
        return 4;
    }
    if (stoffel_call(vm, entry, 0) != STOFFEL_OK) {
        fflush(stdout);
        const StoffelError *e = stoffel_last_error(vm);
        fprintf(stderr, "Execution error in '%s': %s\n", entry, e->message);
        if (e->function && e->instruction >= 0) {
            fprintf(stderr, "  at %s, instruction %" PRId64 "\n", e->function, e->instruction);
            unsigned line = stoffel_program_source_line(prog, e->function, e->instruction);
            if (line) fprintf(stderr, "  at %s:%u\n", c->path, line);
        }
        stoffel_free(vm);
        return 4;
    }
    char *text = NULL;
    if (stoffel_format_slot(vm, 0, &text) != STOFFEL_OK) {
        fprintf(stderr, "Error: %s\n", stoffel_last_error(vm)->message);
        stoffel_free(vm);
        return 4;
    }
    printf("Program returned: %s\n", text);
    stoffel_free_text(text);
    fflush(stdout);
    stoffel_free(vm);
    return 0;
}

int main(int argc, char **argv)
{
    Cli c;
    memset(&c, 0, sizeof c);
    tool_tune_malloc();
    stoffel_config_init(&c.vm);
    stoffel_local_mpc_options_init(&c.mpc);
    c.net.party_id = c.net.client_id = -1;
    int rc = parse_args(argc, argv, &c);
    if (rc != PARSE_RUN) return rc;
    if (!c.heap_set) c.vm.heap_limit = stoffel_default_heap_limit();
    if (c.timeout_seen && !c.local_mpc) c.networked = true;
    if (c.networked) return run_networked(&c);
    if (!c.path) {
        usage(stderr);
        return 1;
    }
    if (!c.entry) c.entry = "main";
    if (c.mpc_flag_seen && !c.local_mpc) {
        fprintf(stderr, "Error: MPC options need --local-mpc (or --party-id / --client for a networked session)\n");
        return 2;
    }
    if (c.trace_party_seen && (!c.local_mpc || !c.trace)) {
        fprintf(stderr,
                "Error: --trace-party needs --local-mpc and one of --trace-instr, --trace-regs, --trace-stack\n");
        return 2;
    }
    if (c.local_mpc && c.mpc.n_parties == 0) {
        fprintf(stderr, "Error: --local-mpc needs --n-parties N\n");
        return 2;
    }
    if (c.preproc_store && !c.local_mpc) {
        fprintf(stderr, "Error: --preproc-store needs an MPC session (--local-mpc or a networked party)\n");
        return 2;
    }
    StoffelProgram *prog;
    rc = read_program(c.path, &prog);
    if (rc) return rc;
    if (c.info) {
        char *text = stoffel_program_describe(prog);
        stoffel_program_free(prog);
        if (!text) {
            fprintf(stderr, "Error: out of memory\n");
            return 2;
        }
        fputs(text, stdout);
        stoffel_free_text(text);
        return 0;
    }
    if (c.local_mpc) return run_local_mpc(&c, prog);
    return run_plain(&c, prog);
}
