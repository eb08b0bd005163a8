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
 * client (a clear result is printed).  A client submits its inputs and
 * prints what it reconstructs.  docs/network.md. */
#ifndef STOFFEL_NET_MPC_H
#define STOFFEL_NET_MPC_H

#include <stdbool.h>
#include <stdint.h>

#include "bytecode/program.h"
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

/* Runs this node's part; prints the result on stdout and errors on
 * stderr; returns the exit code.  prog may be NULL for a client. */
int net_mpc_run(const StfProgram *prog, const NetMpcOptions *o);
/* With o->leader or o->bootstrap: forms the roster by discovery, then runs
 * net_mpc_run with it (this node's id and, for registrants, t from the
 * leader). */
int net_mpc_run_discovery(const StfProgram *prog, const NetMpcOptions *o);

#endif
