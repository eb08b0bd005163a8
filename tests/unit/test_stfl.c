/* test_stfl.c: the .stflb reader/writer against the shared fixtures, the
 * kitchen-sink vectors of shared/stfl_dump.py (whose SHA-256s are those of
 * the real Rust writer), and the Python decoder as a differential oracle.
 *
 * The shared directory comes from $STOFFEL_SHARED, default "../shared"
 * (relative to the repository root, where the test runner starts us).
 * python3 must be on PATH for the vector and differential tests. */
#include "unit.h"

#include "bytecode/stfl.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- small helpers ------------------------------------------------------- */

typedef struct {
    uint8_t *d;
    size_t len, cap;
} Buf;

static void b_put(Buf *b, const void *p, size_t n)
{
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap - b->len < n) cap *= 2;
        uint8_t *d = realloc(b->d, cap);
        if (!d) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        b->d = d;
        b->cap = cap;
    }
    if (n) memcpy(b->d + b->len, p, n);
    b->len += n;
}

static void b_le(Buf *b, uint64_t v, unsigned size)
{
    uint8_t t[8];
    for (unsigned i = 0; i < size; i++) t[i] = (uint8_t)(v >> (8 * i));
    b_put(b, t, size);
}

static void b_u8(Buf *b, uint8_t v) { b_put(b, &v, 1); }
static void b_u16(Buf *b, uint16_t v) { b_le(b, v, 2); }
static void b_u32(Buf *b, uint32_t v) { b_le(b, v, 4); }

static void b_str16(Buf *b, const char *s)
{
    b_u16(b, (uint16_t)strlen(s));
    b_put(b, s, strlen(s));
}

static void b_header(Buf *b, uint16_t version)
{
    b_put(b, "STFL", 4);
    b_u16(b, version);
}

/* Function record head up to (not including) the parameter types. */
static void b_func_head(Buf *b, const char *name, uint16_t regs)
{
    b_str16(b, name);
    b_u16(b, regs);
}

static bool read_file(const char *path, Buf *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    uint8_t tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) b_put(out, tmp, n);
    fclose(f);
    if (!out->d) out->d = calloc(1, 1); /* empty file: keep a valid pointer */
    return out->d != NULL;
}

static const char *shared_dir(void)
{
    const char *s = getenv("STOFFEL_SHARED");
    return s && *s ? s : "../shared";
}

/* Read + write back; true when the bytes are identical.  *why explains. */
static bool roundtrip(const uint8_t *d, size_t n, StfProgram *keep, char *why, size_t cap)
{
    StfProgram p;
    StflError err;
    if (stfl_read(d, n, &p, &err) != 0) {
        snprintf(why, cap, "read failed: %s (offset %" PRIu64 ")", err.message, err.offset);
        return false;
    }
    uint8_t *o = NULL;
    size_t on = 0;
    bool ok = stfl_write(&p, &o, &on, &err) == 0;
    if (!ok)
        snprintf(why, cap, "write failed: %s", err.message);
    else if (on != n || memcmp(o, d, n) != 0) {
        size_t i = 0;
        while (i < n && i < on && o[i] == d[i]) i++;
        snprintf(why, cap, "re-encoding differs at byte %zu (%zu vs %zu bytes)", i, on, n);
        ok = false;
    }
    free(o);
    if (keep)
        *keep = p;
    else
        stf_program_free(&p);
    return ok;
}

/* ---- the corpus: fixtures + kitchen-sink vectors ------------------------- */

typedef struct {
    char path[512];
    const char *name; /* basename inside path */
    Buf data;
} Sample;

#define MAX_SAMPLES 64
static Sample samples[MAX_SAMPLES];
static int n_samples, n_fixtures;
static char vec_dir[256];

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* Add every *.stflb of dir (sorted) to the corpus; returns how many. */
static int load_dir(const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh) return 0;
    char *names[MAX_SAMPLES];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL && n < MAX_SAMPLES) {
        size_t l = strlen(e->d_name);
        if (l > 6 && strcmp(e->d_name + l - 6, ".stflb") == 0) names[n++] = strdup(e->d_name);
    }
    closedir(dh);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    int added = 0;
    for (int i = 0; i < n; i++) {
        if (n_samples < MAX_SAMPLES) {
            Sample *s = &samples[n_samples];
            snprintf(s->path, sizeof s->path, "%s/%s", dir, names[i]);
            s->name = strrchr(s->path, '/') + 1;
            if (read_file(s->path, &s->data)) {
                n_samples++;
                added++;
            }
        }
        free(names[i]);
    }
    return added;
}

static const Sample *find_sample(const char *name)
{
    for (int i = 0; i < n_samples; i++)
        if (strcmp(samples[i].name, name) == 0) return &samples[i];
    return NULL;
}

TEST(corpus_loaded)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/fixtures/stoffel-vm", shared_dir());
    n_fixtures = load_dir(dir);
    CHECK_MSG(n_fixtures >= 8, "found %d fixtures in %s (set STOFFEL_SHARED?)", n_fixtures, dir);

    const char *tmp = getenv("TMPDIR");
    snprintf(vec_dir, sizeof vec_dir, "%s/stfl_vectors_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    CHECK(mkdtemp(vec_dir) != NULL);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "python3 '%s/stfl_dump.py' --emit-vectors='%s' >/dev/null", shared_dir(), vec_dir);
    CHECK_MSG(system(cmd) == 0, "%s", cmd);
    int nv = load_dir(vec_dir);
    CHECK_MSG(nv == 10, "expected 10 vectors (kitchen_v1..v9, mul_clear_v9), got %d", nv);
    for (int v = 1; v <= 9; v++) {
        char name[32];
        snprintf(name, sizeof name, "kitchen_v%d.stflb", v);
        CHECK_MSG(find_sample(name) != NULL, "%s missing", name);
    }
}

static void remove_vectors(void)
{
    for (int i = n_fixtures; i < n_samples; i++) unlink(samples[i].path);
    if (vec_dir[0]) rmdir(vec_dir);
    for (int i = 0; i < n_samples; i++) free(samples[i].data.d);
}

/* ---- round trips ---------------------------------------------------------- */

TEST(every_sample_roundtrips)
{
    for (int i = 0; i < n_samples; i++) {
        char why[300] = "";
        StfProgram p;
        bool ok = roundtrip(samples[i].data.d, samples[i].data.len, &p, why, sizeof why);
        CHECK_MSG(ok, "%s: %s", samples[i].name, why);
        if (!ok) continue;
        uint16_t hv = (uint16_t)(samples[i].data.d[4] | samples[i].data.d[5] << 8);
        CHECK_MSG(p.version == hv, "%s: version %u, header says %u", samples[i].name, p.version, hv);
        stf_program_free(&p);
    }
}

/* Writing the v9 kitchen program at each older version must give exactly the
 * bytes of that version's vector: this checks every layout gate. */
TEST(writer_version_gates_match_vectors)
{
    const Sample *v9 = find_sample("kitchen_v9.stflb");
    CHECK(v9 != NULL);
    if (!v9) return;
    StfProgram p;
    StflError err;
    CHECK(stfl_read(v9->data.d, v9->data.len, &p, &err) == 0);
    for (uint16_t v = 1; v <= 9; v++) {
        char name[32];
        snprintf(name, sizeof name, "kitchen_v%u.stflb", v);
        const Sample *want = find_sample(name);
        p.version = v;
        uint8_t *o = NULL;
        size_t on = 0;
        int rc = stfl_write(&p, &o, &on, &err);
        CHECK_MSG(rc == 0 && want && on == want->data.len && memcmp(o, want->data.d, on) == 0,
                  "writing kitchen at v%u: rc %d, %zu bytes", v, rc, on);
        free(o);
    }
    stf_program_free(&p);
}

