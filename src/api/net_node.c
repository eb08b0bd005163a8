/* net_node.c: a networked party and client as handles (stoffel.h), over
 * net_mpc.c's runner, and stoffel_run_network_node, which prints what
 * they return as stoffel-run does. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "net_mpc.h"

struct StoffelParty {
    const StoffelProgram *program;
    StoffelNetOptions o;
    NetRun run;
    bool ran;
};

struct StoffelClient {
    const StoffelProgram *program;
    StoffelNetOptions o;
    NetRun run;
    NetInput *inputs;
    size_t ninputs, cap;
    bool ran;
};

static StoffelResult refuse(char **error, const char *msg)
{
    if (error) *error = strdup(msg);
    return STOFFEL_ERROR_INVALID;
}

/* One run of a node: discovery or a roster; the run keeps what it made. */
static int run_node(const StoffelProgram *program, const StoffelNetOptions *o, NetRun *nr)
{
    const StfProgram *prog = program ? &program->prog : NULL;
    nr->self = -1;
    int rc = o->leader || o->bootstrap ? net_mpc_run_discovery(prog, o, nr) : net_mpc_run(prog, o, nr);
    nr->code = rc;
    return rc;
}

/* The message as stoffel-run prints it on stderr ("" if none). */
static const char *message_of(const NetRun *nr) { return nr->err.data ? nr->err.data : ""; }

/* ---- parties ------------------------------------------------------------------ */

StoffelResult stoffel_party_new(const StoffelProgram *program, const StoffelNetOptions *options, StoffelParty **party,
                                char **error)
{
    if (error) *error = NULL;
    if (!party) return refuse(error, "stoffel_party_new: party is NULL");
    *party = NULL;
    if (!program || !options) return refuse(error, "stoffel_party_new: a party needs the program and options");
    if (options->client) return refuse(error, "stoffel_party_new: options->client is set (use stoffel_client_new)");
    StoffelParty *p = calloc(1, sizeof *p);
    if (!p) return refuse(error, "out of memory");
    p->program = program;
    p->o = *options;
    p->run.self = options->leader ? 0 : options->party_id;
    *party = p;
    return STOFFEL_OK;
}

void stoffel_party_set_progress(StoffelParty *party, StoffelNetProgressFn fn, void *user_data)
{
    if (!party) return;
    party->run.stage = fn;
    party->run.stage_ud = user_data;
}

int stoffel_party_run(StoffelParty *p)
{
    if (!p) return 2;
    if (p->ran) {
        sb_puts(&p->run.err, "Error: this party has already run (a handle runs once)\n");
        return p->run.code = 2;
    }
    p->ran = true;
    return run_node(p->program, &p->o, &p->run);
}

const char *stoffel_party_error(const StoffelParty *p) { return p ? message_of(&p->run) : "no party"; }

int64_t stoffel_party_id(const StoffelParty *p) { return p ? p->run.self : -1; }

const char *stoffel_party_result(const StoffelParty *p, size_t *values_per_client, uint32_t *clients)
{
    if (values_per_client) *values_per_client = p ? p->run.ndelivered : 0;
    if (clients) *clients = p ? p->run.nclients : 0;
    return p && p->ran && p->run.code == 0 ? p->run.clear_text : NULL;
}

void stoffel_party_free(StoffelParty *p)
{
    if (!p) return;
    net_mpc_run_free(&p->run);
    free(p);
}

/* ---- clients ------------------------------------------------------------------ */

StoffelResult stoffel_client_new(const StoffelProgram *program, const StoffelNetOptions *options,
                                 StoffelClient **client, char **error)
{
    if (error) *error = NULL;
    if (!client) return refuse(error, "stoffel_client_new: client is NULL");
    *client = NULL;
    if (!options) return refuse(error, "stoffel_client_new: options is NULL");
    if (!options->client) return refuse(error, "stoffel_client_new: options->client is not set (a party?)");
    StoffelClient *c = calloc(1, sizeof *c);
    if (!c) return refuse(error, "out of memory");
    c->program = program;
    c->o = *options;
    c->run.self = options->client_id;
    *client = c;
    return STOFFEL_OK;
}

static StoffelResult add_input(StoffelClient *c, NetInput in)
{
    if (!c || c->ran) return STOFFEL_ERROR_INVALID;
    if (c->ninputs == c->cap) {
        size_t ncap = c->cap ? 2 * c->cap : 8;
        NetInput *ni = malloc(ncap * sizeof *ni);
        if (!ni) return STOFFEL_ERROR_MEMORY;
        if (c->ninputs) memcpy(ni, c->inputs, c->ninputs * sizeof *ni);
        if (c->inputs) sodium_memzero(c->inputs, c->cap * sizeof *c->inputs); /* secret inputs */
        free(c->inputs);
        c->inputs = ni;
        c->cap = ncap;
    }
    c->inputs[c->ninputs++] = in;
    return STOFFEL_OK;
}

