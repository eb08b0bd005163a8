/* test_storage.c: the local store (kv.h) and the preprocessing store
 * (preproc_store.h): values, keys, bad files, parameter binding, and that
 * a process killed with SIGKILL in the middle of writing leaves every
 * value whole and never hands out preprocessing material twice. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/kv.h"
#include "storage/preproc_store.h"
#include "unit.h"

static char dir[256];

static const char *tpath(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static bool contains(const char *s, const char *sub) { return s && strstr(s, sub) != NULL; }

TEST(kv_basic)
{
    char err[512] = "";
    KvStore *kv = kv_open(tpath("basic.db"), err, sizeof err);
    CHECK_MSG(kv != NULL, "%s", err);
    if (!kv) return;
    const uint8_t k[] = "alpha", v1[] = "one", v2[] = "second value";
    uint8_t *got = NULL;
    size_t n = 0;
    CHECK(kv_get(kv, k, 5, &got, &n, err, sizeof err) == 0);
    CHECK(kv_exists(kv, k, 5, err, sizeof err) == 0);
    CHECK(kv_put(kv, k, 5, v1, 3, err, sizeof err) == 0);
    CHECK(kv_put(kv, k, 5, v2, 12, err, sizeof err) == 0);
    CHECK(kv_get(kv, k, 5, &got, &n, err, sizeof err) == 1 && n == 12 && memcmp(got, v2, 12) == 0);
    free(got);
    CHECK(kv_exists(kv, k, 5, err, sizeof err) == 1);
    CHECK(kv_delete(kv, k, 5, err, sizeof err) == 1);
    CHECK(kv_delete(kv, k, 5, err, sizeof err) == 0);
    CHECK(kv_exists(kv, k, 5, err, sizeof err) == 0);
    /* keys are bytes: an embedded NUL is part of the key */
    const uint8_t kz[] = { 'a', 0, 'b' };
    CHECK(kv_put(kv, kz, 3, v1, 3, err, sizeof err) == 0);
    CHECK(kv_exists(kv, kz, 1, err, sizeof err) == 0);
    /* SQLite's side files, there while the store is open, are 0600 too */
    struct stat side;
    CHECK(stat(tpath("basic.db-wal"), &side) == 0 && (side.st_mode & 0777) == 0600);
    CHECK(stat(tpath("basic.db-shm"), &side) == 0 && (side.st_mode & 0777) == 0600);
    kv_close(kv);
    /* persists across opens */
    kv = kv_open(tpath("basic.db"), err, sizeof err);
    CHECK(kv && kv_exists(kv, kz, 3, err, sizeof err) == 1);
    kv_close(kv);
    struct stat sb;
    CHECK(stat(tpath("basic.db"), &sb) == 0 && (sb.st_mode & 0777) == 0600);
}

TEST(kv_bad_keys_and_values)
{
    char err[512] = "";
    KvStore *kv = kv_open(tpath("keys.db"), err, sizeof err);
    CHECK(kv != NULL);
    if (!kv) return;
    uint8_t big[KV_KEY_MAX + 1];
    memset(big, 'k', sizeof big);
    CHECK(kv_put(kv, big, KV_KEY_MAX + 1, big, 1, err, sizeof err) == -1);
    CHECK_MSG(contains(err, "key is 1025 bytes long, at most 1024"), "%s", err);
    CHECK(kv_put(kv, big, KV_KEY_MAX, big, 1, err, sizeof err) == 0);
    CHECK(kv_get(kv, big, 0, NULL, NULL, err, sizeof err) == -1 && contains(err, "must not be empty"));
    uint8_t *huge = calloc(1, KV_VALUE_MAX + 1);
    CHECK(huge && kv_put(kv, big, 3, huge, KV_VALUE_MAX + 1, err, sizeof err) == -1 && contains(err, "at most"));
    free(huge);
    kv_close(kv);
}

