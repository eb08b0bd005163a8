/* pins.c: stable root slots in vm->pins and object lookup by id (pins.h).
 *
 * A free slot holds Unit with the index of the next free slot in its
 * payload; slot 0 holds the head of that list.  Unit is never marked, so free
 * slots cost the collector nothing but a type test. */
#include "pins.h"

#include "vm_internal.h"

static uint32_t free_head(const VM *vm) { return vm->npins ? (uint32_t)vm->pins[0].as.u : 0; }

static void set_free_head(VM *vm, uint32_t slot)
{
    vm->pins[0] = val_unit();
    vm->pins[0].as.u = slot;
}

uint32_t vm_pin(VM *vm, Value v)
{
    uint32_t slot = free_head(vm);
    if (slot) {
        set_free_head(vm, (uint32_t)vm->pins[slot].as.u);
        vm->pins[slot] = v;
        return slot;
    }
    uint32_t need = vm->npins ? vm->npins + 1 : 2;
    if (need > vm->pins_cap) {
        uint64_t ncap = vm->pins_cap ? (uint64_t)vm->pins_cap * 2 : 16;
        if (ncap > UINT32_MAX / sizeof(Value)) return 0;
        Value *p =
            heap_realloc(&vm->heap, vm->pins, (size_t)vm->pins_cap * sizeof(Value), (size_t)ncap * sizeof(Value));
        if (!p) return 0;
        vm->pins = p;
        vm->pins_cap = (uint32_t)ncap;
    }
    if (vm->npins == 0) {
        vm->npins = 1;
        set_free_head(vm, 0);
    }
    slot = vm->npins++;
    vm->pins[slot] = v;
    return slot;
}

void vm_unpin(VM *vm, uint32_t slot)
{
    if (slot == 0 || slot >= vm->npins) return;
    vm->pins[slot] = val_unit();
    vm->pins[slot].as.u = free_head(vm);
    set_free_head(vm, slot);
}

Value vm_pin_get(const VM *vm, uint32_t slot)
{
    if (slot == 0 || slot >= vm->npins || vm->pins[slot].type == VT_UNIT) return val_unit();
    return vm->pins[slot];
}

void vm_pin_set(VM *vm, uint32_t slot, Value v)
{
    if (slot == 0 || slot >= vm->npins) return;
    vm->pins[slot] = v;
}

bool vm_find_by_id(VM *vm, ValueType t, uint64_t id, Value *out)
{
    uint8_t kind = t == VT_OBJECT ? GC_OBJECT : t == VT_ARRAY ? GC_ARRAY : t == VT_FOREIGN ? GC_FOREIGN : 0xff;
    if (kind == 0xff || id == 0) return false;
    for (GcObject *o = vm->heap.objects; o; o = o->next) {
        if (o->kind != kind) continue;
        uint64_t oid = kind == GC_OBJECT  ? ((StObject *)o)->id
                       : kind == GC_ARRAY ? ((StArray *)o)->id
                                          : ((StForeign *)o)->id;
        if (oid == id) {
            *out = val_gc(t, o);
            return true;
        }
    }
    return false;
}
