/* heap.c: object allocation, tables, arrays and the mark-sweep collector. */
#include "heap.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

static void *default_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    (void)ud;
    (void)old_size;
    if (new_size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, new_size);
}

void heap_init(Heap *h, StAllocFn alloc, void *ud)
{
    memset(h, 0, sizeof *h);
    h->alloc = alloc ? alloc : default_alloc;
    h->alloc_ud = ud;
    h->next_gc = HEAP_GC_MIN_THRESHOLD;
    h->next_id = 1;
    h->next_foreign_id = 1;
}

void heap_set_limit(Heap *h, size_t limit)
{
    h->limit = limit;
    h->next_gc = h->bytes * 2 > HEAP_GC_MIN_THRESHOLD ? h->bytes * 2 : HEAP_GC_MIN_THRESHOLD;
    /* Under a cap, collect while half the headroom is still free, so that
     * garbage alone never makes an allocation fail. */
    if (limit && h->bytes < limit && h->next_gc > h->bytes + (limit - h->bytes) / 2)
        h->next_gc = h->bytes + (limit - h->bytes) / 2;
}

bool heap_charge(Heap *h, size_t old_size, size_t new_size)
{
    if (new_size > old_size && h->limit && h->bytes + (new_size - old_size) > h->limit) return false;
    h->bytes = h->bytes - old_size + new_size;
    return true;
}

void *heap_realloc(Heap *h, void *ptr, size_t old_size, size_t new_size)
{
    if (new_size > old_size && h->limit && h->bytes + (new_size - old_size) > h->limit) return NULL;
    void *p = h->alloc(h->alloc_ud, ptr, old_size, new_size);
    if (new_size && !p) return NULL;
    h->bytes = h->bytes - old_size + new_size;
    return p;
}

/* ---- small-object pool ---------------------------------------------------------- */

typedef struct HeapChunk {
    struct HeapChunk *next;
    size_t size;
} HeapChunk;

static size_t size_class(size_t size) { return (size + 15) / 16 - 1; }

/* Memory for a small object; accounted in h->bytes like any allocation, so
 * the collector's pacing and the heap cap see live objects. */
static void *pool_alloc(Heap *h, size_t size)
{
    size_t cls = size_class(size), rounded = (cls + 1) * 16;
    if (h->limit && h->bytes + rounded > h->limit) return NULL;
    void *p = h->free_lists[cls];
    if (p) {
        h->free_lists[cls] = *(void **)p;
    } else {
        if ((size_t)(h->bump_end - h->bump) < rounded) {
            HeapChunk *c = h->alloc(h->alloc_ud, NULL, 0, HEAP_CHUNK_BYTES);
            if (!c) return NULL;
            c->next = h->chunks;
            c->size = HEAP_CHUNK_BYTES;
            h->chunks = c;
            /* 16-byte alignment after the header */
            h->bump = (char *)c + ((sizeof *c + 15) & ~(size_t)15);
            h->bump_end = (char *)c + HEAP_CHUNK_BYTES;
        }
        p = h->bump;
        h->bump += rounded;
    }
    h->bytes += rounded;
    return p;
}

static void pool_free(Heap *h, void *p, size_t size)
{
    size_t cls = size_class(size);
    *(void **)p = h->free_lists[cls];
    h->free_lists[cls] = p;
    h->bytes -= (cls + 1) * 16;
}

/* Under AddressSanitizer every object gets its own allocation, so a
 * collector bug shows up as a use-after-free instead of a reused slot. */
#if defined(__SANITIZE_ADDRESS__)
#define POOLED(size) false
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOLED(size) false
#endif
#endif
#ifndef POOLED
#define POOLED(size) ((size) <= HEAP_SMALL_MAX)
#endif

/* Zeroes the first `zeroed` bytes only: a string's characters are written
 * by its constructor, and clearing them first costs a second pass over
 * every byte of large strings. */
