/* local_store.h: the LocalStorage.* builtins over a party's KvStore
 * (docs/storage.md has the value encoding). */
#ifndef STOFFEL_VM_STDLIB_STORAGE_H
#define STOFFEL_VM_STDLIB_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "storage/kv.h"

struct VM;

/* Makes LocalStorage.store/load/retrieve/delete/exists of `vm` use kv (not
 * owned; it must outlive the VM's use of it).  ST_OK or ST_ERR. */
int stdlib_storage_attach(struct VM *vm, KvStore *kv);

#endif
