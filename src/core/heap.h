/* heap.h: garbage-collected heap objects and the mark-sweep collector.
 *
 * Every heap object starts with a GcObject header and is linked into the
 * heap's list.  Allocation never collects: collection runs only at safe
 * points the interpreter chooses (heap_should_collect), where every live
 * value is reachable from the roots the owner marks in its mark_roots
 * callback.  So C code may hold raw object pointers between two safe points
 * without registering them anywhere.
 *
 * Objects and arrays share one id counter starting at 1, foreign objects
 * have their own (spec §2.4); ids are what `Object(3)` prints. */
#ifndef STOFFEL_HEAP_H
#define STOFFEL_HEAP_H

#include "config.h"
#include "value.h"

typedef enum { GC_STRING, GC_OBJECT, GC_ARRAY, GC_FOREIGN, GC_CLOSURE, GC_SHARE } GcKind;

typedef struct GcObject {
    struct GcObject *next;
    uint8_t kind; /* GcKind */
    uint8_t marked;
    uint8_t flags; /* by kind: GC_STR_BUFFER */
    uint32_t size; /* bytes accounted for this object (header + inline) */
} GcObject;

/* A string made by heap_append_string: its chars may have room past len
 * (capacity = gc.size - sizeof(StString) - 1), and it is extended in place
 * while only the appending register holds it. */
#define GC_STR_BUFFER 1

/* Allocator hook, realloc-like: (ud, ptr, old_size, new_size); new_size 0
 * frees and returns NULL.  May return NULL on failure. */
typedef void *(*StAllocFn)(void *ud, void *ptr, size_t old_size, size_t new_size);

typedef struct Heap Heap;
typedef void (*HeapMarkRoots)(Heap *h, void *ud);

/* Insertion-ordered hash map Value -> Value (object fields, array extras). */
typedef struct {
    uint32_t count; /* live entries */
    uint32_t used;  /* entries slots used (live + deleted) */
    uint32_t cap;   /* entries capacity */
    uint32_t mask;  /* index table size - 1 (0 when empty) */
    struct TableEntry *entries;
    uint32_t *index; /* open addressing: entry index + 1, 0 empty */
} Table;

typedef struct TableEntry {
    Value key;
    Value value;
    uint64_t hash;
    bool live;
} TableEntry;

typedef struct StString {
    GcObject gc;
    uint32_t len;
    uint32_t hash; /* 0 = not computed yet */
    char chars[];  /* len bytes + NUL */
} StString;

/* What makes an object more than a plain map (prototypes, property
 * descriptors, magic methods; src/vm/objects.c).  Rare, so it lives apart:
 * a plain object has ext == NULL and the fast paths test only that. */
typedef struct ObjExt {
    struct StObject *proto; /* prototype, or NULL */
    Table props;            /* key -> I64 flags (OBJ_PROP_*) of defined properties */
    bool magic;             /* has or inherits __getattr__ / __setattr__ */
} ObjExt;

#define OBJ_PROP_WRITABLE 1
#define OBJ_PROP_ENUMERABLE 2
#define OBJ_PROP_CONFIGURABLE 4

typedef struct StObject {
    GcObject gc;
    uint64_t id;
    Table fields;
    ObjExt *ext; /* NULL for a plain object */
} StObject;

/* The extension of o, created on first use; NULL when out of memory. */
ObjExt *heap_object_ext(Heap *h, StObject *o);

typedef struct StArray {
    GcObject gc;
    uint64_t id;
    union {
        Value *items;  /* dense part: indices 0 .. dlen-1 (holes are Unit) */
        int64_t *ints; /* the same when packed: the payloads (Value.as)
                          of values that all have type `packed` */
    };
    uint32_t dlen; /* dense part length (<= len) */
    uint32_t cap;
    int64_t len;    /* array length: 1 + highest I64 index ever set */
    Table extra;    /* non-positional keys, and positional keys too far
                          past the dense part to store densely */
    bool refs;      /* the dense part may hold heap values: once set, stays
                          set; while clear the collector skips the items */
    uint8_t packed; /* VT_I64 or VT_FLOAT: the dense part is int64_t[cap],
                          the payloads of elements that all have this type
                          (half the memory of Values); VT_UNIT (0): boxed
                          Values.  A new array starts as VT_I64, an empty one
                          takes the type of its first integer or float; the
                          first store of any other value (or a hole) boxes
                          it for good. */
} StArray;