/* Build spec §9.2 (mul_clear_v9) from scratch, leaving the function without
 * stored types: the writer must emit Unknown (12) for the return type. */
TEST(writer_from_scratch_matches_mul_clear)
{
    const Sample *want = find_sample("mul_clear_v9.stflb");
    CHECK(want != NULL);
    if (!want) return;
    StfProgram p;
    stf_program_init(&p);
    p.version = 9;
    p.const_count = 2;
    p.consts = calloc(2, sizeof *p.consts);
    p.consts[0].tag = STF_K_I64;
    p.consts[0].as.i = 42;
    p.consts[1].tag = STF_K_I64;
    p.consts[1].as.i = 37;
    p.func_count = 1;
    p.funcs = calloc(1, sizeof *p.funcs);
    StfFunction *f = &p.funcs[0];
    stf_str_dup(&f->name, "main", 4);
    f->register_count = 3;
    f->instr_count = 4;
    f->instrs = calloc(4, sizeof *f->instrs);
    f->instrs[0] = (StfInstr){ .op = STF_OP_LDI, .a = 0, .b = 0 };
    f->instrs[1] = (StfInstr){ .op = STF_OP_LDI, .a = 1, .b = 1 };
    f->instrs[2] = (StfInstr){ .op = STF_OP_MUL, .a = 2, .b = 0, .c = 1 };
    f->instrs[3] = (StfInstr){ .op = STF_OP_RET, .a = 2 };
    uint8_t *o = NULL;
    size_t on = 0;
    StflError err;
    CHECK(stfl_write(&p, &o, &on, &err) == 0);
    CHECK_MSG(on == want->data.len && o && memcmp(o, want->data.d, on) == 0, "%zu bytes vs %zu", on, want->data.len);
    free(o);

    /* Two parameters without stored types: count 2 then 12 12, ret 12. */
    f->param_count = 2;
    f->params = calloc(2, sizeof *f->params);
    stf_str_dup(&f->params[0], "a", 1);
    stf_str_dup(&f->params[1], "b", 1);
    CHECK(stfl_write(&p, &o, &on, &err) == 0);
    /* header 6 + count 4 + 2 x I64 18 + function count 4 + "main" 6 + regs 2 = 40 */
    static const uint8_t want_params[] = { 2, 0, 1, 0, 'a', 1, 0, 'b', 2, 0, 12, 12, 12 };
    /* 8 bytes more than mul_clear: two names of 3 bytes, two Unknown types */
    CHECK(o && on == want->data.len + 8 && memcmp(o + 40, want_params, sizeof want_params) == 0);
    StfProgram q;
    CHECK(o && stfl_read(o, on, &q, &err) == 0);
    if (o) {
        CHECK(q.funcs[0].param_types_len == 2 && q.funcs[0].param_types[0] == 12 && q.funcs[0].ret_type_len == 1 &&
              q.funcs[0].ret_type[0] == 12);
        stf_program_free(&q);
    }
    free(o);
    stf_program_free(&p);
}

/* ---- differential against stfl_dump.py --json ---------------------------- */

/* A minimal JSON tree (what json.dumps writes: no comments; numbers kept as
 * their raw text so 64-bit integers compare exactly; NaN/Infinity allowed). */
typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } JType;
typedef struct Json {
    JType t;
    int b;
    char *s; /* J_STR bytes (UTF-8) / J_NUM text */
    size_t slen;
    size_t n; /* J_ARR / J_OBJ */
    struct Json **v;
    char **k;
} Json;

typedef struct {
    const char *p, *end;
} JP;

static void jfree(Json *j)
{
    if (!j) return;
    for (size_t i = 0; i < j->n; i++) {
        jfree(j->v[i]);
        if (j->k) free(j->k[i]);
    }
    free(j->v);
    free(j->k);
    free(j->s);
    free(j);
}

static void jws(JP *p)
{
    while (p->p < p->end && strchr(" \t\r\n", *p->p)) p->p++;
}

static int hex4(const char *s, unsigned *out)
{
    *out = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d > 15) return -1;
        *out = *out * 16 + d;
    }
    return 0;
}

static char *jstring(JP *p, size_t *len)
{
    Buf b = { 0 };
    p->p++; /* opening quote */
    while (p->p < p->end && *p->p != '"') {
        char c = *p->p++;
        if (c != '\\') {
            b_u8(&b, (uint8_t)c);
            continue;
        }
        if (p->p >= p->end) break;
        c = *p->p++;
        const char *simple = "\"\\/bfnrt", *repl = "\"\\/\b\f\n\r\t";
        const char *q = strchr(simple, c);
        if (q && c) {
            b_u8(&b, (uint8_t)repl[q - simple]);
            continue;
        }
        if (c != 'u' || p->end - p->p < 4) {
            free(b.d);
            return NULL;
        }
        unsigned cp, lo;
        if (hex4(p->p, &cp)) {
            free(b.d);
            return NULL;
        }
        p->p += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && p->end - p->p >= 6 && p->p[0] == '\\' && p->p[1] == 'u' &&
            hex4(p->p + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p->p += 6;
        }
        if (cp < 0x80)
            b_u8(&b, (uint8_t)cp);
        else if (cp < 0x800) {
            b_u8(&b, (uint8_t)(0xC0 | cp >> 6));
            b_u8(&b, (uint8_t)(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            b_u8(&b, (uint8_t)(0xE0 | cp >> 12));
            b_u8(&b, (uint8_t)(0x80 | ((cp >> 6) & 0x3F)));
            b_u8(&b, (uint8_t)(0x80 | (cp & 0x3F)));
        } else {
            b_u8(&b, (uint8_t)(0xF0 | cp >> 18));
            b_u8(&b, (uint8_t)(0x80 | ((cp >> 12) & 0x3F)));
            b_u8(&b, (uint8_t)(0x80 | ((cp >> 6) & 0x3F)));
            b_u8(&b, (uint8_t)(0x80 | (cp & 0x3F)));
        }
    }
    if (p->p >= p->end) {
        free(b.d);
        return NULL;
    }
    p->p++;
    *len = b.len;
    b_u8(&b, 0);
    return (char *)b.d;
}

static Json *jvalue(JP *p, int depth)
{
    jws(p);
    if (p->p >= p->end || depth > 100) return NULL;
    Json *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    char c = *p->p;
    if (c == '{' || c == '[') {
        j->t = c == '{' ? J_OBJ : J_ARR;
        char close = c == '{' ? '}' : ']';
        p->p++;
        jws(p);
        if (p->p < p->end && *p->p == close) {
            p->p++;
            return j;
        }
        for (;;) {
            char *key = NULL;
            if (j->t == J_OBJ) {
                size_t kl;
                jws(p);
                if (p->p >= p->end || *p->p != '"' || !(key = jstring(p, &kl))) goto bad;
                jws(p);
                if (p->p >= p->end || *p->p != ':') {
                    free(key);
                    goto bad;
                }
                p->p++;
            }
            Json *item = jvalue(p, depth + 1);
            if (!item) {
                free(key);
                goto bad;
            }
            j->v = realloc(j->v, (j->n + 1) * sizeof *j->v);
            j->v[j->n] = item;
            if (j->t == J_OBJ) {
                j->k = realloc(j->k, (j->n + 1) * sizeof *j->k);
                j->k[j->n] = key;
            }
            j->n++;
            jws(p);
            if (p->p < p->end && *p->p == ',') {
                p->p++;
                continue;
            }
            if (p->p < p->end && *p->p == close) {
                p->p++;
                return j;
            }
            goto bad;
        }
    }
    if (c == '"') {
        j->t = J_STR;
        if (!(j->s = jstring(p, &j->slen))) goto bad;
        return j;
    }
    const char *start = p->p;
    while (p->p < p->end && (strchr("+-.eE0123456789", *p->p) || (*p->p >= 'A' && *p->p <= 'z'))) p->p++;
    size_t n = (size_t)(p->p - start);
    if (n == 4 && memcmp(start, "null", 4) == 0)
        j->t = J_NULL;
    else if (n == 4 && memcmp(start, "true", 4) == 0) {
        j->t = J_BOOL;
        j->b = 1;
    } else if (n == 5 && memcmp(start, "false", 5) == 0)
        j->t = J_BOOL;
    else if (n > 0) {
        j->t = J_NUM;
        j->s = strndup(start, n);
        j->slen = n;
    } else
        goto bad;
    return j;
bad:
    jfree(j);
    return NULL;
}

static Json *jget(const Json *o, const char *key)
{
    if (!o || o->t != J_OBJ) return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->k[i], key) == 0) return o->v[i];
    return NULL;
}

