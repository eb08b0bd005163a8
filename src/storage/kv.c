/* kv.c: see kv.h. */
#include "storage/kv.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/sqlite_file.h"

struct KvStore {
    sqlite3 *db;
    char *path;
};

KvStore *kv_open(const char *path, char *err, size_t errlen)
{
    sqlite3 *db =
        sqlf_open(path, KV_APP_ID, "CREATE TABLE kv(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;",
                  "StoffelVM local store", err, errlen);
    if (!db) return NULL;
    /* a file with our id but without our table was tampered with */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM kv LIMIT 0", -1, &st, NULL) != SQLITE_OK) {
        sqlf_fail(db, path, "not a usable StoffelVM local store", err, errlen);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_finalize(st);
    KvStore *kv = calloc(1, sizeof *kv);
    char *p = strdup(path);
    if (!kv || !p) {
        free(kv);
        free(p);
        sqlite3_close(db);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    kv->db = db;
    kv->path = p;
    return kv;
}

void kv_close(KvStore *kv)
{
    if (!kv) return;
    sqlite3_close(kv->db);
    free(kv->path);
    free(kv);
}

const char *kv_path(const KvStore *kv) { return kv->path; }

int kv_check_key(size_t klen, char *err, size_t errlen)
{
    if (klen == 0) {
        snprintf(err, errlen, "key must not be empty");
        return -1;
    }
    if (klen > KV_KEY_MAX) {
        snprintf(err, errlen, "key is %zu bytes long, at most %d allowed", klen, KV_KEY_MAX);
        return -1;
    }
    return 0;
}

/* Prepares sql with the key bound as parameter 1. */
static sqlite3_stmt *prep_key(KvStore *kv, const char *sql, const uint8_t *key, size_t klen, char *err, size_t errlen)
{
    if (kv_check_key(klen, err, errlen) != 0) return NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(kv->db, sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_blob(st, 1, key, (int)klen, SQLITE_TRANSIENT) != SQLITE_OK) {
        sqlf_fail(kv->db, kv->path, "cannot prepare a statement", err, errlen);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Runs a statement that returns no rows. */
static int step_done(KvStore *kv, sqlite3_stmt *st, const char *what, char *err, size_t errlen)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sqlf_fail(kv->db, kv->path, what, err, errlen);
    return 0;
}

int kv_put(KvStore *kv, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen, char *err, size_t errlen)
{
    if (vlen > KV_VALUE_MAX) {
        snprintf(err, errlen, "value is %zu bytes encoded, at most %zu allowed", vlen, KV_VALUE_MAX);
        return -1;
    }
    /* one statement in autocommit mode is one transaction */
    sqlite3_stmt *st = prep_key(kv, "INSERT OR REPLACE INTO kv(key, value) VALUES(?1, ?2)", key, klen, err, errlen);
    if (!st) return -1;
    if (sqlite3_bind_blob(st, 2, vlen ? val : (const void *)"", (int)vlen, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_finalize(st);
        return sqlf_fail(kv->db, kv->path, "cannot bind the value", err, errlen);
    }
    return step_done(kv, st, "cannot write", err, errlen);
}

int kv_get(KvStore *kv, const uint8_t *key, size_t klen, uint8_t **val, size_t *vlen, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep_key(kv, "SELECT value FROM kv WHERE key = ?1", key, klen, err, errlen);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(st);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return sqlf_fail(kv->db, kv->path, "cannot read", err, errlen);
    }
    const void *b = sqlite3_column_blob(st, 0);
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    uint8_t *out = malloc(n + 1);
    if (!out) {
        sqlite3_finalize(st);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (n) memcpy(out, b, n);
    /* SQLite's copy of the row goes with the statement; its page cache is
     * outside our reach, which docs/storage.md states. */
    sqlite3_finalize(st);
    *val = out;
    *vlen = n;
    return 1;
}

int kv_delete(KvStore *kv, const uint8_t *key, size_t klen, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep_key(kv, "DELETE FROM kv WHERE key = ?1", key, klen, err, errlen);
    if (!st) return -1;
    if (step_done(kv, st, "cannot delete", err, errlen) != 0) return -1;
    return sqlite3_changes(kv->db) > 0;
}

int kv_exists(KvStore *kv, const uint8_t *key, size_t klen, char *err, size_t errlen)
{
    sqlite3_stmt *st = prep_key(kv, "SELECT 1 FROM kv WHERE key = ?1", key, klen, err, errlen);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return sqlf_fail(kv->db, kv->path, "cannot read", err, errlen);
}
