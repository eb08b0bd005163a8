/* The networked party and client handles of stoffel.h: a 4-party session
 * with two clients, every node a thread of this process over TLS on
 * 127.0.0.1, driven only through the public API; and the errors a
 * misconfigured node gets back (code and message, nothing printed). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "free_port.h"
#include "stoffel.h"
#include "unit.h"

/* client 0's input times client 1's, to both clients */
static const char *const PROG = ".function main regs=20\n"
                                "    LDI r0, 0\n    LDI r1, 1\n"
                                "    PUSHARG r0\n    PUSHARG r0\n    CALL ClientStore.take_share\n    MOV r16, r0\n"
                                "    LDI r0, 0\n    PUSHARG r1\n    PUSHARG r0\n    CALL ClientStore.take_share\n"
                                "    MOV r17, r0\n    MUL r18, r16, r17\n    RET r18\n.end\n";

static char dir[] = "/tmp/stoffel-net-api-XXXXXX";
static char roster[4096], prog_path[256], key[6][256], cert[6][256];

typedef struct {
    StoffelNetOptions o;
    StoffelProgram *prog;
    int rc, online_seen;
    int64_t input;
    StoffelClient *client; /* kept for the checks after the join */
} Node;

static void on_stage(void *ud, const char *stage)
{
    Node *n = ud;
    if (strcmp(stage, "online") == 0) n->online_seen = 1;
}

static void *party_main(void *arg)
{
    Node *n = arg;
    StoffelParty *p = NULL;
    char *err = NULL;
    n->rc = stoffel_party_new(n->prog, &n->o, &p, &err) == STOFFEL_OK ? 0 : -1;
    if (n->rc == 0) {
        stoffel_party_set_progress(p, on_stage, n);
        n->rc = stoffel_party_run(p);
        if (n->rc) fprintf(stderr, "party: %s", stoffel_party_error(p));
    }
    stoffel_party_free(p);
    stoffel_free_text(err);
    return NULL;
}

static void *client_main(void *arg)
{
    Node *n = arg;
    char *err = NULL;
    if (stoffel_client_new(NULL, &n->o, &n->client, &err) != STOFFEL_OK) {
        n->rc = -1;
        stoffel_free_text(err);
        return NULL;
    }
    stoffel_client_add_int(n->client, n->input);
    n->rc = stoffel_client_run(n->client);
    if (n->rc) fprintf(stderr, "client: %s", stoffel_client_error(n->client));
    return NULL;
}

static int setup(void)
{
    if (!mkdtemp(dir)) return -1;
    snprintf(prog_path, sizeof prog_path, "%s/prog.s", dir);
    FILE *f = fopen(prog_path, "w");
    if (!f) return -1;
    fputs(PROG, f);
    fclose(f);
    size_t off = 0;
    for (int i = 0; i < 6; i++) {
        char id[65], *err = NULL, name[32];
        snprintf(key[i], sizeof key[i], "%s/n%d.key", dir, i);
        snprintf(cert[i], sizeof cert[i], "%s/n%d.crt", dir, i);
        snprintf(name, sizeof name, "node %d", i);
        if (stoffel_net_keygen(key[i], cert[i], name, id, &err) != STOFFEL_OK) {
            fprintf(stderr, "keygen: %s\n", err);
            stoffel_free_text(err);
            return -1;
        }
        if (i < 4)
            off +=
                (size_t)snprintf(roster + off, sizeof roster - off, "party %d 127.0.0.1:%d %s\n", i, free_port(), id);
        else
            off += (size_t)snprintf(roster + off, sizeof roster - off, "client %d %s\n", i - 4, id);
    }
    return 0;
}

static void options(Node *n, int i)
{
    memset(&n->o, 0, sizeof n->o);
    n->o.party_id = n->o.client_id = -1;
    n->o.roster_text = roster;
    n->o.key_path = key[i];
    n->o.cert_path = cert[i];
    n->o.threshold = 1;
    n->o.connect_timeout_ms = 30000;
    n->o.timeout_ms = 30000;
}

TEST(session_through_the_api)
{
    StoffelProgram *prog = NULL;
    char *err = NULL;
    CHECK(stoffel_program_read(prog_path, &prog, &err) == STOFFEL_OK);
    Node nodes[6];
    pthread_t th[6];
    memset(nodes, 0, sizeof nodes);
    for (int i = 0; i < 6; i++) {
        options(&nodes[i], i);
        if (i < 4) {
            nodes[i].o.program_path = prog_path;
            nodes[i].o.party_id = i;
            nodes[i].prog = prog;
        } else {
            nodes[i].o.client = 1;
            nodes[i].o.client_id = i - 4;
            nodes[i].input = i == 4 ? 15 : 25;
        }
        pthread_create(&th[i], NULL, i < 4 ? party_main : client_main, &nodes[i]);
    }
    for (int i = 0; i < 6; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 6; i++) CHECK_MSG(nodes[i].rc == 0, "node %d: %d", i, nodes[i].rc);
    for (int i = 0; i < 4; i++) CHECK(nodes[i].online_seen);
    for (int c = 4; c < 6; c++) {
        StoffelNetValue v;
        CHECK(stoffel_client_batch_count(nodes[c].client) == 1);
        CHECK(stoffel_client_value(nodes[c].client, 0, 0, &v) == STOFFEL_OK && v.kind == STOFFEL_NET_INT && v.i == 375);
        CHECK_STR(stoffel_client_batch_text(nodes[c].client, 0), "375");
        CHECK(stoffel_client_value(nodes[c].client, 0, 1, &v) == STOFFEL_ERROR_RANGE);
        CHECK(stoffel_client_id(nodes[c].client) == c - 4);
        stoffel_client_free(nodes[c].client);
    }
    stoffel_program_free(prog);
}

TEST(errors_come_back)
{
    StoffelProgram *prog = NULL;
    char *err = NULL;
    CHECK(stoffel_program_read(prog_path, &prog, &err) == STOFFEL_OK);
    Node n;
    memset(&n, 0, sizeof n);
    options(&n, 0);
    n.o.program_path = prog_path;
    n.o.party_id = 9;
    StoffelParty *p = NULL;
    CHECK(stoffel_party_new(prog, &n.o, &p, &err) == STOFFEL_OK);
    CHECK(stoffel_party_run(p) == 2);
    CHECK_STR(stoffel_party_error(p), "Error: --party-id must be in 0..3 (the roster's parties)\n");
    CHECK(stoffel_party_run(p) == 2); /* a handle runs once */
    stoffel_party_free(p);
    /* a client whose key the roster does not list */
    options(&n, 0);
    n.o.client = 1;
    n.o.client_id = 1;
    StoffelClient *c = NULL;
    CHECK(stoffel_client_new(NULL, &n.o, &c, &err) == STOFFEL_OK);
    stoffel_client_add_int(c, 1);
    CHECK(stoffel_client_run(c) == 24);
    CHECK_MSG(strstr(stoffel_client_error(c), "client 1") != NULL, "%s", stoffel_client_error(c));
    stoffel_client_free(c);
    /* a party handle is not a client's */
    n.o.client = 1;
    CHECK(stoffel_party_new(prog, &n.o, &p, &err) == STOFFEL_ERROR_INVALID && err && p == NULL);
    stoffel_free_text(err);
    stoffel_program_free(prog);
}

int main(void)
{
    if (setup() != 0) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    RUN(session_through_the_api);
    RUN(errors_come_back);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
    return unit_report();
}