static size_t jlen(const Json *a) { return a && a->t == J_ARR ? a->n : (size_t)-1; }

static bool jnum_is(const Json *j, const char *text) { return j && j->t == J_NUM && strcmp(j->s, text) == 0; }

static bool jint_u(const Json *j, uint64_t v)
{
    char t[32];
    snprintf(t, sizeof t, "%" PRIu64, v);
    return jnum_is(j, t);
}

static bool jint_i(const Json *j, int64_t v)
{
    char t[32];
    snprintf(t, sizeof t, "%" PRId64, v);
    return jnum_is(j, t);
}

static bool jstr_is(const Json *j, const char *s, size_t len)
{
    return j && j->t == J_STR && j->slen == len && (len == 0 || memcmp(j->s, s, len) == 0);
}

/* Function type JSON -> the wire bytes it stands for. */
static bool jftype(const Json *t, Buf *out)
{
    const Json *tn = jget(t, "t");
    if (!tn || tn->t != J_STR) return false;
    static const char *const simple[] = { "Float", "String", "Bool", "Nil", "Void" };
    for (int i = 0; i < 5; i++)
        if (strcmp(tn->s, simple[i]) == 0) {
            b_u8(out, (uint8_t)(i + 1));
            return true;
        }
    if (strcmp(tn->s, "Unknown") == 0) {
        b_u8(out, 12);
        return true;
    }
    if (strcmp(tn->s, "Int") == 0) {
        const Json *s = jget(t, "signed"), *bits = jget(t, "bits");
        if (!s || !bits || s->t != J_NUM || bits->t != J_NUM) return false;
        b_u8(out, 0);
        b_u8(out, (uint8_t)atoi(s->s));
        b_u8(out, (uint8_t)atoi(bits->s));
        return true;
    }
    if (strcmp(tn->s, "Fixed") == 0) {
        const Json *bits = jget(t, "bits"), *sh = jget(t, "short");
        if (!bits || bits->t != J_NUM) return false;
        if (sh && sh->t == J_BOOL && sh->b) {
            b_u8(out, 13);
            return true;
        }
        b_u8(out, 14);
        b_u8(out, (uint8_t)atoi(bits->s));
        return true;
    }
    if (strcmp(tn->s, "Secret") == 0 || strcmp(tn->s, "List") == 0) {
        b_u8(out, tn->s[0] == 'S' ? 6 : 7);
        return jftype(jget(t, "inner"), out);
    }
    if (strcmp(tn->s, "Dict") == 0) {
        b_u8(out, 8);
        return jftype(jget(t, "key"), out) && jftype(jget(t, "value"), out);
    }
    const Json *name = jget(t, "name");
    if (!name || name->t != J_STR) return false;
    int tag = strcmp(tn->s, "Object") == 0    ? 9
              : strcmp(tn->s, "Generic") == 0 ? 10
              : strcmp(tn->s, "TypeVar") == 0 ? 11
                                              : -1;
    if (tag < 0) return false;
    b_u8(out, (uint8_t)tag);
    b_u16(out, (uint16_t)name->slen);
    b_put(out, name->s, name->slen);
    if (tag != 10) return true;
    const Json *ps = jget(t, "params");
    if (jlen(ps) == (size_t)-1) return false;
    b_u16(out, (uint16_t)ps->n);
    for (size_t i = 0; i < ps->n; i++)
        if (!jftype(ps->v[i], out)) return false;
    return true;
}

static char diff[400];
static unsigned long fields_compared;

#define EXPECT(cond, ...)                             \
    do {                                              \
        fields_compared++;                            \
        if (!(cond)) {                                \
            snprintf(diff, sizeof diff, __VA_ARGS__); \
            return false;                             \
        }                                             \
    } while (0)

static bool diff_const(const StfConst *k, const Json *j, uint32_t i)
{
    static const char *const names[] = { "Unit", "I64", "I32", "I16",   "I8",   "U8",
                                         "U16",  "U32", "U64", "Float", "Bool", "String" };
    const Json *ty = jget(j, "type"), *val = jget(j, "value");
    EXPECT(k->tag <= STF_K_STRING && ty && ty->t == J_STR && strcmp(ty->s, names[k->tag]) == 0,
           "constant #%u: tag %u vs %s", i, k->tag, ty && ty->s ? ty->s : "?");
    switch (k->tag) {
    case STF_K_UNIT: EXPECT(val && val->t == J_NULL, "constant #%u: Unit value", i); break;
    case STF_K_I64:
    case STF_K_I32:
    case STF_K_I16:
    case STF_K_I8:
        EXPECT(jint_i(val, k->as.i), "constant #%u: %" PRId64 " vs %s", i, k->as.i, val && val->s ? val->s : "?");
        break;
    case STF_K_U8:
    case STF_K_U16:
    case STF_K_U32:
    case STF_K_U64:
        EXPECT(jint_u(val, k->as.u), "constant #%u: %" PRIu64 " vs %s", i, k->as.u, val && val->s ? val->s : "?");
        break;
    case STF_K_FLOAT: {
        char hex[17];
        for (int b = 0; b < 8; b++) snprintf(hex + 2 * b, 3, "%02x", (unsigned)(k->as.u >> (8 * b)) & 0xFF);
        EXPECT(jstr_is(jget(j, "bits"), hex, 16), "constant #%u: float bits %s", i, hex);
        break;
    }
    case STF_K_BOOL: EXPECT(jint_u(jget(j, "raw"), k->as.b), "constant #%u: bool raw %u", i, k->as.b); break;
    default: EXPECT(jstr_is(val, k->as.str.s, k->as.str.len), "constant #%u: string differs", i);
    }
    return true;
}