TEST(kv_bad_files)
{
    char err[512] = "";
    /* not a database at all */
    int fd = open(tpath("garbage.db"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd,
                           "this is not a database, just some text......................................"
                           "..........................................................",
                           130) == 130);
    close(fd);
    CHECK(kv_open(tpath("garbage.db"), err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "garbage.db: not a usable StoffelVM local store"), "%s", err);
    /* another program's SQLite file */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(tpath("foreign.db"), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1);", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(kv_open(tpath("foreign.db"), err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "not a StoffelVM local store (application id 0x00000000"), "%s", err);
    /* the file is left as it was */
    CHECK(sqlite3_open(tpath("foreign.db"), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "SELECT x FROM t", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    /* a preprocessing store is no local store, and the other way round */
    PreprocParams pp = { 4, 1, 0, "bls12-381", 0 };
    PreprocStore *ps = pstore_open(tpath("pp.db"), &pp, err, sizeof err);
    CHECK(ps != NULL);
    pstore_close(ps);
    CHECK(kv_open(tpath("pp.db"), err, sizeof err) == NULL && contains(err, "application id 0x53545050"));
    KvStore *kv = kv_open(tpath("kv.db"), err, sizeof err);
    kv_close(kv);
    CHECK(pstore_open(tpath("kv.db"), &pp, err, sizeof err) == NULL &&
          contains(err, "not a StoffelVM preprocessing store"));
    /* places that cannot be written, and symlinks */
    CHECK(kv_open("/proc/stoffel-no-such-dir/x.db", err, sizeof err) == NULL && contains(err, "cannot create"));
    CHECK(kv_open(tpath("no-dir/x.db"), err, sizeof err) == NULL && contains(err, "no-dir/x.db: cannot create"));
    CHECK(kv_open(dir, err, sizeof err) == NULL && contains(err, "not a regular file"));
    CHECK(symlink(tpath("basic.db"), tpath("link.db")) == 0);
    CHECK(kv_open(tpath("link.db"), err, sizeof err) == NULL && contains(err, "not a regular file"));
    CHECK(kv_open("", err, sizeof err) == NULL && contains(err, "empty path"));
}

/* ---- preprocessing store ------------------------------------------------------------ */

static void fill(Fe *v, size_t n, uint64_t base)
{
    for (size_t i = 0; i < n; i++) fe_from_u64(field_default(), &v[i], base + i);
}

TEST(pstore_cursor)
{
    char err[512] = "";
    const Field *f = field_default();
    PreprocParams pp = { 4, 1, 2, f->name, 77 };
    PreprocStore *ps = pstore_open(tpath("cursor.db"), &pp, err, sizeof err);
    CHECK_MSG(ps != NULL, "%s", err);
    if (!ps) return;
    Fe v[30], *got = NULL;
    size_t n = 0;
    uint64_t first = 99, cur, end;
    fill(v, 30, 1000);
    CHECK(pstore_append(ps, MPC_MAT_TRIPLES, f, v, 4, err, sizeof err) == 0);      /* 12 elements */
    CHECK(pstore_append(ps, MPC_MAT_TRIPLES, f, v + 12, 6, err, sizeof err) == 0); /* 18 more */
    CHECK(pstore_append(ps, MPC_MAT_BITS, f, v, 5, err, sizeof err) == 0);
    CHECK(pstore_position(ps, MPC_MAT_TRIPLES, &cur, &end, err, sizeof err) == 0 && cur == 0 && end == 10);
    CHECK(pstore_take_all(ps, MPC_MAT_TRIPLES, f, &got, &n, &first, err, sizeof err) == 0);
    CHECK(n == 10 && first == 0 && got && memcmp(got, v, 30 * sizeof(Fe)) == 0);
    free(got);
    /* taken means gone, also after reopening */
    CHECK(pstore_take_all(ps, MPC_MAT_TRIPLES, f, &got, &n, &first, err, sizeof err) == 0 && n == 0 && first == 10);
    pstore_close(ps);
    ps = pstore_open(tpath("cursor.db"), &pp, err, sizeof err);
    CHECK(ps && pstore_take_all(ps, MPC_MAT_TRIPLES, f, &got, &n, &first, err, sizeof err) == 0 && n == 0);
    CHECK(pstore_append(ps, MPC_MAT_TRIPLES, f, v, 1, err, sizeof err) == 0);
    CHECK(pstore_take_all(ps, MPC_MAT_TRIPLES, f, &got, &n, &first, err, sizeof err) == 0 && n == 1 && first == 10);
    free(got);
    CHECK(pstore_take_all(ps, MPC_MAT_BITS, f, &got, &n, &first, err, sizeof err) == 0 && n == 5 &&
          memcmp(got, v, 5 * sizeof(Fe)) == 0);
    free(got);
    pstore_close(ps);
    struct stat sb;
    CHECK(stat(tpath("cursor.db"), &sb) == 0 && (sb.st_mode & 0777) == 0600);
}

TEST(pstore_params)
{
    char err[512] = "";
    PreprocParams pp = { 4, 1, 2, "bls12-381", 77 };
    PreprocStore *ps = pstore_open(tpath("params.db"), &pp, err, sizeof err);
    CHECK(ps != NULL);
    pstore_close(ps);
    struct {
        PreprocParams p;
        const char *want;
    } cases[] = {
        { { 7, 1, 2, "bls12-381", 77 }, "made with n=4, this session has n=7" },
        { { 4, 0, 2, "bls12-381", 77 }, "made with t=1, this session has t=0" },
        { { 4, 1, 2, "bn254", 77 }, "made with field=bls12-381, this session has field=bn254" },
        { { 4, 1, 3, "bls12-381", 77 }, "made with party=2, this session has party=3" },
        { { 4, 1, 2, "bls12-381", 78 },
          "made with instance=000000000000004d, this session has instance=000000000000004e" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = 0;
        CHECK(pstore_open(tpath("params.db"), &cases[i].p, err, sizeof err) == NULL);
        CHECK_MSG(contains(err, cases[i].want), "%s", err);
    }
}

TEST(pstore_corrupt)
{
    char err[512] = "";
    const Field *f = field_default();
    PreprocParams pp = { 4, 1, 0, f->name, 0 };
    PreprocStore *ps = pstore_open(tpath("corrupt.db"), &pp, err, sizeof err);
    Fe v[3];
    fill(v, 3, 5);
    CHECK(ps && pstore_append(ps, MPC_MAT_RANDOMS, f, v, 3, err, sizeof err) == 0);
    pstore_close(ps);
    sqlite3 *db = NULL;
    sqlite3_open(tpath("corrupt.db"), &db);
    /* a value >= p, as a damaged file could hold */
    CHECK(sqlite3_exec(db,
                       "UPDATE material SET data = zeroblob(32) || x'"
                       "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' || zeroblob(32)",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    ps = pstore_open(tpath("corrupt.db"), &pp, err, sizeof err);
    Fe *got = NULL;
    size_t n = 0;
    uint64_t first;
    CHECK(ps && pstore_take_all(ps, MPC_MAT_RANDOMS, f, &got, &n, &first, err, sizeof err) == -1);
    CHECK_MSG(contains(err, "corrupt randoms record 1 (not a field element)"), "%s", err);
    uint64_t cur, end;
    CHECK(pstore_position(ps, MPC_MAT_RANDOMS, &cur, &end, err, sizeof err) == 0 && cur == 0 && end == 3);
    pstore_close(ps);
    sqlite3_open(tpath("corrupt.db"), &db);
    CHECK(sqlite3_exec(db, "UPDATE material SET data = zeroblob(40)", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    ps = pstore_open(tpath("corrupt.db"), &pp, err, sizeof err);
    CHECK(ps && pstore_take_all(ps, MPC_MAT_RANDOMS, f, &got, &n, &first, err, sizeof err) == -1 &&
          contains(err, "corrupt randoms batch at record 0"));
    pstore_close(ps);
}

/* ---- SIGKILL in the middle of writing ------------------------------------------------ */

#define KILL_ROUNDS 25
#define VAL_LEN (256 * 1024)

/* value i: 8 bytes of i, then VAL_LEN-8 bytes of (i * 31 + j) & 0xff */
static void make_value(uint8_t *v, uint64_t i)
{
    memcpy(v, &i, 8);
    for (size_t j = 8; j < VAL_LEN; j++) v[j] = (uint8_t)(i * 31 + j);
}

static bool value_whole(const uint8_t *v, size_t n, uint64_t *i)
{
    if (n != VAL_LEN) return false;
    memcpy(i, v, 8);
    for (size_t j = 8; j < VAL_LEN; j++)
        if (v[j] != (uint8_t)(*i * 31 + j)) return false;
    return true;
}

static void writer_child(const char *path, uint64_t start)
{
    char err[512];
    KvStore *kv = kv_open(path, err, sizeof err);
    if (!kv) _exit(3);
    uint8_t *v = malloc(VAL_LEN);
    for (uint64_t i = start;; i++) {
        make_value(v, i);
        /* two keys, so a kill can fall between them too */
        if (kv_put(kv, (const uint8_t *)"a", 1, v, VAL_LEN, err, sizeof err) != 0 ||
            kv_put(kv, (const uint8_t *)"b", 1, v, VAL_LEN, err, sizeof err) != 0)
            _exit(4);
    }
}

TEST(kv_survives_sigkill)
{
    const char *path = tpath("kill.db");
    uint64_t last_a = 0, last_b = 0;
    int whole = 0, rounds = 0;
    for (int r = 0; r < KILL_ROUNDS; r++) {
        pid_t pid = fork();
        if (pid == 0) writer_child(path, last_a + 1);
        usleep(2000 + randombytes_uniform(30000));
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        CHECK_MSG(WIFSIGNALED(st), "writer exited by itself (status %d)", st);
        char err[512];
        KvStore *kv = kv_open(path, err, sizeof err);
        CHECK_MSG(kv != NULL, "%s", err);
        if (!kv) return;
        uint8_t *v = NULL;
        size_t n = 0;
        uint64_t ia = 0, ib = 0;
        int ga = kv_get(kv, (const uint8_t *)"a", 1, &v, &n, err, sizeof err);
        if (ga == 1) {
            CHECK_MSG(value_whole(v, n, &ia), "round %d: value of a torn (%zu bytes)", r, n);
            CHECK_MSG(ia >= last_a, "round %d: a went back from %llu to %llu", r, (unsigned long long)last_a,
                      (unsigned long long)ia);
            free(v);
            whole++;
        }
        int gb = kv_get(kv, (const uint8_t *)"b", 1, &v, &n, err, sizeof err);
        if (gb == 1) {
            CHECK_MSG(value_whole(v, n, &ib), "round %d: value of b torn", r);
            /* b is written after a, and never goes back */
            CHECK_MSG(ib <= ia && ib >= last_b, "round %d: a=%llu b=%llu (b was %llu)", r, (unsigned long long)ia,
                      (unsigned long long)ib, (unsigned long long)last_b);
            last_b = ib;
            free(v);
        }
        CHECK(ga >= 0 && gb >= 0);
        if (ga == 1) last_a = ia;
        kv_close(kv);
        rounds++;
    }
    CHECK(rounds == KILL_ROUNDS);
    CHECK_MSG(whole > 0, "the writer never committed a value in %d rounds", KILL_ROUNDS);
}

/* A child that appends and takes preprocessing material in a loop and
 * reports over a pipe every record it was handed; after SIGKILL, no
 * reported record may still be in the store. */
static void taker_child(const char *path, int wfd)
{
    char err[512];
    const Field *f = field_default();
    PreprocParams pp = { 4, 1, 1, f->name, 5 };
    PreprocStore *ps = pstore_open(path, &pp, err, sizeof err);
    if (!ps) _exit(3);
    Fe v[64];
    for (uint64_t i = 0;; i++) {
        fill(v, 64, i);
        Fe *got = NULL;
        size_t n = 0;
        uint64_t first = 0;
        if (pstore_append(ps, MPC_MAT_RANDOMS, f, v, 1 + i % 64, err, sizeof err) != 0 ||
            pstore_take_all(ps, MPC_MAT_RANDOMS, f, &got, &n, &first, err, sizeof err) != 0)
            _exit(4);
        uint64_t rep[2] = { first, n };
        if (n && write(wfd, rep, sizeof rep) != (ssize_t)sizeof rep) _exit(5);
        free(got);
        if (i % 3 == 0) pstore_append(ps, MPC_MAT_RANDOMS, f, v, 7, err, sizeof err);
    }
}

TEST(pstore_survives_sigkill)
{
    const char *path = tpath("killpp.db");
    for (int r = 0; r < KILL_ROUNDS; r++) {
        int fds[2];
        CHECK(pipe(fds) == 0);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            taker_child(path, fds[1]);
        }
        close(fds[1]);
        usleep(2000 + randombytes_uniform(30000));
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        CHECK(WIFSIGNALED(st));
        uint64_t used_end = 0, rep[2];
        while (read(fds[0], rep, sizeof rep) == (ssize_t)sizeof rep)
            if (rep[0] + rep[1] > used_end) used_end = rep[0] + rep[1];
        close(fds[0]);
        char err[512];
        PreprocParams pp = { 4, 1, 1, field_default()->name, 5 };
        PreprocStore *ps = pstore_open(path, &pp, err, sizeof err);
        CHECK_MSG(ps != NULL, "%s", err);
        if (!ps) return;
        uint64_t cur = 0, end = 0;
        CHECK(pstore_position(ps, MPC_MAT_RANDOMS, &cur, &end, err, sizeof err) == 0);
        CHECK_MSG(cur >= used_end, "round %d: cursor %llu but records up to %llu were handed out", r,
                  (unsigned long long)cur, (unsigned long long)used_end);
        /* what is left reads back whole */
        Fe *got = NULL;
        size_t n = 0;
        uint64_t first = 0;
        CHECK_MSG(pstore_take_all(ps, MPC_MAT_RANDOMS, field_default(), &got, &n, &first, err, sizeof err) == 0, "%s",
                  err);
        CHECK(n == end - cur && first == cur);
        free(got);
        pstore_close(ps);
    }
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    snprintf(dir, sizeof dir, "/tmp/stoffel-storage-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    RUN(kv_basic);
    RUN(kv_bad_keys_and_values);
    RUN(kv_bad_files);
    RUN(pstore_cursor);
    RUN(pstore_params);
    RUN(pstore_corrupt);
    RUN(kv_survives_sigkill);
    RUN(pstore_survives_sigkill);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return unit_report();
}
