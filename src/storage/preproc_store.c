/* preproc_store.c: see preproc_store.h.  Records are stored in batches
 * (one row per append) of canonical 32-byte field elements. */
#include "storage/preproc_store.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/sqlite_file.h"

struct PreprocStore {
    sqlite3 *db;
    char *path;
};

static const char *const kind_names[MPC_MAT_COUNT] = { "triples", "randoms", "bits" };

static const char schema[] =
    "CREATE TABLE params(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE cursor(kind INTEGER PRIMARY KEY, next INTEGER NOT NULL, end INTEGER NOT NULL);"
    "INSERT INTO cursor VALUES(0, 0, 0), (1, 0, 0), (2, 0, 0);"
    "CREATE TABLE material(kind INTEGER NOT NULL, first INTEGER NOT NULL, count INTEGER NOT NULL,"
    " data BLOB NOT NULL, PRIMARY KEY(kind, first));";

static int fail(PreprocStore *ps, const char *msg, char *err, size_t errlen)
{
    return sqlf_fail(ps->db, ps->path, msg, err, errlen);
}

/* Compares (or, in a new store, records) the session parameters. */
static int bind_params(PreprocStore *ps, const PreprocParams *pp, char *err, size_t errlen)
{
    char vals[5][80];
    const char *names[5] = { "n", "t", "field", "party", "instance" };
    snprintf(vals[0], sizeof vals[0], "%u", pp->n);
    snprintf(vals[1], sizeof vals[1], "%u", pp->t);
    snprintf(vals[2], sizeof vals[2], "%s", pp->field);
    snprintf(vals[3], sizeof vals[3], "%u", pp->party);
    snprintf(vals[4], sizeof vals[4], "%016" PRIx64, pp->instance);
    for (int i = 0; i < 5; i++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(ps->db, "SELECT value FROM params WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
            return fail(ps, "not a usable preprocessing store", err, errlen);
        sqlite3_bind_text(st, 1, names[i], -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *have = (const char *)sqlite3_column_text(st, 0);
            if (!have || strcmp(have, vals[i]) != 0) {
                snprintf(err, errlen, "%s: preprocessing store was made with %s=%s, this session has %s=%s", ps->path,
                         names[i], have ? have : "?", names[i], vals[i]);
                sqlite3_finalize(st);
                return -1;
            }
            sqlite3_finalize(st);
            continue;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return fail(ps, "cannot read the parameters", err, errlen);
        if (sqlite3_prepare_v2(ps->db, "INSERT INTO params VALUES(?1, ?2)", -1, &st, NULL) != SQLITE_OK)
            return fail(ps, "cannot record the parameters", err, errlen);
        sqlite3_bind_text(st, 1, names[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, vals[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return fail(ps, "cannot record the parameters", err, errlen);
    }
    return 0;
}

PreprocStore *pstore_open(const char *path, const PreprocParams *pp, char *err, size_t errlen)
{
    sqlite3 *db = sqlf_open(path, PSTORE_APP_ID, schema, "StoffelVM preprocessing store", err, errlen);
    if (!db) return NULL;
    PreprocStore *ps = calloc(1, sizeof *ps);
    char *p = strdup(path);
    if (!ps || !p) {
        free(ps);
        free(p);
        sqlite3_close(db);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    ps->db = db;
    ps->path = p;
    if (sqlf_exec(db, path, "BEGIN IMMEDIATE", err, errlen) != 0 || bind_params(ps, pp, err, errlen) != 0 ||
        sqlf_exec(db, path, "COMMIT", err, errlen) != 0) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        pstore_close(ps);
        return NULL;
    }
    return ps;
}

void pstore_close(PreprocStore *ps)
{
    if (!ps) return;
    sqlite3_close(ps->db);
    free(ps->path);
    free(ps);
}

int pstore_position(PreprocStore *ps, MpcMaterial k, uint64_t *cursor, uint64_t *end, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ps->db, "SELECT next, end FROM cursor WHERE kind = ?1", -1, &st, NULL) != SQLITE_OK)
        return fail(ps, "not a usable preprocessing store", err, errlen);
    sqlite3_bind_int(st, 1, (int)k);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int64_t c = sqlite3_column_int64(st, 0), e = sqlite3_column_int64(st, 1);
        sqlite3_finalize(st);
        if (c < 0 || e < c) {
            snprintf(err, errlen, "%s: corrupt cursor of %s (%" PRId64 " of %" PRId64 ")", ps->path, kind_names[k], c,
                     e);
            return -1;
        }
        *cursor = (uint64_t)c;
        *end = (uint64_t)e;
        return 0;
    }
    sqlite3_finalize(st);
    return fail(ps, "cannot read the cursor", err, errlen);
}

int pstore_append(PreprocStore *ps, MpcMaterial k, const Field *f, const Fe *elems, size_t records, char *err,
                  size_t errlen)
{
    if (!records) return 0;
    size_t w = mpc_material_width(k), ne = records * w;
    if (ne > (size_t)1 << 24) {
        snprintf(err, errlen, "%s: too many records in one batch (%zu)", ps->path, records);
        return -1;
    }
    uint8_t *data = malloc(ne * 32);
    if (!data) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < ne; i++) fe_to_bytes(f, data + 32 * i, &elems[i]);
    uint64_t cur, end;
    int rc = -1;
    sqlite3_stmt *st = NULL;
    if (sqlf_exec(ps->db, ps->path, "BEGIN IMMEDIATE", err, errlen) != 0) goto out;
    if (pstore_position(ps, k, &cur, &end, err, errlen) != 0) goto rollback;
    if (sqlite3_prepare_v2(ps->db, "INSERT INTO material VALUES(?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK)
        goto sqlerr;
    sqlite3_bind_int(st, 1, (int)k);
    sqlite3_bind_int64(st, 2, (int64_t)end);
    sqlite3_bind_int64(st, 3, (int64_t)records);
    sqlite3_bind_blob(st, 4, data, (int)(ne * 32), SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) goto sqlerr;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(ps->db, "UPDATE cursor SET end = ?2 WHERE kind = ?1", -1, &st, NULL) != SQLITE_OK)
        goto sqlerr;
    sqlite3_bind_int(st, 1, (int)k);
    sqlite3_bind_int64(st, 2, (int64_t)(end + records));
    if (sqlite3_step(st) != SQLITE_DONE) goto sqlerr;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlf_exec(ps->db, ps->path, "COMMIT", err, errlen) == 0) {
        rc = 0;
        goto out;
    }
    goto rollback;
sqlerr:
    fail(ps, "cannot save preprocessing material", err, errlen);
rollback:
    sqlite3_finalize(st);
    sqlite3_exec(ps->db, "ROLLBACK", NULL, NULL, NULL);
out:
    sodium_memzero(data, ne * 32);
    free(data);
    return rc;
}

/* Runs sql with the kind bound as ?1; -1 on failure (sqlite3_errmsg says why). */
static int exec_kind(PreprocStore *ps, const char *sql, MpcMaterial k)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(ps->db, sql, -1, &st, NULL) == SQLITE_OK &&
                     sqlite3_bind_int(st, 1, (int)k) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE
                 ? 0
                 : -1;
    sqlite3_finalize(st);
    return rc;
}

