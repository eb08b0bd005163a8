/* process_copy.c: deep copy of a message into the receiving process.
 *
 * All processes share one heap, so isolation is by copying: what a
 * receiver gets has no mutable part in common with what the sender keeps.
 * Objects, arrays and closures (set_upvalue mutates a closure in place) are
 * copied; strings and shares are immutable and shared.  A value reached
 * twice is copied once, so sharing and cycles survive the trip.  Foreign
 * objects wrap native state the VM cannot copy and are refused. */
#include <stdlib.h>
#include <string.h>

#include "process.h"

#define COPY_MAX_DEPTH 1000

typedef struct {
    GcObject *from;
    Value to;
} CopyEntry;

typedef struct {
    CopyEntry *map; /* open addressing; NULL from = empty */
    uint32_t mask, count;
} CopyMap;

static uint32_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

static bool map_find(const CopyMap *m, const GcObject *from, Value *out)
{
    if (!m->mask) return false;
    for (uint32_t i = ptr_hash(from) & m->mask; m->map[i].from; i = (i + 1) & m->mask) {
        if (m->map[i].from == from) {
            *out = m->map[i].to;
            return true;
        }
    }
    return false;
}

static bool map_put(CopyMap *m, GcObject *from, Value to)
{
    if ((m->count + 1) * 2 > m->mask) {
        uint32_t size = m->mask ? (m->mask + 1) * 2 : 64;
        CopyEntry *n = calloc(size, sizeof *n);
        if (!n) return false;
        for (uint32_t i = 0; m->mask && i <= m->mask; i++) {
            if (!m->map[i].from) continue;
            uint32_t j = ptr_hash(m->map[i].from) & (size - 1);
            while (n[j].from) j = (j + 1) & (size - 1);
            n[j] = m->map[i];
        }
        free(m->map);
        m->map = n;
        m->mask = size - 1;
    }
    uint32_t i = ptr_hash(from) & m->mask;
    while (m->map[i].from) i = (i + 1) & m->mask;
    m->map[i].from = from;
    m->map[i].to = to;
    m->count++;
    return true;
}

static int copy(VM *vm, CopyMap *m, Value v, Value *out, int depth);

static int copy_table(VM *vm, CopyMap *m, const Table *src, Table *dst, int depth)
{
    uint32_t it = 0;
    const TableEntry *e;
    while (table_next(src, &it, &e)) {
        Value k, x;
        if (copy(vm, m, e->key, &k, depth) != ST_OK || copy(vm, m, e->value, &x, depth) != ST_OK) return ST_ERR;
        if (!table_set(&vm->heap, dst, k, x)) return vm_oom(vm);
    }
    return ST_OK;
}

static int copy(VM *vm, CopyMap *m, Value v, Value *out, int depth)
{
    if (process_value_shareable(v)) {
        *out = v;
        return ST_OK;
    }
    if (v.type == VT_FOREIGN) return vm_error(vm, "a foreign object cannot be sent to another process");
    if (map_find(m, v.as.gc, out)) return ST_OK;
    if (depth >= COPY_MAX_DEPTH) return vm_error(vm, "message nested deeper than %d levels", COPY_MAX_DEPTH);
    Heap *h = &vm->heap;
    if (v.type == VT_OBJECT) {
        StObject *o = heap_new_object(h);
        if (!o || !map_put(m, v.as.gc, val_gc(VT_OBJECT, o))) return vm_oom(vm);
        *out = val_gc(VT_OBJECT, o);
        const ObjExt *se = v.as.obj->ext;
        if (se) { /* prototype, property flags, magic methods */
            ObjExt *e = heap_object_ext(h, o);
            if (!e) return vm_oom(vm);
            e->magic = se->magic;
            Value p;
            if (se->proto && copy(vm, m, val_gc(VT_OBJECT, se->proto), &p, depth + 1) != ST_OK) return ST_ERR;
            e->proto = se->proto ? p.as.obj : NULL;
            if (copy_table(vm, m, &se->props, &e->props, depth + 1) != ST_OK) return ST_ERR;
        }
        return copy_table(vm, m, &v.as.obj->fields, &o->fields, depth + 1);
    }
    if (v.type == VT_ARRAY) {
        const StArray *src = v.as.arr;
        StArray *a = heap_new_array(h, src->dlen);
        if (!a || !map_put(m, v.as.gc, val_gc(VT_ARRAY, a))) return vm_oom(vm);
        *out = val_gc(VT_ARRAY, a);
        if (src->dlen && !array_reserve(h, a, src->dlen)) return vm_oom(vm);
        if (src->packed) { /* numbers only: the copy stays packed */
            a->packed = src->packed;
            if (src->dlen) memcpy(a->ints, src->ints, (size_t)src->dlen * sizeof(int64_t));
        } else if (!array_unpack(h, a)) {
            return vm_oom(vm);
        }
        for (uint32_t i = 0; i < src->dlen && !src->packed; i++) {
            Value x;
            if (copy(vm, m, src->items[i], &x, depth + 1) != ST_OK) return ST_ERR;
            array_note(a, x);
            a->items[i] = x;
        }
        a->dlen = src->dlen;
        a->len = src->len;
        return copy_table(vm, m, &src->extra, &a->extra, depth + 1);
    }
    /* closure */
    const StClosure *src = v.as.closure;
    StClosure *c = heap_new_closure(h, src->fname, src->upvalue_count);
    if (!c || !map_put(m, v.as.gc, val_gc(VT_CLOSURE, c))) return vm_oom(vm);
    *out = val_gc(VT_CLOSURE, c);
    c->func_index = src->func_index;
    for (uint32_t i = 0; i < src->upvalue_count; i++) {
        c->upvalues[i].name = src->upvalues[i].name;
        c->upvalues[i].value = val_unit();
    }
    for (uint32_t i = 0; i < src->upvalue_count; i++)
        if (copy(vm, m, src->upvalues[i].value, &c->upvalues[i].value, depth + 1) != ST_OK) return ST_ERR;
    return ST_OK;
}

int process_copy_value(VM *vm, Value v, Value *out)
{
    if (process_value_shareable(v)) {
        *out = v; /* the common message: no map needed */
        return ST_OK;
    }
    CopyMap m = { NULL, 0, 0 };
    int rc = copy(vm, &m, v, out, 0);
    free(m.map);
    return rc;
}