static bool diff_instr(const StfInstr *in, const Json *j, const char *fn, uint32_t i)
{
    EXPECT(jint_u(jget(j, "opcode"), in->op), "%s[%u]: opcode %u", fn, i, in->op);
    EXPECT(jint_u(jget(j, "offset"), in->file_offset), "%s[%u]: offset %u", fn, i, in->file_offset);
    const Json *a = jget(j, "args");
    switch (stf_op_format(in->op)) {
    case STF_FMT_R_OFF:
        EXPECT(jlen(a) == 2 && jint_u(a->v[0], in->a) && jint_i(a->v[1], in->off), "%s[%u]: LD", fn, i);
        break;
    case STF_FMT_R_K:
    case STF_FMT_RR:
    case STF_FMT_R_SLOT:
    case STF_FMT_SLOT_R:
        EXPECT(jlen(a) == 2 && jint_u(a->v[0], in->a) && jint_u(a->v[1], in->b), "%s[%u]: 2 operands", fn, i);
        break;
    case STF_FMT_RRR:
        EXPECT(jlen(a) == 3 && jint_u(a->v[0], in->a) && jint_u(a->v[1], in->b) && jint_u(a->v[2], in->c),
               "%s[%u]: 3 operands", fn, i);
        break;
    case STF_FMT_R: EXPECT(jlen(a) == 1 && jint_u(a->v[0], in->a), "%s[%u]: 1 operand", fn, i); break;
    case STF_FMT_LABEL:
    case STF_FMT_NAME: EXPECT(jlen(a) == 1 && jstr_is(a->v[0], in->name.s, in->name.len), "%s[%u]: name", fn, i); break;
    default: EXPECT(jlen(a) == 0, "%s[%u]: NOP operands", fn, i);
    }
    return true;
}

static bool diff_strs(const StfStr *v, uint32_t n, const Json *a, const char *what, const char *fn)
{
    EXPECT(jlen(a) == n, "%s: %s count %u", fn, what, n);
    for (uint32_t i = 0; i < n; i++) EXPECT(jstr_is(a->v[i], v[i].s, v[i].len), "%s: %s #%u", fn, what, i);
    return true;
}

static bool diff_function(const StfFunction *f, const Json *j, uint16_t version)
{
    const char *fn = f->name.s;
    EXPECT(jstr_is(jget(j, "name"), f->name.s, f->name.len), "function name %s", fn);
    EXPECT(jint_u(jget(j, "offset"), f->file_offset), "%s: record offset %u", fn, f->file_offset);
    EXPECT(jint_u(jget(j, "register_count"), f->register_count), "%s: register_count", fn);
    if (!diff_strs(f->params, f->param_count, jget(j, "parameters"), "parameters", fn)) return false;
    if (!diff_strs(f->upvalues, f->upvalue_count, jget(j, "upvalues"), "upvalues", fn)) return false;
    if (version >= STFL_V_FUNCTION_TYPES) {
        Buf b = { 0 };
        const Json *pt = jget(j, "parameter_types");
        bool ok = jlen(pt) == f->param_count;
        for (size_t i = 0; ok && i < f->param_count; i++) ok = jftype(pt->v[i], &b);
        ok = ok && b.len == f->param_types_len && (b.len == 0 || memcmp(b.d, f->param_types, b.len) == 0);
        b.len = 0;
        ok = ok && jftype(jget(j, "return_type"), &b) && b.len == f->ret_type_len &&
             memcmp(b.d, f->ret_type, b.len) == 0;
        free(b.d);
        EXPECT(ok, "%s: function types", fn);
    } else {
        EXPECT(!jget(j, "parameter_types") && !f->param_types && !f->ret_type, "%s: types before v5", fn);
    }
    const Json *par = jget(j, "parent");
    if (f->parent_flag == 1)
        EXPECT(jstr_is(par, f->parent.s, f->parent.len), "%s: parent", fn);
    else
        EXPECT(par && par->t == J_NULL, "%s: no parent", fn);
    const Json *labels = jget(j, "labels");
    EXPECT(jlen(labels) == f->label_count, "%s: label count", fn);
    for (uint32_t i = 0; i < f->label_count; i++) {
        const Json *l = labels->v[i];
        EXPECT(jlen(l) == 2 && jstr_is(l->v[0], f->labels[i].name.s, f->labels[i].name.len) &&
                   jint_u(l->v[1], f->labels[i].target),
               "%s: label #%u (file order)", fn, i);
    }
    const Json *ins = jget(j, "instructions");
    EXPECT(jlen(ins) == f->instr_count, "%s: instruction count %u", fn, f->instr_count);
    for (uint32_t i = 0; i < f->instr_count; i++)
        if (!diff_instr(&f->instrs[i], ins->v[i], fn, i)) return false;
    return true;
}

static bool diff_shares(const StfShareType *v, uint32_t n, const Json *a)
{
    EXPECT(jlen(a) == n, "share type count %u", n);
    for (uint32_t i = 0; i < n; i++) {
        const Json *t = jget(a->v[i], "t");
        if (v[i].tag == 1)
            EXPECT(jstr_is(t, "SecretFixedPoint", 16) && jint_u(jget(a->v[i], "total_bits"), v[i].bits) &&
                       jint_u(jget(a->v[i], "fractional_bits"), v[i].frac),
                   "fixed share #%u", i);
        else
            EXPECT(t && t->t == J_STR && strcmp(t->s, v[i].tag ? "SecretUInt" : "SecretInt") == 0 &&
                       jint_u(jget(a->v[i], "bit_length"), v[i].bits),
                   "share #%u", i);
    }
    return true;
}

static bool diff_program(const StfProgram *p, const Json *j, size_t size)
{
    EXPECT(jint_u(jget(j, "version"), p->version), "version %u", p->version);
    EXPECT(jint_u(jget(j, "size"), size), "size");
    const Json *cs = jget(j, "constants");
    EXPECT(jlen(cs) == p->const_count, "constant count %u", p->const_count);
    for (uint32_t i = 0; i < p->const_count; i++)
        if (!diff_const(&p->consts[i], cs->v[i], i)) return false;
    const Json *fs = jget(j, "functions");
    EXPECT(jlen(fs) == p->func_count, "function count %u", p->func_count);
    for (uint32_t i = 0; i < p->func_count; i++)
        if (!diff_function(&p->funcs[i], fs->v[i], p->version)) return false;
    const Json *m = jget(j, "manifest");
    if (p->version < STFL_V_MANIFEST) {
        EXPECT(m == NULL, "manifest before v2");
        return true;
    }
    const StfManifest *pm = &p->manifest;
    EXPECT(m != NULL, "manifest missing");
    if (p->version >= STFL_V_MPC_BACKEND) EXPECT(jint_u(jget(m, "mpc_backend"), pm->backend), "backend");
    if (p->version >= STFL_V_MPC_CURVE) EXPECT(jint_u(jget(m, "mpc_curve"), pm->curve), "curve");
    const Json *cl = jget(m, "clients");
    EXPECT(jlen(cl) == pm->client_count, "client count %u", pm->client_count);
    for (uint32_t i = 0; i < pm->client_count; i++) {
        const StfClientSchema *c = &pm->clients[i];
        EXPECT(jint_u(jget(cl->v[i], "client_slot"), c->slot), "client #%u slot", i);
        if (!diff_shares(c->inputs, c->input_count, jget(cl->v[i], "inputs"))) return false;
        if (!diff_shares(c->outputs, c->output_count, jget(cl->v[i], "outputs"))) return false;
    }
    if (p->version >= STFL_V_PREPROCESSING) {
        const Json *d = jget(m, "preprocessing_demand");
        EXPECT(jint_u(jget(d, "triples"), pm->triples) && jint_u(jget(d, "randoms"), pm->randoms) &&
                   jint_u(jget(d, "prandbits"), pm->prandbits) && jint_u(jget(d, "prandints"), pm->prandints) &&
                   jint_u(jget(d, "dynamic"), pm->dynamic),
               "preprocessing demand");
    }
    return true;
}

