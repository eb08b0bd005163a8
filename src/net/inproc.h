/* inproc.h: the in-process transport: every node (party or client) is a
 * thread (or fiber, core/fiber.h) of one process; each node has a mailbox (mutex + condition
 * variable + queue).  Used by tests and `stoffel-run --local-mpc`. */
#ifndef STOFFEL_INPROC_H
#define STOFFEL_INPROC_H

#include "net/transport.h"

typedef struct InprocHub InprocHub;

/* A hub for n_parties + n_clients nodes; NULL on no memory. */
InprocHub *inproc_hub_new(uint32_t n_parties, uint32_t n_clients);
/* Node `id`'s endpoint (owned by the hub; valid until inproc_hub_free). */
Transport *inproc_endpoint(InprocHub *hub, uint32_t id);
/* Wake every waiting receiver with TRANSPORT_CLOSED (shutdown). */
void inproc_hub_shutdown(InprocHub *hub);
/* Every party has finished: a client's recv returns TRANSPORT_PEERS_GONE
 * once its mailbox is empty, instead of waiting out its timeout. */
void inproc_hub_parties_done(InprocHub *hub);
void inproc_hub_free(InprocHub *hub);
/* Node `id` receives as fiber f (core/fiber.h; NULL: as a thread again):
 * its waits switch fibers instead of sleeping.  Set before the node runs,
 * cleared after it ended. */
typedef struct Fiber Fiber;
void inproc_bind_fiber(InprocHub *hub, uint32_t id, Fiber *f);

#endif