int pstore_take_all(PreprocStore *ps, MpcMaterial k, const Field *f, Fe **elems, size_t *records, uint64_t *first,
                    char *err, size_t errlen)
{
    *elems = NULL;
    *records = 0;
    uint64_t cur, end;
    size_t w = mpc_material_width(k);
    Fe *out = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlf_exec(ps->db, ps->path, "BEGIN IMMEDIATE", err, errlen) != 0) return -1;
    if (pstore_position(ps, k, &cur, &end, err, errlen) != 0) goto rollback;
    *first = cur;
    size_t want = (size_t)(end - cur);
    if (want > ((size_t)1 << 24)) {
        snprintf(err, errlen, "%s: %zu stored %s is more than one run takes", ps->path, want, kind_names[k]);
        goto rollback;
    }
    if (want) {
        out = malloc(want * w * sizeof *out);
        if (!out) {
            snprintf(err, errlen, "out of memory");
            goto rollback;
        }
    }
    if (sqlite3_prepare_v2(ps->db,
                           "SELECT first, count, data FROM material WHERE kind = ?1 AND first + count > ?2 "
                           "ORDER BY first",
                           -1, &st, NULL) != SQLITE_OK)
        goto sqlerr;
    sqlite3_bind_int(st, 1, (int)k);
    sqlite3_bind_int64(st, 2, (int64_t)cur);
    uint64_t at = cur; /* next record index to fill */
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t bf = sqlite3_column_int64(st, 0), bc = sqlite3_column_int64(st, 1);
        const uint8_t *data = sqlite3_column_blob(st, 2);
        size_t bytes = (size_t)sqlite3_column_bytes(st, 2);
        if (bf < 0 || bc <= 0 || (uint64_t)bf > at || (uint64_t)(bf + bc) > end || bytes != (size_t)bc * w * 32) {
            snprintf(err, errlen, "%s: corrupt %s batch at record %" PRId64, ps->path, kind_names[k], bf);
            goto rollback;
        }
        for (uint64_t r = at; r < (uint64_t)(bf + bc); r++)
            for (size_t j = 0; j < w; j++)
                if (fe_from_bytes(f, &out[(r - cur) * w + j], data + ((r - (uint64_t)bf) * w + j) * 32) != 0) {
                    snprintf(err, errlen, "%s: corrupt %s record %" PRIu64 " (not a field element)", ps->path,
                             kind_names[k], r);
                    goto rollback;
                }
        at = (uint64_t)(bf + bc);
    }
    if (rc != SQLITE_DONE) goto sqlerr;
    sqlite3_finalize(st);
    st = NULL;
    if (at != end) {
        snprintf(err, errlen, "%s: %s records %" PRIu64 "..%" PRIu64 " are missing", ps->path, kind_names[k], at, end);
        goto rollback;
    }
    /* consume: move the cursor and drop the rows (secure_delete wipes them) */
    if (exec_kind(ps, "UPDATE cursor SET next = end WHERE kind = ?1", k) != 0 ||
        exec_kind(ps, "DELETE FROM material WHERE kind = ?1", k) != 0)
        goto sqlerr;
    /* committed before anyone sees the records */
    if (sqlf_exec(ps->db, ps->path, "COMMIT", err, errlen) != 0) goto rollback;
    *elems = out;
    *records = want;
    return 0;