/* One stfl_dump.py run for the whole corpus: it prints one JSON document
 * per file, in argument order.  out[i] is NULL where parsing failed. */
static void python_json_all(Json **out)
{
    Buf cmd = { 0 };
    char head[600];
    snprintf(head, sizeof head, "python3 '%s/stfl_dump.py' --json", shared_dir());
    b_put(&cmd, head, strlen(head));
    for (int i = 0; i < n_samples; i++) {
        b_put(&cmd, " '", 2);
        b_put(&cmd, samples[i].path, strlen(samples[i].path));
        b_put(&cmd, "'", 1);
    }
    b_u8(&cmd, 0);
    for (int i = 0; i < n_samples; i++) out[i] = NULL;
    FILE *f = popen((const char *)cmd.d, "r");
    free(cmd.d);
    if (!f) return;
    Buf b = { 0 };
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) b_put(&b, tmp, n);
    int rc = pclose(f);
    JP p = { (const char *)b.d, (const char *)b.d + b.len };
    for (int i = 0; rc == 0 && b.len && i < n_samples; i++)
        if (!(out[i] = jvalue(&p, 0))) break;
    free(b.d);
}

TEST(model_matches_python_decoder)
{
    Json *js[MAX_SAMPLES];
    python_json_all(js);
    for (int i = 0; i < n_samples; i++) {
        Json *j = js[i];
        CHECK_MSG(j != NULL, "%s: no JSON from stfl_dump.py", samples[i].name);
        StfProgram p;
        StflError err;
        int rc = stfl_read(samples[i].data.d, samples[i].data.len, &p, &err);
        CHECK_MSG(rc == 0, "%s: %s", samples[i].name, err.message);
        if (j && rc == 0) {
            unsigned long before = fields_compared;
            diff[0] = 0;
            bool same = diff_program(&p, j, samples[i].data.len);
            CHECK_MSG(same, "%s: %s", samples[i].name, diff);
            /* make sure the comparison actually looked at something */
            CHECK_MSG(fields_compared - before > 20, "%s: only %lu fields compared", samples[i].name,
                      fields_compared - before);
        }
        if (rc == 0) stf_program_free(&p);
        jfree(j);
    }
}

/* ---- damaged inputs ------------------------------------------------------- */

/* Every strict prefix must fail with a truncation error: the reader consumes
 * the whole file, so a prefix runs out of bytes on the same path. */
TEST(every_truncation_is_a_clean_error)
{
    for (int i = 0; i < n_samples; i++) {
        const Buf *d = &samples[i].data;
        size_t bad = SIZE_MAX;
        char why[300] = "";
        for (size_t n = 0; n < d->len && bad == SIZE_MAX; n++) {
            /* a fresh copy of exactly n bytes so ASan catches any over-read */
            uint8_t *cut = malloc(n ? n : 1);
            memcpy(cut, d->d, n);
            StfProgram p;
            StflError err;
            int rc = stfl_read(cut, n, &p, &err);
            if (rc == 0) {
                bad = n;
                snprintf(why, sizeof why, "prefix parsed");
                stf_program_free(&p);
            } else if (strncmp(err.message, "truncated file", 14) != 0 || err.offset > n) {
                bad = n;
                snprintf(why, sizeof why, "%s (offset %" PRIu64 ")", err.message, err.offset);
            }
            free(cut);
        }
        CHECK_MSG(bad == SIZE_MAX, "%s: length %zu: %s", samples[i].name, bad, why);
    }
}

/* Each byte xor 0xFF and +1: either an error with a message and an offset
 * inside the file, or a program that writes back to exactly those bytes. */
TEST(every_byte_flip_is_an_error_or_roundtrips)
{
    for (int i = 0; i < n_samples; i++) {
        const Buf *d = &samples[i].data;
        uint8_t *m = malloc(d->len);
        unsigned long accepted = 0, rejected = 0, bad = 0;
        char why[700] = "";
        for (size_t pos = 0; pos < d->len; pos++) {
            for (int kind = 0; kind < 2; kind++) {
                memcpy(m, d->d, d->len);
                m[pos] = kind ? (uint8_t)(m[pos] + 1) : (uint8_t)(m[pos] ^ 0xFF);
                StfProgram p;
                StflError err;
                if (stfl_read(m, d->len, &p, &err) == 0) {
                    stf_program_free(&p);
                    char w[300];
                    if (!roundtrip(m, d->len, NULL, w, sizeof w)) {
                        if (!bad++) snprintf(why, sizeof why, "byte %zu: %s", pos, w);
                    }
                    accepted++;
                } else {
                    if ((err.message[0] == 0 || err.offset > d->len) && !bad++)
                        snprintf(why, sizeof why, "byte %zu: bad error '%s' @%" PRIu64, pos, err.message, err.offset);
                    rejected++;
                }
            }
        }
        free(m);
        CHECK_MSG(bad == 0, "%s: %lu bad outcomes, first: %s", samples[i].name, bad, why);
        CHECK_MSG(accepted > 0 && rejected > 0, "%s: %lu accepted, %lu rejected", samples[i].name, accepted, rejected);
    }
}

static void expect_error(const Buf *b, const char *needle, uint64_t offset, const char *label)
{
    StfProgram p;
    StflError err;
    int rc = stfl_read(b->d, b->len, &p, &err);
    CHECK_MSG(rc == -1, "%s: accepted", label);
    if (rc == 0) {
        stf_program_free(&p);
        return;
    }
    CHECK_MSG(strstr(err.message, needle) != NULL, "%s: message '%s' lacks '%s'", label, err.message, needle);
    CHECK_MSG(err.offset == offset, "%s: offset %" PRIu64 ", want %" PRIu64 " (%s)", label, err.offset, offset,
              err.message);
    CHECK(p.consts == NULL && p.funcs == NULL && p.const_count == 0 && p.func_count == 0);
}

static void expect_roundtrip(const Buf *b, const char *label)
{
    char why[300];
    CHECK_MSG(roundtrip(b->d, b->len, NULL, why, sizeof why), "%s: %s", label, why);
}

/* Counts of ~4 billion (and counts under the limits that the bytes cannot
 * hold) are refused before any allocation: the message proves which check
 * fired, and the check precedes the calloc in the reader. */
