/* sqlite_file.h: opening one of our SQLite files safely (the local store
 * and the preprocessing store share it).
 *
 * A new file is created 0600 before SQLite opens it (SQLite would use 0644
 * minus the umask; its -wal and -shm files copy the database's mode).  The
 * file is marked with an application id, so a file of another program, a
 * store of the other kind or a corrupt file is refused instead of being
 * written to.  Writes use the write-ahead log with synchronous=FULL: a
 * committed transaction survives a crash, an uncommitted one leaves no
 * trace. */
#ifndef STOFFEL_SQLITE_FILE_H
#define STOFFEL_SQLITE_FILE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* Opens (creating if needed) `path` as a file with application id `app_id`;
 * `schema` (SQL, run in one transaction) creates the tables of a new file.
 * `what` names the kind of file in errors ("local store").  NULL on error,
 * with err naming the path and the reason. */
sqlite3 *sqlf_open(const char *path, uint32_t app_id, const char *schema, const char *what, char *err, size_t errlen);
/* "PATH: MESSAGE (SQLite: reason)" into err; returns -1. */
int sqlf_fail(sqlite3 *db, const char *path, const char *msg, char *err, size_t errlen);
/* Runs SQL without results; -1 with err set on failure. */
int sqlf_exec(sqlite3 *db, const char *path, const char *sql, char *err, size_t errlen);

#endif
