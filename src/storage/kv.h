/* kv.h: a party's persistent key-value store (LocalStorage.*), one SQLite
 * file per party (docs/storage.md).
 *
 * Keys and values are byte strings.  Every write is one SQLite transaction
 * (write-ahead log, synchronous=FULL): a process killed at any moment
 * leaves each key with its old or its new value, never a mix.  Values may
 * hold secret shares, so buffers this module hands out or reads into are
 * wiped by the caller (kv_get's result) or here. */
#ifndef STOFFEL_KV_H
#define STOFFEL_KV_H

#include <stddef.h>
#include <stdint.h>

#define KV_KEY_MAX 1024                 /* bytes */
#define KV_VALUE_MAX ((size_t)16 << 20) /* bytes of one encoded value */
#define KV_APP_ID 0x53544b56u           /* "STKV" */

typedef struct KvStore KvStore;

/* Opens or creates the store at path (a new file is 0600).  NULL with err
 * naming the path and the problem (cannot create, corrupt, another
 * program's file). */
KvStore *kv_open(const char *path, char *err, size_t errlen);
void kv_close(KvStore *kv);
const char *kv_path(const KvStore *kv);

/* 0 if the key is usable, -1 with err saying why (empty, too long). */
int kv_check_key(size_t klen, char *err, size_t errlen);

/* All return -1 with err set on failure. */
int kv_put(KvStore *kv, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen, char *err, size_t errlen);
/* 1 and *val (malloc'd, wipe and free it) if present, 0 if not. */
int kv_get(KvStore *kv, const uint8_t *key, size_t klen, uint8_t **val, size_t *vlen, char *err, size_t errlen);
/* 1 if a value was deleted, 0 if there was none. */
int kv_delete(KvStore *kv, const uint8_t *key, size_t klen, char *err, size_t errlen);
int kv_exists(KvStore *kv, const uint8_t *key, size_t klen, char *err, size_t errlen);

#endif