TEST(huge_counts_rejected_without_allocation)
{
    Buf b = { 0 };
    b_header(&b, 1);
    b_u32(&b, 0xFFFFFFFFu);
    expect_error(&b, "too many constants: 4294967295 at offset 6", 6, "4G constants");
    b.len = 0;
    b_header(&b, 1);
    b_u32(&b, 999999);
    expect_error(&b, "truncated file: 999999 constants declared at offset 6", 6, "1M constants");

    b.len = 0;
    b_header(&b, 1);
    b_u32(&b, 0);
    b_u32(&b, 0xFFFFFFFFu);
    expect_error(&b, "too many functions", 10, "4G functions");
    b.len = 0;
    b_header(&b, 9);
    b_u32(&b, 0);
    b_u32(&b, 1000);
    b_put(&b, "0123456789", 10);
    expect_error(&b, "1000 functions declared", 10, "1000 functions in 10 bytes");

    b.len = 0;
    b_header(&b, 1);
    b_u32(&b, 0);
    b_u32(&b, 1);
    b_func_head(&b, "main", 1);
    b_u16(&b, 0);
    b_u16(&b, 0);
    b_u8(&b, 0);
    b_u16(&b, 0);
    size_t at = b.len;
    b_u32(&b, 0xFFFFFFFFu);
    expect_error(&b, "too many instructions: 4294967295", at, "4G instructions");
    b.len = at;
    b_u32(&b, 7999999);
    b_u8(&b, STF_OP_NOP);
    expect_error(&b, "7999999 instructions declared", at, "8M instructions");
    expect_error(&b, "(function 'main')", at, "instruction count context");

    b.len = 0;
    b_header(&b, 1);
    b_u32(&b, 0);
    b_u32(&b, 1);
    b_func_head(&b, "f", 1);
    at = b.len;
    b_u16(&b, 0xFFFF);
    b_put(&b, "0123456789abcdef", 16); /* enough for the record's fixed part */
    expect_error(&b, "65535 parameters declared", at, "64K params");
    b.len = at;
    b_u16(&b, 0);
    b_u16(&b, 0);
    b_u8(&b, 0);
    b_u16(&b, 0xFFFF);
    b_put(&b, "0123456789abcdef", 16);
    expect_error(&b, "65535 labels declared", at + 5, "64K labels");

    b.len = 0;
    b_header(&b, 2);
    b_u32(&b, 0);
    b_u32(&b, 0);
    b_u32(&b, 0xFFFFFFFFu);
    expect_error(&b, "too many client schemas", 14, "4G clients");
    b.len = 0;
    b_header(&b, 2);
    b_u32(&b, 0);
    b_u32(&b, 0);
    b_u32(&b, 1);
    b_le(&b, 0, 8);
    b_u32(&b, 0xFFFFFFFFu);
    b_u32(&b, 0);
    expect_error(&b, "4294967295 client inputs declared", 26, "4G share types");

    b.len = 0;
    b_header(&b, 1);
    b_u32(&b, 1);
    b_u8(&b, STF_K_STRING);
    b_u32(&b, 0xFFFFFFFFu);
    expect_error(&b, "string constant at offset 11 is too long: 4294967295 bytes", 11, "4 GiB string");
    b.len = 0;
    b_header(&b, 1);
    b_u32(&b, 1);
    b_u8(&b, STF_K_STRING);
    b_u32(&b, 1000000);
    expect_error(&b, "truncated file: expected 1000000 bytes for string constant at offset 15, 0 left (constant #0)",
                 15, "1 MB string");
    free(b.d);
}

TEST(header_rules)
{
    Buf b = { 0 };
    expect_error(&b, "truncated file: expected 4 bytes for magic at offset 0", 0, "empty");
    b_put(&b, "STFX", 4);
    b_u16(&b, 1);
    expect_error(&b, "invalid magic", 0, "magic");
    b.len = 0;
    b_header(&b, 10);
    b_u32(&b, 0);
    b_u32(&b, 0);
    expect_error(&b, "unsupported format version 10", 4, "v10");
    b.len = 0;
    b_header(&b, 1);
    expect_error(&b, "truncated file: expected 4 bytes for constant count at offset 6", 6, "no count");

    /* version 0 reads with the v1 layout, keeps 0 and writes back as is */
    const Sample *s = find_sample("legacy_avss_keygen.stflb");
    CHECK(s != NULL);
    if (s) {
        Buf v0 = { 0 };
        b_put(&v0, s->data.d, s->data.len);
        v0.d[4] = 0;
        StfProgram p;
        StflError err;
        CHECK(stfl_read(v0.d, v0.len, &p, &err) == 0);
        CHECK(p.version == 0 && p.func_count == 1 && p.funcs[0].instr_count == 7);
        stf_program_free(&p);
        expect_roundtrip(&v0, "version 0");
        /* trailing bytes are an error naming their offset */
        b_u8(&v0, 0);
        expect_error(&v0, "trailing data: 1 unexpected byte after the end of the program at offset 113", 113,
                     "trailing");
        free(v0.d);
    }
    free(b.d);
}

TEST(instruction_errors_name_function_and_index)
{
    const Sample *s = find_sample("legacy_avss_keygen.stflb");
    CHECK(s != NULL);
    if (!s) return;
    Buf b = { 0 };
    b_put(&b, s->data.d, s->data.len);
    b.d[0x50] = 0x1a; /* instruction 4 (PUSHARG r2) */
    expect_error(&b, "unknown opcode 0x1a at offset 80 (function 'main', instruction 4)", 80, "opcode");
    b.d[0x50] = 0x13;
    b.len = 0x50 + 3; /* cut inside PUSHARG's operand */
    expect_error(&b,
                 "truncated file: expected 4 bytes for PUSHARG operands at offset 81, 2 left "
                 "(function 'main', instruction 4)",
                 81, "operand");
    b.len = 0;
    b_put(&b, s->data.d, s->data.len);
    b.d[0x0a] = 12; /* constant tag */
    expect_error(&b, "unknown constant tag 12 at offset 10 (constant #0)", 10, "const tag");
    free(b.d);

    /* the reader keeps duplicate records in file order */
    s = find_sample("matrix_average_fixed_point.stflb");
    CHECK(s != NULL);
    if (s) {
        StfProgram p;
        StflError err;
        CHECK(stfl_read(s->data.d, s->data.len, &p, &err) == 0);
        CHECK(p.func_count == 3 && strcmp(p.funcs[0].name.s, "main") == 0 && strcmp(p.funcs[2].name.s, "main") == 0 &&
              stf_function_equal(&p.funcs[0], &p.funcs[2]));
        CHECK(p.funcs[0].file_offset < p.funcs[1].file_offset && p.funcs[1].file_offset < p.funcs[2].file_offset);
        stf_program_free(&p);
    }
}

/* One v1 program: constants given raw, one function with name `fname`,
 * parent flag `parent`, instructions `code` (count n). */
static void make_v1(Buf *b, uint16_t version, const void *consts, size_t clen, uint32_t ccount, const char *fname,
                    size_t fnlen, uint8_t parent, const void *code, size_t codelen, uint32_t n)
{
    b->len = 0;
    b_header(b, version);
    b_u32(b, ccount);
    b_put(b, consts, clen);
    b_u32(b, 1);
    b_u16(b, (uint16_t)fnlen);
    b_put(b, fname, fnlen);
    b_u16(b, 1);
    b_u16(b, 0);
    b_u16(b, 0);
    b_u8(b, parent);
    if (parent == 1) b_str16(b, "outer");
    b_u16(b, 0);
    b_u32(b, n);
    b_put(b, code, codelen);
    if (version >= 3) b_u8(b, 0);  /* backend */
    if (version >= 2) b_u32(b, 0); /* no client schemas */
}