static void *new_object_zeroed(Heap *h, GcKind kind, size_t size, size_t zeroed)
{
    if (size > UINT32_MAX) return NULL;
    GcObject *o = POOLED(size) ? pool_alloc(h, size) : heap_realloc(h, NULL, 0, size);
    if (!o) return NULL;
    memset(o, 0, zeroed);
    o->kind = (uint8_t)kind;
    o->size = (uint32_t)size;
    o->next = h->objects;
    h->objects = o;
    return o;
}

static void *new_object(Heap *h, GcKind kind, size_t size) { return new_object_zeroed(h, kind, size, size); }

/* ---- strings ---------------------------------------------------------------- */

StString *heap_new_string(Heap *h, const char *bytes, size_t len)
{
    if (len > UINT32_MAX - 1 - sizeof(StString)) return NULL;
    StString *s = new_object_zeroed(h, GC_STRING, sizeof(StString) + len + 1, sizeof(StString));
    if (!s) return NULL;
    s->len = (uint32_t)len;
    if (len) memcpy(s->chars, bytes, len);
    s->chars[len] = '\0';
    return s;
}

/* A new string a .. b with room for cap >= a->len + b->len chars (the
 * caller checked the sizes). */
static StString *concat_new(Heap *h, const StString *a, const StString *b, size_t cap)
{
    size_t len = (size_t)a->len + b->len;
    StString *s = new_object_zeroed(h, GC_STRING, sizeof(StString) + cap + 1, sizeof(StString));
    if (!s) return NULL;
    s->len = (uint32_t)len;
    memcpy(s->chars, a->chars, a->len);
    memcpy(s->chars + a->len, b->chars, b->len);
    s->chars[len] = '\0';
    h->concat_bytes += len;
    return s;
}

StString *heap_concat_strings(Heap *h, const StString *a, const StString *b)
{
    size_t len = (size_t)a->len + b->len;
    if (len > UINT32_MAX - 1 - sizeof(StString)) return NULL;
    return concat_new(h, a, b, len);
}

StString *heap_append_string(Heap *h, StString *a, const StString *b)
{
    const size_t max = UINT32_MAX - 1 - sizeof(StString);
    size_t len = (size_t)a->len + b->len;
    if (len > max) return NULL;
    if ((a->gc.flags & GC_STR_BUFFER) && len <= a->gc.size - sizeof(StString) - 1) {
        memcpy(a->chars + a->len, b->chars, b->len);
        a->len = (uint32_t)len;
        a->chars[len] = '\0';
        a->hash = 0;
        h->concat_bytes += b->len;
        return a;
    }
    size_t cap = len < 32 ? 32 : len > max / 2 ? max : len * 2;
    StString *s = concat_new(h, a, b, cap);
    if (s) s->gc.flags = GC_STR_BUFFER;
    return s;
}

uint32_t bytes_hash(const char *p, size_t len)
{
    uint32_t x = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) x = (x ^ (uint8_t)p[i]) * 16777619u;
    return x;
}

uint32_t string_hash(StString *s)
{
    if (s->hash) return s->hash;
    uint32_t x = bytes_hash(s->chars, s->len);
    s->hash = x ? x : 1;
    return s->hash;
}

/* ---- other objects ------------------------------------------------------------- */

StObject *heap_new_object(Heap *h)
{
    StObject *o = new_object(h, GC_OBJECT, sizeof(StObject));
    if (!o) return NULL;
    o->id = h->next_id++;
    table_init(&o->fields);
    return o;
}

ObjExt *heap_object_ext(Heap *h, StObject *o)
{
    if (o->ext) return o->ext;
    ObjExt *e = heap_realloc(h, NULL, 0, sizeof *e);
    if (!e) return NULL;
    e->proto = NULL;
    table_init(&e->props);
    e->magic = false;
    o->ext = e;
    return e;
}

StArray *heap_new_array(Heap *h, uint32_t capacity_hint)
{
    StArray *a = new_object(h, GC_ARRAY, sizeof(StArray));
    if (!a) return NULL;
    a->id = h->next_id++;
    a->packed = VT_I64;
    table_init(&a->extra);
    if (capacity_hint > 1024) capacity_hint = 1024; /* only a hint */
    if (capacity_hint) (void)array_reserve(h, a, capacity_hint);
    return a;
}

