/* local_store.h: the LocalStorage.* builtins over a party's KvStore
 * (docs/storage.md has the value encoding). */
#ifndef STOFFEL_LOCAL_STORE_H
#define STOFFEL_LOCAL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "storage/kv.h"

struct VM;

/* Makes LocalStorage.store/load/retrieve/delete/exists of `vm` use kv (not
 * owned; it must outlive the VM's use of it).  ST_OK or ST_ERR. */
int local_store_attach(struct VM *vm, KvStore *kv);

/* "BASE.partyI" (malloc'd): the file of party I when one path is given for
 * several parties of one process (--local-mpc).  NULL on no memory. */
char *store_party_path(const char *base, uint32_t party);

#endif
