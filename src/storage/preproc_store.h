/* preproc_store.h: a party's persistent preprocessing material
 * (`--preproc-store PATH`), one SQLite file per party (docs/storage.md).
 *
 * Records (Beaver triples, random shares, random bits) are kept in the
 * order the parties made them, each kind with a cursor: the index of the
 * first unused record.  Taking records moves the cursor past them in a
 * committed transaction before they are handed out, so a record is never
 * used twice, even if the process dies right after.  A store is bound to
 * the session parameters it was made with (n, t, field, party, instance);
 * opening it with others is refused with an error naming the first that
 * differs. */
#ifndef STOFFEL_PREPROC_STORE_H
#define STOFFEL_PREPROC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "mpc/engine.h"

#define PSTORE_APP_ID 0x53545050u /* "STPP" */

typedef struct PreprocStore PreprocStore;

typedef struct {
    uint32_t n, t, party;
    const char *field; /* Field.name */
    uint64_t instance; /* 0 for --local-mpc (its instance is per run) */
} PreprocParams;

PreprocStore *pstore_open(const char *path, const PreprocParams *pp, char *err, size_t errlen);
void pstore_close(PreprocStore *ps);

/* Takes every unused record of kind k (cursor committed first).  *elems
 * malloc'd (wipe it; NULL when none), *records their count, *first the
 * index of the first. */
int pstore_take_all(PreprocStore *ps, MpcMaterial k, const Field *f, Fe **elems, size_t *records, uint64_t *first,
                    char *err, size_t errlen);
/* Appends records after the last stored one, in one transaction. */
int pstore_append(PreprocStore *ps, MpcMaterial k, const Field *f, const Fe *elems, size_t records, char *err,
                  size_t errlen);
/* Cursor and end (index after the last stored record) of kind k. */
int pstore_position(PreprocStore *ps, MpcMaterial k, uint64_t *cursor, uint64_t *end, char *err, size_t errlen);

/* Engine glue, run by every party of a session alike.  load: takes all
 * stored material into the engine's pools, after checking in one opening
 * that every party's store is at the same place (stores out of step would
 * pair different triples).  save: moves the engine's unused material into
 * the store (call it after a successful run only).  load returns -1 for
 * a store that cannot be used, -2 when the session failed under it. */
int pstore_load_engine(PreprocStore *ps, MpcEngine *e, char *err, size_t errlen);
int pstore_save_engine(PreprocStore *ps, MpcEngine *e, char *err, size_t errlen);

#endif
