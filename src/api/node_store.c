/* node_store.c: see node_store.h. */
#include "api/node_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/stdlib_storage.h"
#include "vm/vm.h"

static char *store_party_path(const char *base, uint32_t party)
{
    size_t n = strlen(base) + 32;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s.party%u", base, (unsigned)party);
    return p;
}

int session_stores_open(NodeStores *ns, struct VM *vm, MpcEngine *e, const char *local_path, const char *preproc_path,
                        bool per_party, uint64_t instance, char *err, size_t errlen)
{
    memset(ns, 0, sizeof *ns);
    uint32_t party = mpc_party(e);
    char *lp = NULL, *pp = NULL;
    if (local_path) lp = per_party ? store_party_path(local_path, party) : strdup(local_path);
    if (preproc_path) pp = per_party ? store_party_path(preproc_path, party) : strdup(preproc_path);
    int rc = 0;
    if ((local_path && !lp) || (preproc_path && !pp)) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    if (rc == 0 && lp) {
        ns->kv = kv_open(lp, err, errlen);
        if (!ns->kv || stdlib_storage_attach(vm, ns->kv) != ST_OK) rc = -1;
    }
    if (rc == 0 && pp) {
        PreprocParams par = { mpc_n(e), mpc_t(e), party, mpc_field(e)->name, instance };
        ns->pp = pstore_open(pp, &par, err, errlen);
        rc = ns->pp ? pstore_load_engine(ns->pp, e, err, errlen) : -1;
    }
    free(lp);
    free(pp);
    if (rc != 0) {
        char ignore[8];
        session_stores_close(ns, e, false, ignore, sizeof ignore);
    }
    return rc;
}

int session_stores_close(NodeStores *ns, MpcEngine *e, bool succeeded, char *err, size_t errlen)
{
    int rc = 0;
    if (ns->pp && succeeded && e) rc = pstore_save_engine(ns->pp, e, err, errlen);
    pstore_close(ns->pp);
    kv_close(ns->kv);
    ns->pp = NULL;
    ns->kv = NULL;
    return rc;
}