TEST(strings_and_raw_values)
{
    Buf b = { 0 };
    static const uint8_t nul_str[] = { STF_K_STRING, 3, 0, 0, 0, 'a', 0, 'b' };
    make_v1(&b, 1, nul_str, sizeof nul_str, 1, "main", 4, 0, NULL, 0, 0);
    expect_roundtrip(&b, "NUL in string constant");
    StfProgram p;
    StflError err;
    CHECK(stfl_read(b.d, b.len, &p, &err) == 0 && p.consts[0].as.str.len == 3 &&
          memcmp(p.consts[0].as.str.s, "a\0b", 3) == 0);
    stf_program_free(&p);

    static const uint8_t bad_utf8[] = { STF_K_STRING, 2, 0, 0, 0, 0xC0, 0x80 }; /* overlong NUL */
    make_v1(&b, 1, bad_utf8, sizeof bad_utf8, 1, "main", 4, 0, NULL, 0, 0);
    expect_error(&b, "invalid UTF-8 in string constant at offset 15 (constant #0)", 15, "overlong");
    static const uint8_t surrogate[] = { STF_K_STRING, 3, 0, 0, 0, 0xED, 0xA0, 0x80 };
    make_v1(&b, 1, surrogate, sizeof surrogate, 1, "main", 4, 0, NULL, 0, 0);
    expect_error(&b, "invalid UTF-8", 15, "surrogate");
    make_v1(&b, 1, NULL, 0, 0, "ma\xffn", 4, 0, NULL, 0, 0);
    expect_error(&b, "invalid UTF-8 in function name at offset 18", 18, "name utf8");
    make_v1(&b, 1, NULL, 0, 0, "ma\0n", 4, 0, NULL, 0, 0);
    expect_error(&b, "NUL byte in function name at offset 18", 18, "name NUL");
    make_v1(&b, 1, NULL, 0, 0, "h\xc3\xa9llo\xf0\x9f\x98\x80", 10, 0, NULL, 0, 0);
    expect_roundtrip(&b, "non-ASCII name");

    /* Bool raw byte, Float NaN payload and -0.0, extreme ints kept exactly */
    static const uint8_t raw[] = { STF_K_BOOL, 0x7F, STF_K_FLOAT, 1,    0,         0,    0,    0,    0,
                                   0xF8,       0x7F, STF_K_FLOAT, 0,    0,         0,    0,    0,    0,
                                   0,          0x80, STF_K_I8,    0x80, STF_K_I64, 0,    0,    0,    0,
                                   0,          0,    0,           0x80, STF_K_U64, 0xFF, 0xFF, 0xFF, 0xFF,
                                   0xFF,       0xFF, 0xFF,        0xFF, STF_K_UNIT };
    make_v1(&b, 1, raw, sizeof raw, 7, "main", 4, 0, NULL, 0, 0);
    expect_roundtrip(&b, "raw constants");
    CHECK(stfl_read(b.d, b.len, &p, &err) == 0);
    CHECK(p.consts[0].as.b == 0x7F && p.consts[1].as.u == 0x7FF8000000000001ull &&
          p.consts[2].as.u == 0x8000000000000000ull && p.consts[3].as.i == -128 && p.consts[4].as.i == INT64_MIN &&
          p.consts[5].as.u == UINT64_MAX);
    stf_program_free(&p);
    free(b.d);
}

TEST(parent_flag_by_version)
{
    Buf b = { 0 };
    make_v1(&b, 1, NULL, 0, 0, "f", 1, 2, NULL, 0, 0);
    expect_roundtrip(&b, "v1 parent flag 2");
    StfProgram p;
    StflError err;
    CHECK(stfl_read(b.d, b.len, &p, &err) == 0 && p.funcs[0].parent_flag == 2 && !p.funcs[0].parent.s);
    stf_program_free(&p);
    make_v1(&b, 1, NULL, 0, 0, "f", 1, 1, NULL, 0, 0);
    expect_roundtrip(&b, "v1 parent present");
    make_v1(&b, 3, NULL, 0, 0, "f", 1, 2, NULL, 0, 0);
    expect_error(&b, "invalid parent flag 2 at offset 23 (expected 0 or 1) (function 'f')", 23, "v3 flag 2");
    make_v1(&b, 3, NULL, 0, 0, "f", 1, 1, NULL, 0, 0);
    expect_roundtrip(&b, "v3 parent present");
    free(b.d);
}

/* A v5 file whose one function "f" has one parameter of type `pt` and
 * return type `rt` (raw bytes). */
static void make_typed(Buf *b, const void *pt, size_t ptlen, const void *rt, size_t rtlen)
{
    b->len = 0;
    b_header(b, 5);
    b_u32(b, 0);
    b_u32(b, 1);
    b_func_head(b, "f", 1);
    b_u16(b, 1);
    b_str16(b, "a");
    b_u16(b, 1);
    b_put(b, pt, ptlen);
    b_put(b, rt, rtlen);
    b_u16(b, 0);
    b_u8(b, 0);
    b_u16(b, 0);
    b_u32(b, 0);
    b_u8(b, 0);
    b_u8(b, 0);
    b_u32(b, 0);
}

TEST(function_types)
{
    Buf b = { 0 };
    static const uint8_t gen[] = { 10, 4, 0, 'P', 'a', 'i', 'r', 2, 0, 0, 1, 64, 8, 9, 1, 0, 'X', 14, 64 };
    make_typed(&b, gen, sizeof gen, "\x0d", 1);
    expect_roundtrip(&b, "generic/dict/object/fix");
    StfProgram p;
    StflError err;
    CHECK(stfl_read(b.d, b.len, &p, &err) == 0 && p.funcs[0].param_types_len == sizeof gen &&
          memcmp(p.funcs[0].param_types, gen, sizeof gen) == 0 && p.funcs[0].ret_type_len == 1);
    stf_program_free(&p);

    /* header 6 + counts 8 + name 3 + regs 2 + params 2+3 + type count 2 = 26 */
    make_typed(&b, "\x00\x01\x00", 3, "\x0c", 1);
    expect_error(&b, "integer function type with zero bits in parameter types at offset 26", 26, "int0");
    make_typed(&b, "\x0e\x00", 2, "\x0c", 1);
    expect_error(&b, "fixed-point function type with zero bits", 26, "fix0");
    make_typed(&b, "\x0f", 1, "\x0c", 1);
    expect_error(&b, "unknown function type tag 15 in parameter types at offset 26", 26, "tag 15");
    make_typed(&b, "\x01", 1, "\x63", 1);
    expect_error(&b, "unknown function type tag 99 in return type at offset 27", 27, "ret tag");

    uint8_t deep[80];
    memset(deep, 6, sizeof deep); /* Secret(Secret(...(Unknown))) */
    deep[60] = 12;
    make_typed(&b, deep, 61, "\x05", 1);
    expect_roundtrip(&b, "60 levels");
    deep[60] = 6;
    deep[70] = 12;
    make_typed(&b, deep, 71, "\x05", 1);
    expect_error(&b, "nested too deeply", 26 + 65, "70 levels");

    /* parameter type count must equal the parameter count */
    make_typed(&b, "\x01", 1, "\x0c", 1);
    b.d[24] = 2;
    expect_error(&b, "parameter type count 2 at offset 24 does not match the parameter count 1", 24, "type count");
    free(b.d);
}

