/* sqlite_file.c: see sqlite_file.h. */
#include "storage/sqlite_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sqlf_fail(sqlite3 *db, const char *path, const char *msg, char *err, size_t errlen)
{
    if (db)
        snprintf(err, errlen, "%s: %s (SQLite: %s)", path, msg, sqlite3_errmsg(db));
    else
        snprintf(err, errlen, "%s: %s", path, msg);
    return -1;
}

int sqlf_exec(sqlite3 *db, const char *path, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
}

static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Creates the file 0600 if it is not there; refuses a symlink or a
 * non-regular file. */
static int create_private(const char *path, char *err, size_t errlen)
{
    struct stat sb;
    if (lstat(path, &sb) == 0) {
        if (S_ISLNK(sb.st_mode) || !S_ISREG(sb.st_mode)) {
            snprintf(err, errlen, "%s: not a regular file", path);
            return -1;
        }
        return 0;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

sqlite3 *sqlf_open(const char *path, uint32_t app_id, const char *schema, const char *what, char *err, size_t errlen)
{
    if (!path || !*path) {
        snprintf(err, errlen, "%s: empty path", what);
        return NULL;
    }
    if (create_private(path, err, errlen) != 0) return NULL;
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        sqlf_fail(db, path, "cannot open", err, errlen);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    int64_t id = 0, tables = 0;
    /* the first read fails on a file that is not a database */
    if (query_int(db, "PRAGMA application_id", &id) != 0 ||
        query_int(db, "SELECT count(*) FROM sqlite_master", &tables) != 0) {
        char what_err[160];
        snprintf(what_err, sizeof what_err, "not a usable %s (corrupt, or not an SQLite file)", what);
        sqlf_fail(db, path, what_err, err, errlen);
        sqlite3_close(db);
        return NULL;
    }
    if ((uint32_t)id != app_id && (id != 0 || tables != 0)) {
        snprintf(err, errlen, "%s: not a %s (application id 0x%08x, expected 0x%08x)", path, what,
                 (unsigned)(uint32_t)id, (unsigned)app_id);
        sqlite3_close(db);
        return NULL;
    }
    if (sqlf_exec(db, path, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;", err,
                  errlen) != 0) {
        sqlite3_close(db);
        return NULL;
    }
    if (id == 0) {
        char sql[2048];
        snprintf(sql, sizeof sql, "BEGIN IMMEDIATE; %s PRAGMA application_id=%u; COMMIT;", schema, (unsigned)app_id);
        if (sqlf_exec(db, path, sql, err, errlen) != 0) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            sqlite3_close(db);
            return NULL;
        }
    }
    return db;
}