StForeign *heap_new_foreign(Heap *h, void *ptr, StFinalizer fin, void *fin_ud)
{
    StForeign *f = new_object(h, GC_FOREIGN, sizeof(StForeign));
    if (!f) return NULL;
    f->id = h->next_foreign_id++;
    f->ptr = ptr;
    f->finalizer = fin;
    f->finalizer_ud = fin_ud;
    return f;
}

StClosure *heap_new_closure(Heap *h, StString *fname, uint32_t upvalue_count)
{
    if (upvalue_count > (UINT32_MAX - sizeof(StClosure)) / sizeof(Upvalue)) return NULL;
    StClosure *c = new_object(h, GC_CLOSURE, sizeof(StClosure) + (size_t)upvalue_count * sizeof(Upvalue));
    if (!c) return NULL;
    c->fname = fname;
    c->func_index = -1;
    c->upvalue_count = upvalue_count;
    for (uint32_t i = 0; i < upvalue_count; i++) c->upvalues[i].value = val_unit();
    return c;
}

StShare *heap_new_share(Heap *h, uint8_t kind, uint32_t bits, uint32_t frac, const uint8_t *bytes, uint32_t len)
{
    if (len > UINT32_MAX - sizeof(StShare)) return NULL;
    StShare *s = new_object(h, GC_SHARE, sizeof(StShare) + len);
    if (!s) return NULL;
    s->share_kind = kind;
    s->bits = bits;
    s->frac = frac;
    s->bound = (uint16_t)(bits < 1024 ? bits : 1024); /* the type's range; callers that know better set it */
    s->len = len;
    if (len) memcpy(s->bytes, bytes, len);
    return s;
}

/* ---- tables ------------------------------------------------------------------- */

void table_init(Table *t) { memset(t, 0, sizeof *t); }

void table_free(Heap *h, Table *t)
{
    heap_realloc(h, t->entries, (size_t)t->cap * sizeof(TableEntry), 0);
    if (t->mask) heap_realloc(h, t->index, ((size_t)t->mask + 1) * sizeof(uint32_t), 0);
    table_init(t);
}

static int64_t table_find(const Table *t, Value key, uint64_t hash)
{
    if (!t->mask) return -1;
    for (uint32_t i = (uint32_t)hash & t->mask;; i = (i + 1) & t->mask) {
        uint32_t slot = t->index[i];
        if (slot == 0) return -1;
        const TableEntry *e = &t->entries[slot - 1];
        if (e->live && e->hash == hash && val_equal(e->key, key)) return i;
    }
}

bool table_get(const Table *t, Value key, Value *out)
{
    int64_t i = table_find(t, key, val_hash(key));
    if (i < 0) return false;
    *out = t->entries[t->index[i] - 1].value;
    return true;
}

int64_t table_entry_index(const Table *t, Value key)
{
    int64_t i = table_find(t, key, val_hash(key));
    return i < 0 ? -1 : (int64_t)t->index[i] - 1;
}

/* Rebuild entries (dropping deleted ones) and the index with room for `need`. */
static bool table_rebuild(Heap *h, Table *t, uint32_t need)
{
    uint32_t cap = 8;
    while (cap < need * 2) {
        if (cap > UINT32_MAX / 4) return false;
        cap *= 2;
    }
    uint32_t index_size = cap * 2;
    TableEntry *entries = heap_realloc(h, NULL, 0, (size_t)cap * sizeof(TableEntry));
    if (!entries) return false;
    uint32_t *index = heap_realloc(h, NULL, 0, (size_t)index_size * sizeof(uint32_t));
    if (!index) {
        heap_realloc(h, entries, (size_t)cap * sizeof(TableEntry), 0);
        return false;
    }
    memset(index, 0, (size_t)index_size * sizeof(uint32_t));
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->used; i++) {
        if (!t->entries[i].live) continue;
        entries[n] = t->entries[i];
        uint32_t j = (uint32_t)entries[n].hash & (index_size - 1);
        while (index[j]) j = (j + 1) & (index_size - 1);
        index[j] = n + 1;
        n++;
    }
    heap_realloc(h, t->entries, (size_t)t->cap * sizeof(TableEntry), 0);
    if (t->mask) heap_realloc(h, t->index, ((size_t)t->mask + 1) * sizeof(uint32_t), 0);
    t->entries = entries;
    t->index = index;
    t->cap = cap;
    t->mask = index_size - 1;
    t->used = n;
    t->count = n;
    return true;
}