static void make_manifest(Buf *b, uint8_t backend, uint8_t curve, const void *clients, size_t clen, uint32_t nclients)
{
    b->len = 0;
    b_header(b, 9);
    b_u32(b, 0);
    b_u32(b, 0);
    b_u8(b, backend);
    b_u8(b, curve);
    b_u32(b, nclients);
    b_put(b, clients, clen);
    for (int i = 0; i < 4; i++) b_le(b, (uint64_t)i * 0x0102030405060708ull, 8);
    b_u8(b, 3); /* raw "dynamic" byte, non-zero = true */
}

TEST(manifest_rules)
{
    Buf b = { 0 };
    static const uint8_t one[] = { 5, 0, 0,  0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 64, 0,
                                   0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 2, 8, 0, 0,  0 };
    make_manifest(&b, 1, 5, one, sizeof one, 1);
    expect_roundtrip(&b, "manifest");
    make_manifest(&b, 2, 0, NULL, 0, 0);
    expect_error(&b, "unknown MPC backend 2 at offset 14", 14, "backend");
    make_manifest(&b, 0, 6, NULL, 0, 0);
    expect_error(&b, "unknown MPC curve 6 at offset 15", 15, "curve");
    uint8_t bad[sizeof one];
    memcpy(bad, one, sizeof one);
    bad[17] = 64; /* frac == total */
    make_manifest(&b, 0, 0, bad, sizeof bad, 1);
    expect_error(&b, "64 fractional bits, not fewer than its 64 total bits", 32, "frac");
    memcpy(bad, one, sizeof one);
    bad[26] = 0; /* SecretUInt(0) */
    make_manifest(&b, 0, 0, bad, sizeof bad, 1);
    expect_error(&b, "share type with zero bit length at offset 45", 45, "bits 0");
    bad[25] = 3;
    make_manifest(&b, 0, 0, bad, sizeof bad, 1);
    expect_error(&b, "unknown share type tag 3 at offset 45", 45, "share tag");
    free(b.d);
}

static void expect_write_error(const StfProgram *p, const char *needle, const char *label)
{
    uint8_t *o = NULL;
    size_t on = 0;
    StflError err;
    int rc = stfl_write(p, &o, &on, &err);
    CHECK_MSG(rc == -1 && o == NULL, "%s: written", label);
    CHECK_MSG(strstr(err.message, needle) != NULL, "%s: message '%s' lacks '%s'", label, err.message, needle);
    free(o);
}

TEST(writer_refuses_what_does_not_fit)
{
    const Sample *s = find_sample("kitchen_v9.stflb");
    CHECK(s != NULL);
    if (!s) return;
    StfProgram p;
    StflError err;
    CHECK(stfl_read(s->data.d, s->data.len, &p, &err) == 0);
    p.version = 10;
    expect_write_error(&p, "unsupported format version 10", "v10");
    p.version = 9;

    StfConst saved = p.consts[4]; /* I8 -2 */
    p.consts[4].as.i = 200;
    expect_write_error(&p, "constant #4: value 200 does not fit in 1 bytes", "I8 200");
    p.consts[4] = saved;
    saved = p.consts[6]; /* U16 60000 */
    p.consts[6].as.u = 70000;
    expect_write_error(&p, "constant #6: value 70000 does not fit in 2 bytes", "U16 70000");
    p.consts[6] = saved;
    p.consts[0].tag = 12;
    expect_write_error(&p, "unknown constant tag 12", "tag 12");
    p.consts[0].tag = STF_K_UNIT;

    StfFunction *k = &p.funcs[1];
    CHECK(k->instrs[0].op == STF_OP_NOP && k->instrs[15].op == STF_OP_JMP);
    k->instrs[0].op = 0x1a;
    expect_write_error(&p, "unknown opcode 0x1a (function #1 'kitchen', instruction 0)", "opcode");
    k->instrs[0].op = STF_OP_NOP;
    StfStr name = k->instrs[15].name;
    char *big = malloc(70000);
    memset(big, 'x', 70000);
    k->instrs[15].name = (StfStr){ big, 70000 };
    expect_write_error(&p, "jump label is too long: 70000 bytes (limit 65535)", "label 70000");
    k->instrs[15].name = (StfStr){ big, 3 };
    big[1] = 0;
    expect_write_error(&p, "jump label contains a NUL byte", "label NUL");
    big[1] = (char)0xFF;
    expect_write_error(&p, "jump label is not valid UTF-8", "label utf8");
    free(big);
    k->instrs[15].name = name;

    k->parent_flag = 2;
    expect_write_error(&p, "parent flag 2 is not 0 or 1", "parent flag");
    k->parent_flag = 1;
    uint8_t t0 = k->param_types[0];
    k->param_types[0] = 0x0f;
    expect_write_error(&p, "parameter types: unknown function type tag", "ftype");
    k->param_types[0] = t0;
    k->param_types_len--;
    expect_write_error(&p, "parameter types", "ftype length");
    k->param_types_len++;
    p.manifest.curve = 6;
    expect_write_error(&p, "unknown MPC curve 6", "curve");
    p.manifest.curve = 5;
    p.manifest.clients[0].inputs[2].frac = 64;
    expect_write_error(&p, "64 fractional bits not fewer than 64 total bits", "frac");
    p.manifest.clients[0].inputs[2].frac = 16;

    /* and after restoring everything it is the vector again */
    uint8_t *o = NULL;
    size_t on = 0;
    CHECK(stfl_write(&p, &o, &on, &err) == 0 && on == s->data.len && memcmp(o, s->data.d, on) == 0);
    free(o);
    stf_program_free(&p);
}

/* The corpus tests need ../shared (upstream's fixtures and stfl_dump.py);
 * on a bare clone they are reported as skipped. */
static bool corpus_present(void)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/fixtures/stoffel-vm", shared_dir());
    return access(dir, R_OK) == 0;
}

#define RUN_CORPUS(name)                                                                      \
    do {                                                                                      \
        if (corpus_present())                                                                 \
            RUN(name);                                                                        \
        else {                                                                                \
            unit_current = #name;                                                             \
            UNIT_SKIP("%s/fixtures/stoffel-vm is absent (set STOFFEL_SHARED)", shared_dir()); \
        }                                                                                     \
    } while (0)

int main(void)
{
    RUN_CORPUS(corpus_loaded);
    RUN_CORPUS(every_sample_roundtrips);
    RUN_CORPUS(writer_version_gates_match_vectors);
    RUN_CORPUS(writer_from_scratch_matches_mul_clear);
    RUN_CORPUS(model_matches_python_decoder);
    RUN_CORPUS(every_truncation_is_a_clean_error);
    RUN_CORPUS(every_byte_flip_is_an_error_or_roundtrips);
    RUN(huge_counts_rejected_without_allocation);
    RUN_CORPUS(header_rules);
    RUN_CORPUS(instruction_errors_name_function_and_index);
    RUN(strings_and_raw_values);
    RUN(parent_flag_by_version);
    RUN(function_types);
    RUN(manifest_rules);
    RUN_CORPUS(writer_refuses_what_does_not_fit);
    remove_vectors();
    return unit_report();
}