static inline size_t array_elem_size(const StArray *a) { return a->packed ? sizeof(int64_t) : sizeof(Value); }

/* Element i < dlen of the dense part, whatever its form. */
static inline Value array_dense_get(const StArray *a, uint32_t i)
{
    if (!a->packed) return a->items[i];
    Value v;
    v.type = a->packed;
    v.as.i = a->ints[i];
    return v;
}

/* Can v be stored into packed array a as a payload?  An empty packed array
 * takes v's type when v is an integer (I64) or a float. */
static inline bool array_packs(StArray *a, Value v)
{
    if (a->packed && a->dlen == 0 && (v.type == VT_I64 || v.type == VT_FLOAT)) a->packed = v.type;
    return a->packed && v.type == a->packed;
}

/* Every store into StArray.items goes with this (moves within the array
 * excepted): an array of plain numbers is then never scanned. */
static inline void array_note(StArray *a, Value v)
{
    if (val_is_heap(v)) a->refs = true;
}

typedef void (*StFinalizer)(void *ptr, void *ud);

typedef struct StForeign {
    GcObject gc;
    uint64_t id;
    void *ptr;
    StFinalizer finalizer; /* may be NULL */
    void *finalizer_ud;
} StForeign;

typedef struct {
    StString *name;
    Value value;
} Upvalue;

typedef struct StClosure {
    GcObject gc;
    StString *fname;
    int32_t func_index; /* cached function-table index, -1 unknown */
    uint32_t upvalue_count;
    Upvalue upvalues[];
} StClosure;

/* Share payload is filled by the MPC layer; the core only carries bytes. */
/* StShare.share_kind: upstream's share types. */
enum { SHARE_INT = 0, SHARE_FIXED = 1, SHARE_UINT = 2 }; /* SecretInt, SecretFixedPoint, SecretUInt */

typedef struct StShare {
    GcObject gc;
    uint8_t share_kind; /* ShareKind */
    uint8_t pending;    /* value not computed yet (batched multiplication) */
    uint16_t bound;     /* public: |value| < 2^bound, <= MPC_BOUND_MAX (docs/mpc.md "Share bounds") */
    uint32_t bits;      /* bit length, or total bits for fixed point */
    uint32_t frac;      /* fractional bits for fixed point */
    uint32_t len;
    uint8_t bytes[];
} StShare;

/* Small objects come from per-size free lists carved out of chunks, so
 * that allocation-heavy programs do not pay malloc/free per object. */
#define HEAP_SIZE_CLASSES (HEAP_SMALL_MAX / 16)

struct Heap {
    StAllocFn alloc;
    void *alloc_ud;
    GcObject *objects;
    void *free_lists[HEAP_SIZE_CLASSES]; /* by (size + 15) / 16 - 1 */
    struct HeapChunk *chunks;
    char *bump, *bump_end; /* uncarved rest of the newest chunk */
    size_t bytes;          /* bytes currently accounted */
    size_t next_gc;        /* collect when bytes exceed this */
    size_t limit;          /* 0 = no cap; else allocation fails above it */
    uint64_t next_id;      /* objects and arrays */
    uint64_t next_foreign_id;
    HeapMarkRoots mark_roots;
    void *roots_ud;
    GcObject **gray; /* mark stack */
    size_t gray_len, gray_cap;
    bool gray_overflow; /* gray stack allocation failed: rescan needed */
    size_t collections;
    /* bytes copied by string concatenation (ADD and appends): a counter for
     * tests that appends are linear, not a timing */
    uint64_t concat_bytes;
};

void heap_init(Heap *h, StAllocFn alloc, void *ud);
/* Frees every object (runs foreign finalizers). */
void heap_free_all(Heap *h);