bool table_set(Heap *h, Table *t, Value key, Value value)
{
    uint64_t hash = val_hash(key);
    int64_t i = table_find(t, key, hash);
    if (i >= 0) {
        t->entries[t->index[i] - 1].value = value;
        return true;
    }
    if (t->used >= t->cap) {
        if (t->count == UINT32_MAX / 4) return false;
        if (!table_rebuild(h, t, t->count + 1)) return false;
    }
    TableEntry *e = &t->entries[t->used];
    e->key = key;
    e->value = value;
    e->hash = hash;
    e->live = true;
    uint32_t j = (uint32_t)hash & t->mask;
    while (t->index[j]) j = (j + 1) & t->mask;
    t->index[j] = ++t->used;
    t->count++;
    return true;
}

bool table_delete(Table *t, Value key)
{
    int64_t i = table_find(t, key, val_hash(key));
    if (i < 0) return false;
    /* Keep the index slot (it points at a dead entry) so probe chains stay
     * intact; the next rebuild drops it. */
    TableEntry *e = &t->entries[t->index[i] - 1];
    e->live = false;
    e->key = val_unit();
    e->value = val_unit();
    t->count--;
    return true;
}

bool table_next(const Table *t, uint32_t *iter, const TableEntry **entry)
{
    while (*iter < t->used) {
        const TableEntry *e = &t->entries[(*iter)++];
        if (e->live) {
            *entry = e;
            return true;
        }
    }
    return false;
}

/* ---- arrays ------------------------------------------------------------------- */

bool array_reserve(Heap *h, StArray *a, uint32_t cap)
{
    if (cap <= a->cap) return true;
    if (cap > ARRAY_MAX_DENSE) return false;
    uint32_t ncap = a->cap ? a->cap : 4;
    while (ncap < cap) ncap = ncap > ARRAY_MAX_DENSE / 2 ? ARRAY_MAX_DENSE : ncap * 2;
    size_t es = array_elem_size(a);
    void *items = heap_realloc(h, a->items, (size_t)a->cap * es, (size_t)ncap * es);
    if (!items) return false;
    a->items = items;
    a->cap = ncap;
    return true;
}

bool array_unpack(Heap *h, StArray *a)
{
    if (!a->packed) return true;
    if (a->cap) {
        Value *items = heap_realloc(h, a->ints, (size_t)a->cap * sizeof(int64_t), (size_t)a->cap * sizeof(Value));
        if (!items) return false;
        /* In place from the top: Value i covers ints 2i and 2i+1, which
         * (for i > 0) were converted before it. */
        const int64_t *ints = (const int64_t *)items;
        for (uint32_t i = a->dlen; i-- > 0;) {
            int64_t x = ints[i];
            items[i] = val_int((ValueType)a->packed, x); /* a float's payload too */
        }
        a->items = items;
    }
    a->packed = VT_UNIT;
    return true;
}

/* Store v at dense index i (< cap), boxing a packed array for a value of
 * another type.  False when out of memory. */
static bool array_put(Heap *h, StArray *a, uint32_t i, Value v)
{
    if (a->packed) {
        if (array_packs(a, v)) {
            a->ints[i] = v.as.i;
            return true;
        }
        if (!array_unpack(h, a)) return false;
    }
    array_note(a, v);
    a->items[i] = v;
    return true;
}