sqlerr:
    fail(ps, "cannot take preprocessing material", err, errlen);
rollback:
    sqlite3_finalize(st);
    sqlite3_exec(ps->db, "ROLLBACK", NULL, NULL, NULL);
    if (out) {
        sodium_memzero(out, (size_t)(end - cur) * w * sizeof *out);
        free(out);
    }
    return -1;
}

int pstore_load_engine(PreprocStore *ps, MpcEngine *e, char *err, size_t errlen)
{
    const Field *f = mpc_field(e);
    Fe *elems[MPC_MAT_COUNT] = { NULL };
    size_t recs[MPC_MAT_COUNT] = { 0 };
    uint64_t first[MPC_MAT_COUNT] = { 0 };
    int rc = 0;
    for (int k = 0; k < MPC_MAT_COUNT && rc == 0; k++)
        rc = pstore_take_all(ps, (MpcMaterial)k, f, &elems[k], &recs[k], &first[k], err, errlen);
    /* Every party's position, opened as a public (degree-0) value: the
     * robust opening yields the majority's, which must be ours. */
    Fe pos[2 * MPC_MAT_COUNT], agreed[2 * MPC_MAT_COUNT];
    for (int k = 0; k < MPC_MAT_COUNT; k++) {
        fe_from_u64(f, &pos[2 * k], first[k]);
        fe_from_u64(f, &pos[2 * k + 1], recs[k]);
    }
    if (rc == 0 && mpc_round(e, pos, 2 * MPC_MAT_COUNT, agreed, NULL, NULL, 0, NULL) != 0) {
        snprintf(err, errlen, "%s: comparing stores with the other parties failed: %s", ps->path, mpc_error(e));
        rc = -2;
    }
    for (int k = 0; k < MPC_MAT_COUNT && rc == 0; k++) {
        if (!fe_equal(&pos[2 * k], &agreed[2 * k]) || !fe_equal(&pos[2 * k + 1], &agreed[2 * k + 1])) {
            snprintf(err, errlen,
                     "%s: this store's %s (%zu from record %" PRIu64 ") are out of step with the "
                     "other parties' stores; the records were discarded",
                     ps->path, kind_names[k], recs[k], first[k]);
            rc = -1;
        }
    }
    for (int k = 0; k < MPC_MAT_COUNT; k++) {
        if (rc == 0 && mpc_material_import(e, (MpcMaterial)k, elems[k], recs[k]) != 0) {
            snprintf(err, errlen, "%s", mpc_error(e));
            rc = -2;
        }
        if (elems[k]) {
            sodium_memzero(elems[k], recs[k] * mpc_material_width((MpcMaterial)k) * sizeof(Fe));
            free(elems[k]);
        }
    }
    return rc;
}

int pstore_save_engine(PreprocStore *ps, MpcEngine *e, char *err, size_t errlen)
{
    int rc = 0;
    for (int k = 0; k < MPC_MAT_COUNT && rc == 0; k++) {
        Fe *elems = NULL;
        size_t n = 0;
        if (mpc_material_export(e, (MpcMaterial)k, &elems, &n) != 0) {
            snprintf(err, errlen, "%s", mpc_error(e));
            return -1;
        }
        rc = pstore_append(ps, (MpcMaterial)k, mpc_field(e), elems, n, err, errlen);
        if (elems) {
            sodium_memzero(elems, n * mpc_material_width((MpcMaterial)k) * sizeof(Fe));
            free(elems);
        }
    }
    return rc;
}
