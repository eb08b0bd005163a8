/* net_mpc.h: a networked MPC session, one process per node
 * (`stoffel-run PROG --party-id I --roster FILE ...`,
 *  `stoffel-run [PROG] --client --client-id C --roster FILE ...`).
 *
 * Runs one node of what local_mpc.c runs in threads (the party's lifecycle
 * is session.h's runner, shared by both), over the TLS transport (tls.h):
 * a party connects to every other party and client named in the roster,
 * checks in the first message on each connection that they run the same
 * program and session parameters, makes preprocessing, collects the
 * clients' inputs, runs the program and sends a secret result to every
 * client (a clear result is returned).  A client submits its inputs and
 * returns what it reconstructs.  docs/network.md; net_node.c is the public
 * API (stoffel.h) over it. */
#ifndef STOFFEL_NET_MPC_H
#define STOFFEL_NET_MPC_H

#include <stdbool.h>
#include <stdint.h>

#include "bytecode/program.h"
#include "core/format.h"
#include "stoffel.h"

/* The options are the public StoffelNetOptions (stoffel.h). */
typedef StoffelNetOptions NetMpcOptions;

/* Exit codes (spec/vm-core.md §12 where upstream has one). */
enum {
    NET_MPC_OK = 0,
    NET_MPC_BAD_CONFIG = 2,
    NET_MPC_BAD_PROGRAM = 3,
    NET_MPC_EXEC_FAILED = 4,
    NET_MPC_LISTEN_FAILED = 11,
    NET_MPC_SESSION_FAILED = 12, /* peers missing, or a different program / parameters */
    NET_MPC_SETUP_FAILED = 13,   /* preprocessing or client input failed */
    NET_MPC_CLIENT_CONNECT = 21,
    NET_MPC_CLIENT_PROTOCOL = 22,
    NET_MPC_CLIENT_IDENTITY = 24,
    NET_MPC_REGISTRATION_REFUSED = 25, /* discovery: the leader refused us (e.g. the token) */
};

/* A client's input given as a typed value through the API. */
typedef struct {
    uint8_t kind; /* STOFFEL_NET_INT, _FIXED (d) or _BOOL (i = 0/1) */
    int64_t i;
    double d;
} NetInput;

/* One reconstructed output value (StoffelNetValue without pointers). */
typedef struct {
    uint8_t kind; /* StoffelNetValueKind */
    int64_t i;
    double d;
    uint8_t bytes[32]; /* the field element, most significant byte first */
    char text[96];     /* as printed: "field 0x" and 64 digits at most */
} NetValue;

/* One batch of outputs a client reconstructed, and its text as
 * `stoffel-run --local-mpc` prints it. */
typedef struct {
    NetValue *v;
    size_t n;
    char *text;
} NetBatch;

/* What one node's run produced.  The library never prints: stoffel-run
 * and embedders (stoffel.h's party and client handles) show it. */
typedef struct {
    int code;          /* the exit code (0 ok) */
    StrBuf err;        /* the error lines stoffel-run prints on stderr */
    int64_t self;      /* party or client id (with discovery: the one assigned) */
    char *clear_text;  /* party: a clear result as printed */
    size_t ndelivered; /* party: values sent to each client */
    uint32_t nclients; /* party: the session's clients */
    NetBatch *batches; /* client: every output batch, in order */
    size_t nbatches;
    const NetInput *inputs; /* client: typed inputs (instead of o->inputs) */
    size_t ninputs;
    /* Progress: "registered", "connected", "preprocessing", "online",
     * "inputs-sent", "output" (NULL: none). */
    void (*stage)(void *ud, const char *stage);
    void *stage_ud;
} NetRun;

/* Runs this node's part; fills *nr and returns the exit code.  prog may be
 * NULL for a client.  nr starts zeroed apart from inputs and stage. */
int net_mpc_run(const StfProgram *prog, const NetMpcOptions *o, NetRun *nr);
/* With o->leader or o->bootstrap: forms the roster by discovery, then runs
 * net_mpc_run with it (this node's id and, for registrants, t from the
 * leader). */
int net_mpc_run_discovery(const StfProgram *prog, const NetMpcOptions *o, NetRun *nr);
/* Frees what a run produced (not inputs). */
void net_mpc_run_free(NetRun *nr);

#endif