/* Move positional keys now reachable densely out of the extra table. */
static bool array_absorb_sparse(Heap *h, StArray *a)
{
    Value v;
    while (a->dlen < a->cap && a->dlen < a->len && table_get(&a->extra, val_i64(a->dlen), &v)) {
        if (!array_put(h, a, a->dlen, v)) return false;
        table_delete(&a->extra, val_i64(a->dlen));
        a->dlen++;
    }
    return true;
}

bool array_set_index(Heap *h, StArray *a, int64_t index, Value v)
{
    if (index < 0 || index == INT64_MAX) return false; /* len = index + 1 must fit */
    if (index < a->dlen) return array_put(h, a, (uint32_t)index, v);
    if (index - (int64_t)a->dlen > ARRAY_SPARSE_GAP || index >= ARRAY_MAX_DENSE) {
        if (!table_set(h, &a->extra, val_i64(index), v)) return false;
        if (index >= a->len) a->len = index + 1;
        return true;
    }
    if (!array_reserve(h, a, (uint32_t)index + 1)) return false;
    /* holes read as Unit, which only the boxed form holds */
    if ((uint32_t)index > a->dlen && !array_unpack(h, a)) return false;
    if (!array_put(h, a, (uint32_t)index, v)) return false;
    for (uint32_t i = a->dlen; i < (uint32_t)index; i++) {
        Value hole;
        if (i < a->len && table_get(&a->extra, val_i64(i), &hole)) {
            table_delete(&a->extra, val_i64(i));
            array_note(a, hole);
            a->items[i] = hole;
        } else {
            a->items[i] = val_unit();
        }
    }
    a->dlen = (uint32_t)index + 1;
    if (index >= a->len)
        a->len = index + 1;
    else
        table_delete(&a->extra, val_i64(index));
    return array_absorb_sparse(h, a);
}

bool array_push(Heap *h, StArray *a, Value v)
{
    if (a->dlen == a->len && a->dlen < a->cap) { /* the common case */
        if (!array_put(h, a, a->dlen, v)) return false;
        a->dlen++;
        a->len++;
        return true;
    }
    return array_set_index(h, a, a->len, v);
}

Value array_get_index(const StArray *a, int64_t index)
{
    if (index >= 0 && index < a->dlen) return array_dense_get(a, (uint32_t)index);
    Value v;
    if (index >= 0 && index < a->len && table_get(&a->extra, val_i64(index), &v)) return v;
    return val_unit();
}

void array_clear(StArray *a)
{
    a->dlen = 0;
    a->len = 0;
    /* Drop every extra key but keep the table's memory. */
    for (uint32_t i = 0; i < a->extra.used; i++) a->extra.entries[i].live = false;
    a->extra.count = 0;
    a->extra.used = 0;
    if (a->extra.mask) memset(a->extra.index, 0, ((size_t)a->extra.mask + 1) * sizeof(uint32_t));
}

/* ---- collector ------------------------------------------------------------------ */

void heap_mark_object(Heap *h, GcObject *o)
{
    if (!o || o->marked) return;
    o->marked = 1;
    if (o->kind == GC_STRING || o->kind == GC_FOREIGN || o->kind == GC_SHARE) return;
    if (h->gray_len == h->gray_cap) {
        size_t ncap = h->gray_cap ? h->gray_cap * 2 : 256;
        /* The gray stack is collector bookkeeping: plain malloc, not
         * accounted, so a heap limit cannot stop a collection. */
        GcObject **g = realloc(h->gray, ncap * sizeof *g);
        if (!g) {
            h->gray_overflow = true;
            return;
        }
        h->gray = g;
        h->gray_cap = ncap;
    }
    h->gray[h->gray_len++] = o;
}

void heap_mark_value(Heap *h, Value v)
{
    if (val_is_heap(v)) heap_mark_object(h, v.as.gc);
}

