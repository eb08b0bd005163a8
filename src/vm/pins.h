/* pins.h: values kept alive for the embedder, and objects found by id.
 *
 * vm->pins is an array of values the collector marks as roots (vm.c).  This
 * module turns it into a table of stable slots: vm_pin() returns an index
 * that stays valid until vm_unpin(), whatever else is pinned or released in
 * between, so the API layer can hand out handles and slot windows that
 * survive every collection.  Slot 0 is reserved (it holds the head of the
 * free list); free slots hold Unit, so the collector ignores them.
 *
 * Ids: objects and arrays share one id counter, foreign objects have their
 * own (heap.h); vm_find_by_id() walks the heap for a live object with a
 * given id, which is how ids coming from C are validated. */
#ifndef STOFFEL_PINS_H
#define STOFFEL_PINS_H

#include "vm.h"

/* Pin v; returns its slot (>= 1), or 0 when memory runs out. */
uint32_t vm_pin(VM *vm, Value v);
/* Release a slot (its value becomes collectable).  Invalid slots are ignored. */
void vm_unpin(VM *vm, uint32_t slot);
/* Value in a slot; Unit for an invalid or free slot. */
Value vm_pin_get(const VM *vm, uint32_t slot);
/* Replace the value in a live slot (no-op for an invalid slot). */
void vm_pin_set(VM *vm, uint32_t slot, Value v);

/* Find a heap object of type t (VT_OBJECT, VT_ARRAY or VT_FOREIGN) whose id
 * is `id`.  Objects still in the heap's list are valid until the next
 * collection; pin the result to keep it.  Linear in the number of objects. */
bool vm_find_by_id(VM *vm, ValueType t, uint64_t id, Value *out);

#endif
