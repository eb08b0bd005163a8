/* net_mpc.h: a networked MPC session, one process per node
 * (`stoffel-run PROG --party-id I --roster FILE ...`,
 *  `stoffel-run [PROG] --client --client-id C --roster FILE ...`).
 *
 * Does what local_mpc.c does for one node, over the TLS transport (tls.h):
 * a party connects to every other party and client named in the roster,
 * checks in the first message on each connection that they run the same
 * program and session parameters, makes preprocessing, collects the
 * clients' inputs, runs the program and sends a secret result to every
 * client (a clear result is printed).  A client submits its inputs and
 * prints what it reconstructs.  docs/network.md. */
#ifndef STOFFEL_NET_MPC_H
#define STOFFEL_NET_MPC_H

#include <stdbool.h>
#include <stdint.h>

#include "bytecode/program.h"

typedef struct {
    const char *program_path;    /* parties: the program file (its bytes are hashed) */
    const char *entry;           /* NULL = main */
    const char *roster_path, *key_path, *cert_path;
    bool client;
    int64_t party_id;            /* party mode: >= 0 */
    int64_t client_id;           /* client mode: >= 0 */
    uint32_t n_parties;          /* 0 = as many as the roster lists */
    uint32_t threshold;
    const char *curve;           /* NULL = bls12-381 */
    uint32_t inputs_per_client;  /* parties: 0 = from the manifest, else 1 */
    const char *inputs;          /* client: its values, comma separated */
    const char *bind;            /* party: listen here instead of the roster address */
    const char *session;         /* optional label mixed into the instance id */
    int timeout_ms;              /* per protocol wait; 0 = 10,000 (client output wait 60,000) */
    int connect_timeout_ms;      /* waiting for the other nodes; 0 = 60,000 */
    const char *roster_text;     /* the roster in memory (instead of roster_path) */
    /* Upstream's `--servers A,B,...`: the parties' addresses in order.  The
     * roster (or the leader) still says who they are; a list that differs
     * from the roster's addresses is an error, never a reason to connect
     * somewhere unauthenticated. */
    const char *servers;
    /* Discovery (net/discovery.h): --leader (party 0, collects the
     * registrations on `bind`) or --bootstrap LEADER (party: registers
     * `bind` as its address; client: registers).  Needs STOFFEL_AUTH_TOKEN. */
    bool leader;
    const char *bootstrap;
    const char *leader_key_id;   /* pin the leader's key (64 hex), or NULL */
    uint32_t n_clients;          /* leader: clients to wait for */
    /* party: --local-store / --preproc-store files (NULL = none). */
    const char *local_store;
    const char *preproc_store;
} NetMpcOptions;

/* Exit codes (spec/vm-core.md §12 where upstream has one). */
enum {
    NET_MPC_OK = 0,
    NET_MPC_BAD_CONFIG = 2,
    NET_MPC_BAD_PROGRAM = 3,
    NET_MPC_EXEC_FAILED = 4,
    NET_MPC_LISTEN_FAILED = 11,
    NET_MPC_SESSION_FAILED = 12,   /* peers missing, or a different program / parameters */
    NET_MPC_SETUP_FAILED = 13,     /* preprocessing or client input failed */
    NET_MPC_CLIENT_CONNECT = 21,
    NET_MPC_CLIENT_PROTOCOL = 22,
    NET_MPC_CLIENT_IDENTITY = 24,
    NET_MPC_REGISTRATION_REFUSED = 25, /* discovery: the leader refused us (e.g. the token) */
};

/* Runs this node's part; prints the result on stdout and errors on
 * stderr; returns the exit code.  prog may be NULL for a client. */
int net_mpc_run(const StfProgram *prog, const NetMpcOptions *o);
/* With o->leader or o->bootstrap: forms the roster by discovery, then runs
 * net_mpc_run with it (this node's id and, for registrants, t from the
 * leader). */
int net_mpc_run_discovery(const StfProgram *prog, const NetMpcOptions *o);

#endif