static void mark_table(Heap *h, const Table *t)
{
    for (uint32_t i = 0; i < t->used; i++) {
        if (!t->entries[i].live) continue;
        heap_mark_value(h, t->entries[i].key);
        heap_mark_value(h, t->entries[i].value);
    }
}

static void blacken(Heap *h, GcObject *o)
{
    switch (o->kind) {
    case GC_OBJECT: {
        StObject *ob = (StObject *)o;
        mark_table(h, &ob->fields);
        if (ob->ext) {
            if (ob->ext->proto) heap_mark_object(h, &ob->ext->proto->gc);
            mark_table(h, &ob->ext->props);
        }
        break;
    }
    case GC_ARRAY: {
        StArray *a = (StArray *)o;
        if (a->refs && !a->packed) /* a packed array holds no references */
            for (uint32_t i = 0; i < a->dlen; i++) heap_mark_value(h, a->items[i]);
        mark_table(h, &a->extra);
        break;
    }
    case GC_CLOSURE: {
        StClosure *c = (StClosure *)o;
        heap_mark_object(h, &c->fname->gc);
        for (uint32_t i = 0; i < c->upvalue_count; i++) {
            heap_mark_object(h, &c->upvalues[i].name->gc);
            heap_mark_value(h, c->upvalues[i].value);
        }
        break;
    }
    default: break;
    }
}

static void drain_gray(Heap *h)
{
    while (h->gray_len) blacken(h, h->gray[--h->gray_len]);
}

static void free_object(Heap *h, GcObject *o)
{
    switch (o->kind) {
    case GC_OBJECT: {
        StObject *ob = (StObject *)o;
        table_free(h, &ob->fields);
        if (ob->ext) {
            table_free(h, &ob->ext->props);
            heap_realloc(h, ob->ext, sizeof *ob->ext, 0);
        }
        break;
    }
    case GC_ARRAY: {
        StArray *a = (StArray *)o;
        heap_realloc(h, a->items, (size_t)a->cap * array_elem_size(a), 0);
        table_free(h, &a->extra);
        break;
    }
    case GC_FOREIGN: {
        StForeign *f = (StForeign *)o;
        if (f->finalizer) f->finalizer(f->ptr, f->finalizer_ud);
        break;
    }
    case GC_SHARE: {
        /* a share's bytes are secret: never left in a free list or in
         * memory handed back to the allocator */
        StShare *s = (StShare *)o;
        sodium_memzero(s->bytes, s->len);
        break;
    }
    default: break;
    }
    if (POOLED(o->size))
        pool_free(h, o, o->size);
    else
        heap_realloc(h, o, o->size, 0);
}

void heap_collect(Heap *h)
{
    h->gray_overflow = false;
    if (h->mark_roots) h->mark_roots(h, h->roots_ud);
    drain_gray(h);
    /* If the gray stack could not grow, some marked objects were not
     * scanned: rescan every marked object until nothing new is found. */
    while (h->gray_overflow) {
        h->gray_overflow = false;
        for (GcObject *o = h->objects; o; o = o->next)
            if (o->marked) {
                blacken(h, o);
                drain_gray(h);
            }
    }
    GcObject **link = &h->objects;
    while (*link) {
        GcObject *o = *link;
        if (o->marked) {
            o->marked = 0;
            link = &o->next;
        } else {
            *link = o->next;
            free_object(h, o);
        }
    }
    heap_set_limit(h, h->limit);
    h->collections++;
}

void heap_free_all(Heap *h)
{
    GcObject *o = h->objects;
    while (o) {
        GcObject *next = o->next;
        free_object(h, o);
        o = next;
    }
    h->objects = NULL;
    while (h->chunks) {
        HeapChunk *c = h->chunks;
        h->chunks = c->next;
        h->alloc(h->alloc_ud, c, c->size, 0);
    }
    memset(h->free_lists, 0, sizeof h->free_lists);
    h->bump = h->bump_end = NULL;
    free(h->gray);
    h->gray = NULL;
    h->gray_len = h->gray_cap = 0;
}