StoffelResult stoffel_client_add_int(StoffelClient *c, int64_t value)
{
    return add_input(c, (NetInput){ STOFFEL_NET_INT, value, (double)value });
}

StoffelResult stoffel_client_add_fixed(StoffelClient *c, double value)
{
    return add_input(c, (NetInput){ STOFFEL_NET_FIXED, 0, value });
}

StoffelResult stoffel_client_add_bool(StoffelClient *c, int value)
{
    return add_input(c, (NetInput){ STOFFEL_NET_BOOL, value != 0, value != 0 });
}

void stoffel_client_set_progress(StoffelClient *c, StoffelNetProgressFn fn, void *user_data)
{
    if (!c) return;
    c->run.stage = fn;
    c->run.stage_ud = user_data;
}

int stoffel_client_run(StoffelClient *c)
{
    if (!c) return 2;
    const char *why = c->ran                                      ? "this client has already run (a handle runs once)"
                      : c->ninputs && c->o.inputs && *c->o.inputs ? "inputs given both as text and as typed values"
                                                                  : NULL;
    if (why) {
        sb_printf(&c->run.err, "Error: %s\n", why);
        return c->run.code = 2;
    }
    c->ran = true;
    c->run.inputs = c->inputs;
    c->run.ninputs = c->ninputs;
    return run_node(c->program, &c->o, &c->run);
}

const char *stoffel_client_error(const StoffelClient *c) { return c ? message_of(&c->run) : "no client"; }

int64_t stoffel_client_id(const StoffelClient *c) { return c ? c->run.self : -1; }

size_t stoffel_client_batch_count(const StoffelClient *c) { return c ? c->run.nbatches : 0; }

size_t stoffel_client_value_count(const StoffelClient *c, size_t batch)
{
    return c && batch < c->run.nbatches ? c->run.batches[batch].n : 0;
}

const char *stoffel_client_batch_text(const StoffelClient *c, size_t batch)
{
    return c && batch < c->run.nbatches ? c->run.batches[batch].text : NULL;
}

StoffelResult stoffel_client_value(const StoffelClient *c, size_t batch, size_t index, StoffelNetValue *value)
{
    if (!c || !value) return STOFFEL_ERROR_INVALID;
    if (batch >= c->run.nbatches || index >= c->run.batches[batch].n) return STOFFEL_ERROR_RANGE;
    const NetValue *v = &c->run.batches[batch].v[index];
    *value = (StoffelNetValue){ (StoffelNetValueKind)v->kind, v->i, v->d, v->bytes, v->text };
    return STOFFEL_OK;
}

void stoffel_client_free(StoffelClient *c)
{
    if (!c) return;
    net_mpc_run_free(&c->run);
    if (c->inputs) sodium_memzero(c->inputs, c->cap * sizeof *c->inputs);
    free(c->inputs);
    free(c);
}

/* ---- stoffel-run's behaviour (stoffel.h) ---------------------------------------------- */

/* Discovery assigned this node's id: it decides whose inputs and outputs
 * these are, so say it. */
typedef struct {
    const NetRun *nr;
    bool client;
} Registrant;

static void say_registered(void *ud, const char *stage)
{
    const Registrant *r = ud;
    if (strcmp(stage, "registered") == 0)
        fprintf(stderr, "stoffel-discovery: registered as %s %lld\n", r->client ? "client" : "party",
                (long long)r->nr->self);
}

/* Prints what a run made as stoffel-run does: a client's earlier batches as
 * "client C received: ...", the last (the result) as "Program returned:";
 * a party's clear result or where its secret one went; errors on stderr. */
static void print_run(const NetRun *nr, bool client)
{
    fflush(stdout);
    for (size_t b = 0; b + 1 < nr->nbatches; b++)
        printf("client %lld received: %s\n", (long long)nr->self, nr->batches[b].text);
    if (nr->code == 0 && client && nr->nbatches) printf("Program returned: %s\n", nr->batches[nr->nbatches - 1].text);
    if (nr->code == 0 && !client) {
        if (nr->clear_text)
            printf("Program returned: %s\n", nr->clear_text);
        else
            printf("Program returned a secret share: sent to %u client%s\n", nr->nclients,
                   nr->nclients == 1 ? "" : "s");
    }
    fflush(stdout);
    if (nr->err.data) fputs(nr->err.data, stderr);
}

int stoffel_run_network_node(const StoffelProgram *program, const StoffelNetOptions *o)
{
    if (!o) {
        fputs("Error: no options given\n", stderr);
        return 2;
    }
    NetRun nr = { .stage = say_registered };
    Registrant reg = { &nr, o->client != 0 };
    nr.stage_ud = &reg;
    int rc = run_node(program, o, &nr);
    print_run(&nr, o->client != 0);
    net_mpc_run_free(&nr);
    return rc;
}