/* Raw memory through the heap's allocator, accounted in h->bytes; NULL on
 * failure (including the heap limit).  Use for buffers owned by objects. */
void *heap_realloc(Heap *h, void *ptr, size_t old_size, size_t new_size);

/* Accounts memory held outside the heap (the MPC engine's buffers) as if
 * it were allocated here, so the cap and the collector's pacing see it;
 * false, and nothing changes, when growing would pass the cap. */
bool heap_charge(Heap *h, size_t old_size, size_t new_size);

/* Set the byte cap (0 = none) and the next collection point under it. */
void heap_set_limit(Heap *h, size_t limit);
static inline bool heap_should_collect(const Heap *h) { return ST_GC_STRESS || h->bytes > h->next_gc; }
/* Full mark-sweep.  Marks via h->mark_roots. */
void heap_collect(Heap *h);
/* Mark a value / object as reachable (for mark_roots callbacks). */
void heap_mark_value(Heap *h, Value v);
void heap_mark_object(Heap *h, GcObject *o);

/* Constructors; NULL on allocation failure. */
StString *heap_new_string(Heap *h, const char *bytes, size_t len);
StString *heap_concat_strings(Heap *h, const StString *a, const StString *b);
/* a .. b for `s = s .. x` where the caller proved that nothing but the one
 * register holds a when a is a buffer (GC_STR_BUFFER): a buffer with room is
 * extended in place and returned; otherwise a new buffer with room for as
 * much again is made, so repeated appends copy each byte O(1) times.  NULL
 * when out of memory or too long. */
StString *heap_append_string(Heap *h, StString *a, const StString *b);
StObject *heap_new_object(Heap *h);
StArray *heap_new_array(Heap *h, uint32_t capacity_hint);
StForeign *heap_new_foreign(Heap *h, void *ptr, StFinalizer fin, void *fin_ud);
StClosure *heap_new_closure(Heap *h, StString *fname, uint32_t upvalue_count);
StShare *heap_new_share(Heap *h, uint8_t kind, uint32_t bits, uint32_t frac, const uint8_t *bytes, uint32_t len);

uint32_t string_hash(StString *s);
/* FNV-1a of raw bytes (string_hash's function, without the caching), for
 * the name tables of the loader and the VM. */
uint32_t bytes_hash(const char *p, size_t len);
static inline Value val_string(StString *s) { return val_gc(VT_STRING, s); }

/* Tables.  Functions that can allocate take the heap and return false on
 * allocation failure. */
void table_init(Table *t);
void table_free(Heap *h, Table *t);
bool table_get(const Table *t, Value key, Value *out);
bool table_set(Heap *h, Table *t, Value key, Value value);
bool table_delete(Table *t, Value key);
/* Index of key's entry in t->entries, or -1 (for inline caches: an entry
 * index stays valid until the table is rebuilt or the entry deleted, which
 * a cache detects by checking the entry's key and liveness). */
int64_t table_entry_index(const Table *t, Value key);
/* Iterate live entries in insertion order: for (i = 0; table_next(t, &i, &e);) */
bool table_next(const Table *t, uint32_t *iter, const TableEntry **entry);

/* Arrays (spec §6.2).  Positional keys are non-negative I64 indices; other
 * keys go to the extra table.  Setting index >= len extends the array (holes
 * read as Unit); an index far beyond the dense part is kept in the extra
 * table so a single huge index never allocates a huge buffer. */
bool array_push(Heap *h, StArray *a, Value v);
bool array_set_index(Heap *h, StArray *a, int64_t index, Value v);
/* Element at 0 <= index < len (a hole reads as Unit). */
Value array_get_index(const StArray *a, int64_t index);
bool array_reserve(Heap *h, StArray *a, uint32_t cap);
/* Turn a packed array into the boxed form (Value items); false when out of
 * memory.  Code that needs `items` as Values calls this first. */
bool array_unpack(Heap *h, StArray *a);
/* Drop every element and extra key (length 0). */
void array_clear(StArray *a);

#endif
