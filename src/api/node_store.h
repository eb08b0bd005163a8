/* node_store.h: a party's stores (`--local-store`, `--preproc-store`)
 * around one run, for the in-process and the networked session alike. */
#ifndef STOFFEL_API_NODE_STORE_H
#define STOFFEL_API_NODE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpc/engine.h"
#include "storage/kv.h"
#include "storage/preproc_store.h"

struct VM;

typedef struct {
    KvStore *kv;
    PreprocStore *pp;
} NodeStores;

/* Opens the stores whose path is not NULL: with per_party, party I uses
 * PATH.partyI (several parties in one process), else PATH itself.  The
 * local store is attached to vm, the preprocessing store is bound to e's
 * parameters (with `instance`) and its material loaded into e.  Every
 * party of the session must call it alike.  On failure (the stores are
 * closed again, err says why): -1 a store is unusable (a configuration
 * problem), -2 the session failed while the stores were compared. */
int session_stores_open(NodeStores *ns, struct VM *vm, MpcEngine *e, const char *local_path, const char *preproc_path,
                        bool per_party, uint64_t instance, char *err, size_t errlen);
/* Saves the engine's unused material when the run succeeded (a failed
 * run's pools may be out of step with the other parties'), then closes. */
int session_stores_close(NodeStores *ns, MpcEngine *e, bool succeeded, char *err, size_t errlen);

#endif
