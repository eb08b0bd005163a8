/* local_mpc.h: run a program as an n-party MPC session inside one process
 * (`stoffel-run --local-mpc`, Python's StoffelProgram.execute_locally).
 *
 * Every party is a thread with its own VM and MPC engine; every client is a
 * thread that submits its inputs by the masked-input protocol and
 * reconstructs what the parties send it.  All of them talk over the
 * in-process transport, running exactly the protocol code and the party
 * lifecycle (session.h) a networked session runs. */
#ifndef STOFFEL_LOCAL_MPC_H
#define STOFFEL_LOCAL_MPC_H

#include <stddef.h>
#include <stdint.h>

#include "bytecode/program.h"
#include "mpc/engine.h"
#include "stoffel.h"

/* The options are the public StoffelLocalMpcOptions (stoffel.h). */
typedef StoffelLocalMpcOptions LocalMpcOptions;

enum {
    LOCAL_MPC_OK = 0,
    LOCAL_MPC_BAD_CONFIG = 2,  /* options or inputs unusable (message says which) */
    LOCAL_MPC_BAD_PROGRAM = 3, /* the program cannot be loaded */
    LOCAL_MPC_FAILED = 4,      /* execution or protocol error */
};

/* Run `prog`.  On LOCAL_MPC_OK *result (malloc'd) is the text of the
 * result as `stoffel-run` prints it after "Program returned: " - for a
 * returned share, the value the clients reconstructed - and *outputs
 * (malloc'd, may be "") lists values sent to clients with
 * MpcOutput.send_to_client, one line each.  Otherwise err names the
 * problem (and the party or client). */
int local_mpc_run(const StfProgram *prog, const LocalMpcOptions *opt, char **result, char **outputs, char *err,
                  size_t errlen);

#endif
