/* stoffel_api_slots.c: slots, values, arrays, objects, foreign objects and
 * handles of the native API (include/stoffel.h).
 *
 * Every slot position owns one pin of the VM, so whatever a slot holds is a
 * GC root.  Positions are reused: a window that ends sets its values to
 * Unit but keeps the pins, so calls in a loop allocate nothing here. */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

/* ---- the slot stack ------------------------------------------------------------ */

/* Make positions [0, need) exist, each with a pin. */
static bool reserve_positions(StoffelVM *S, uint32_t need)
{
    if (need <= S->nslot_pins) return true;
    if (need > S->slot_pins_cap) {
        uint64_t ncap = S->slot_pins_cap ? S->slot_pins_cap : 16;
        while (ncap < need) ncap *= 2;
        if (ncap > UINT32_MAX / sizeof(uint32_t)) return false;
        uint32_t *p =
            api_realloc(S, S->slot_pins, (size_t)S->slot_pins_cap * sizeof(uint32_t), (size_t)ncap * sizeof(uint32_t));
        if (!p) return false;
        S->slot_pins = p;
        S->slot_pins_cap = (uint32_t)ncap;
    }
    while (S->nslot_pins < need) {
        uint32_t pin = vm_pin(S->vm, val_unit());
        if (!pin) return false;
        S->slot_pins[S->nslot_pins++] = pin;
    }
    return true;
}

bool api_ensure(StoffelVM *S, uint32_t count)
{
    if (count > UINT32_MAX - S->base) return false;
    uint32_t need = S->base + count;
    if (need <= S->top) return true;
    if (!reserve_positions(S, need)) return false;
    for (uint32_t i = S->top; i < need; i++) vm_pin_set(S->vm, S->slot_pins[i], val_unit());
    S->top = need;
    return true;
}

bool api_push_window(StoffelVM *S, uint32_t count, SlotWindow *saved)
{
    saved->base = S->base;
    saved->top = S->top;
    if (count > UINT32_MAX - S->top || !reserve_positions(S, S->top + count)) return false;
    S->base = S->top;
    S->top = S->base + count;
    for (uint32_t i = S->base; i < S->top; i++) vm_pin_set(S->vm, S->slot_pins[i], val_unit());
    return true;
}

void api_pop_window(StoffelVM *S, const SlotWindow *saved)
{
    /* Drop the references so the values can be collected. */
    for (uint32_t i = saved->top; i < S->top; i++) vm_pin_set(S->vm, S->slot_pins[i], val_unit());
    S->base = saved->base;
    S->top = saved->top;
}

Value api_slot_get(const StoffelVM *S, uint32_t slot) { return vm_pin_get(S->vm, S->slot_pins[S->base + slot]); }

void api_slot_set(StoffelVM *S, uint32_t slot, Value v) { vm_pin_set(S->vm, S->slot_pins[S->base + slot], v); }

void api_free_slots(StoffelVM *S)
{
    /* The pins themselves went with the VM. */
    api_realloc(S, S->slot_pins, (size_t)S->slot_pins_cap * sizeof(uint32_t), 0);
    api_realloc(S, S->handles, (size_t)S->handles_cap * sizeof(HandleEntry), 0);
    S->slot_pins = NULL;
    S->handles = NULL;
    S->nslot_pins = S->slot_pins_cap = S->nhandles = S->handles_cap = 0;
}

/* Check a slot index; records the error. */
static bool slot_ok(StoffelVM *S, int slot)
{
    if (slot >= 0 && (uint32_t)slot < S->top - S->base) return true;
    api_fail(S, STOFFEL_ERROR_INVALID, "slot %d out of range (the window has %u slots)", slot, S->top - S->base);
    return false;
}

/* Value of a slot that must hold type t. */
static bool typed(StoffelVM *S, int slot, ValueType t, Value *out)
{
    if (!slot_ok(S, slot)) return false;
    *out = api_slot_get(S, (uint32_t)slot);
    if (out->type == t) return true;
    api_fail(S, STOFFEL_ERROR_TYPE, "slot %d holds %s, not %s", slot, val_type_name((ValueType)out->type),
             val_type_name(t));
    return false;
}

static StoffelResult oom(StoffelVM *S)
{
    return api_fail(S, STOFFEL_ERROR_MEMORY, "out of memory (heap %zu bytes)", vm_heap(S->vm)->bytes);
}

int stoffel_slot_count(const StoffelVM *S) { return S ? (int)(S->top - S->base) : 0; }

StoffelResult stoffel_ensure_slots(StoffelVM *S, int count)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (count < 0 || count > (1 << 24))
        return api_fail(S, STOFFEL_ERROR_INVALID, "slot count %d out of range (0..16777216)", count);
    return api_ensure(S, (uint32_t)count) ? STOFFEL_OK : oom(S);
}

StoffelType stoffel_slot_type(const StoffelVM *S, int slot)
{
    if (!S || slot < 0 || (uint32_t)slot >= S->top - S->base) return STOFFEL_TYPE_INVALID;
    return (StoffelType)api_slot_get(S, (uint32_t)slot).type;
}

const char *stoffel_type_name(StoffelType t)
{
    return t >= 0 && t < (StoffelType)VT_COUNT ? val_type_name((ValueType)t) : "invalid";
}

StoffelResult stoffel_copy_slot(StoffelVM *S, int dst, int src)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!slot_ok(S, dst) || !slot_ok(S, src)) return S->err.result;
    api_slot_set(S, (uint32_t)dst, api_slot_get(S, (uint32_t)src));
    return STOFFEL_OK;
}

/* ---- setters ----------------------------------------------------------------------- */

static StoffelResult put(StoffelVM *S, int slot, Value v)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!slot_ok(S, slot)) return S->err.result;
    api_slot_set(S, (uint32_t)slot, v);
    return STOFFEL_OK;
}

StoffelResult stoffel_set_unit(StoffelVM *S, int slot) { return put(S, slot, val_unit()); }
StoffelResult stoffel_set_int(StoffelVM *S, int slot, int64_t value) { return put(S, slot, val_i64(value)); }
StoffelResult stoffel_set_uint64(StoffelVM *S, int slot, uint64_t value)
{
    return put(S, slot, val_uint(VT_U64, value));
}
StoffelResult stoffel_set_float(StoffelVM *S, int slot, double value) { return put(S, slot, val_float(value)); }
StoffelResult stoffel_set_bool(StoffelVM *S, int slot, int value) { return put(S, slot, val_bool(value != 0)); }

StoffelResult stoffel_set_int_as(StoffelVM *S, int slot, StoffelType width, int64_t value)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (width < STOFFEL_TYPE_I64 || width > STOFFEL_TYPE_U64)
        return api_fail(S, STOFFEL_ERROR_INVALID, "%s is not an integer type", stoffel_type_name(width));
    ValueType t = (ValueType)width;
    bool fits =
        val_is_signed(val_int(t, 0)) ? val_int_fits_i(t, value) : value >= 0 && val_int_fits_u(t, (uint64_t)value);
    if (!fits) return api_fail(S, STOFFEL_ERROR_RANGE, "%lld does not fit %s", (long long)value, val_type_name(t));
    return put(S, slot, val_is_signed(val_int(t, 0)) ? val_int(t, value) : val_uint(t, (uint64_t)value));
}

StoffelResult stoffel_set_string_len(StoffelVM *S, int slot, const char *text, size_t len)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!text && len) return api_fail(S, STOFFEL_ERROR_INVALID, "string is NULL");
    if (!slot_ok(S, slot)) return S->err.result;
    if (len > UINT32_MAX - 1) return api_fail(S, STOFFEL_ERROR_RANGE, "string too long (%zu bytes)", len);
    if (len && !api_utf8(text, len)) return api_fail(S, STOFFEL_ERROR_INVALID, "string is not valid UTF-8");
    Value v;
    if (vm_new_string(S->vm, len ? text : "", len, &v) != ST_OK) return oom(S);
    api_slot_set(S, (uint32_t)slot, v);
    return STOFFEL_OK;
}

StoffelResult stoffel_set_string(StoffelVM *S, int slot, const char *text)
{
    if (S && !text) return api_fail(S, STOFFEL_ERROR_INVALID, "string is NULL");
    return stoffel_set_string_len(S, slot, text, text ? strlen(text) : 0);
}

/* ---- getters ------------------------------------------------------------------------ */

static bool int_slot(StoffelVM *S, int slot, Value *v)
{
    if (!slot_ok(S, slot)) return false;
    *v = api_slot_get(S, (uint32_t)slot);
    if (val_is_int(*v)) return true;
    api_fail(S, STOFFEL_ERROR_TYPE, "slot %d holds %s, not an integer", slot, val_type_name((ValueType)v->type));
    return false;
}

StoffelResult stoffel_get_int(StoffelVM *S, int slot, int64_t *out)
{
    Value v;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!out) return api_fail(S, STOFFEL_ERROR_INVALID, "out is NULL");
    if (!int_slot(S, slot, &v)) return S->err.result;
    if (v.type == VT_U64 && v.as.u > (uint64_t)INT64_MAX)
        return api_fail(S, STOFFEL_ERROR_RANGE, "%llu does not fit int64", (unsigned long long)v.as.u);
    *out = v.as.i;
    return STOFFEL_OK;
}

StoffelResult stoffel_get_uint64(StoffelVM *S, int slot, uint64_t *out)
{
    Value v;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!out) return api_fail(S, STOFFEL_ERROR_INVALID, "out is NULL");
    if (!int_slot(S, slot, &v)) return S->err.result;
    if (val_is_signed(v) && v.as.i < 0)
        return api_fail(S, STOFFEL_ERROR_RANGE, "%lld does not fit uint64", (long long)v.as.i);
    *out = v.as.u;
    return STOFFEL_OK;
}

StoffelResult stoffel_get_float(StoffelVM *S, int slot, double *out)
{
    Value v;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!out) return api_fail(S, STOFFEL_ERROR_INVALID, "out is NULL");
    if (!typed(S, slot, VT_FLOAT, &v)) return S->err.result;
    *out = v.as.f;
    return STOFFEL_OK;
}

StoffelResult stoffel_get_bool(StoffelVM *S, int slot, int *out)
{
    Value v;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!out) return api_fail(S, STOFFEL_ERROR_INVALID, "out is NULL");
    if (!typed(S, slot, VT_BOOL, &v)) return S->err.result;
    *out = v.as.b ? 1 : 0;
    return STOFFEL_OK;
}

StoffelResult stoffel_get_string(StoffelVM *S, int slot, const char **text, size_t *len)
{
    Value v;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!text) return api_fail(S, STOFFEL_ERROR_INVALID, "text is NULL");
    if (!typed(S, slot, VT_STRING, &v)) return S->err.result;
    *text = v.as.str->chars;
    if (len) *len = v.as.str->len;
    return STOFFEL_OK;
}

StoffelResult stoffel_get_id(StoffelVM *S, int slot, uint64_t *out)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!out) return api_fail(S, STOFFEL_ERROR_INVALID, "out is NULL");
    if (!slot_ok(S, slot)) return S->err.result;
    Value v = api_slot_get(S, (uint32_t)slot);
    switch (v.type) {
    case VT_OBJECT: *out = v.as.obj->id; return STOFFEL_OK;
    case VT_ARRAY: *out = v.as.arr->id; return STOFFEL_OK;
    case VT_FOREIGN: *out = v.as.foreign->id; return STOFFEL_OK;
    default:
        return api_fail(S, STOFFEL_ERROR_TYPE, "slot %d holds %s, which has no id", slot,
                        val_type_name((ValueType)v.type));
    }
}

/* ---- arrays and objects ----------------------------------------------------------------- */

StoffelResult stoffel_new_array(StoffelVM *S, int slot)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!slot_ok(S, slot)) return S->err.result;
    StArray *a = heap_new_array(vm_heap(S->vm), 0);
    if (!a) return oom(S);
    api_slot_set(S, (uint32_t)slot, val_gc(VT_ARRAY, a));
    return STOFFEL_OK;
}

StoffelResult stoffel_new_object(StoffelVM *S, int slot)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!slot_ok(S, slot)) return S->err.result;
    StObject *o = heap_new_object(vm_heap(S->vm));
    if (!o) return oom(S);
    api_slot_set(S, (uint32_t)slot, val_gc(VT_OBJECT, o));
    return STOFFEL_OK;
}

StoffelResult stoffel_array_length(StoffelVM *S, int array_slot, int64_t *out)
{
    Value a;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!out) return api_fail(S, STOFFEL_ERROR_INVALID, "out is NULL");
    if (!typed(S, array_slot, VT_ARRAY, &a)) return S->err.result;
    *out = a.as.arr->len;
    return STOFFEL_OK;
}

StoffelResult stoffel_array_get(StoffelVM *S, int array_slot, int64_t index, int dst_slot)
{
    Value a;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!typed(S, array_slot, VT_ARRAY, &a) || !slot_ok(S, dst_slot)) return S->err.result;
    if (index < 0 || index >= a.as.arr->len)
        return api_fail(S, STOFFEL_ERROR_RANGE, "array index %lld out of range (length %lld)", (long long)index,
                        (long long)a.as.arr->len);
    api_slot_set(S, (uint32_t)dst_slot, array_get_index(a.as.arr, index));
    return STOFFEL_OK;
}

StoffelResult stoffel_array_set(StoffelVM *S, int array_slot, int64_t index, int value_slot)
{
    Value a;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!typed(S, array_slot, VT_ARRAY, &a) || !slot_ok(S, value_slot)) return S->err.result;
    if (index < 0 || index == INT64_MAX)
        return api_fail(S, STOFFEL_ERROR_RANGE, "array index %lld out of range", (long long)index);
    if (!array_set_index(vm_heap(S->vm), a.as.arr, index, api_slot_get(S, (uint32_t)value_slot))) return oom(S);
    return STOFFEL_OK;
}

StoffelResult stoffel_array_push(StoffelVM *S, int array_slot, int value_slot)
{
    Value a;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!typed(S, array_slot, VT_ARRAY, &a) || !slot_ok(S, value_slot)) return S->err.result;
    if (a.as.arr->len >= INT64_MAX - 1) return api_fail(S, STOFFEL_ERROR_RANGE, "array too long");
    if (!array_push(vm_heap(S->vm), a.as.arr, api_slot_get(S, (uint32_t)value_slot))) return oom(S);
    return STOFFEL_OK;
}

StoffelResult stoffel_object_count(StoffelVM *S, int object_slot, size_t *out)
{
    Value o;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!out) return api_fail(S, STOFFEL_ERROR_INVALID, "out is NULL");
    if (!typed(S, object_slot, VT_OBJECT, &o)) return S->err.result;
    *out = o.as.obj->fields.count;
    return STOFFEL_OK;
}

StoffelResult stoffel_object_get(StoffelVM *S, int object_slot, int key_slot, int dst_slot)
{
    Value o, v;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!typed(S, object_slot, VT_OBJECT, &o) || !slot_ok(S, key_slot) || !slot_ok(S, dst_slot)) return S->err.result;
    if (!table_get(&o.as.obj->fields, api_slot_get(S, (uint32_t)key_slot), &v))
        return api_fail(S, STOFFEL_ERROR_NOT_FOUND, "no such field");
    api_slot_set(S, (uint32_t)dst_slot, v);
    return STOFFEL_OK;
}

StoffelResult stoffel_object_set(StoffelVM *S, int object_slot, int key_slot, int value_slot)
{
    Value o;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!typed(S, object_slot, VT_OBJECT, &o) || !slot_ok(S, key_slot) || !slot_ok(S, value_slot)) return S->err.result;
    if (!table_set(vm_heap(S->vm), &o.as.obj->fields, api_slot_get(S, (uint32_t)key_slot),
                   api_slot_get(S, (uint32_t)value_slot)))
        return oom(S);
    return STOFFEL_OK;
}

StoffelResult stoffel_object_next(StoffelVM *S, int object_slot, uint32_t *cursor, int key_slot, int value_slot)
{
    Value o;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!cursor) return api_fail(S, STOFFEL_ERROR_INVALID, "cursor is NULL");
    if (!typed(S, object_slot, VT_OBJECT, &o) || !slot_ok(S, key_slot) || !slot_ok(S, value_slot)) return S->err.result;
    const TableEntry *e;
    /* table_next skips deleted entries and stops at `used`, so any cursor
     * value is safe. */
    if (!table_next(&o.as.obj->fields, cursor, &e)) return api_fail(S, STOFFEL_ERROR_NOT_FOUND, "no more fields");
    api_slot_set(S, (uint32_t)key_slot, e->key);
    api_slot_set(S, (uint32_t)value_slot, e->value);
    return STOFFEL_OK;
}

/* ---- foreign objects --------------------------------------------------------------------- */

StoffelResult stoffel_new_foreign(StoffelVM *S, int slot, void *ptr, StoffelFinalizer finalizer, void *ud)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!slot_ok(S, slot)) return S->err.result;
    StForeign *f = heap_new_foreign(vm_heap(S->vm), ptr, finalizer, ud);
    if (!f) return oom(S);
    api_slot_set(S, (uint32_t)slot, val_gc(VT_FOREIGN, f));
    return STOFFEL_OK;
}

StoffelResult stoffel_get_foreign(StoffelVM *S, int slot, void **out)
{
    Value v;
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!out) return api_fail(S, STOFFEL_ERROR_INVALID, "out is NULL");
    if (!typed(S, slot, VT_FOREIGN, &v)) return S->err.result;
    *out = v.as.foreign->ptr;
    return STOFFEL_OK;
}

/* ---- handles: (generation << 32) | (index + 1) ------------------------------------------ */

static HandleEntry *handle_entry(StoffelVM *S, StoffelHandle h)
{
    uint64_t idx = (h & 0xffffffffu);
    if (idx == 0 || idx > S->nhandles) return NULL;
    HandleEntry *e = &S->handles[idx - 1];
    return e->pin && e->gen == (uint32_t)(h >> 32) ? e : NULL;
}

StoffelHandle stoffel_get_handle(StoffelVM *S, int slot)
{
    if (!S || !slot_ok(S, slot)) return 0;
    uint32_t idx;
    if (S->free_handle) {
        idx = S->free_handle - 1;
        S->free_handle = S->handles[idx].next_free;
    } else {
        if (S->nhandles == UINT32_MAX - 1) {
            oom(S);
            return 0;
        }
        if (S->nhandles == S->handles_cap) {
            uint32_t ncap = S->handles_cap ? S->handles_cap * 2 : 16;
            HandleEntry *p = ncap < S->handles_cap ? NULL
                                                   : api_realloc(S, S->handles, (size_t)S->handles_cap * sizeof *p,
                                                                 (size_t)ncap * sizeof *p);
            if (!p) {
                oom(S);
                return 0;
            }
            S->handles = p;
            S->handles_cap = ncap;
        }
        idx = S->nhandles++;
        S->handles[idx].gen = 1;
    }
    HandleEntry *e = &S->handles[idx];
    e->pin = vm_pin(S->vm, api_slot_get(S, (uint32_t)slot));
    if (!e->pin) {
        e->next_free = S->free_handle;
        S->free_handle = idx + 1;
        oom(S);
        return 0;
    }
    return ((uint64_t)e->gen << 32) | (idx + 1);
}

StoffelResult stoffel_set_handle(StoffelVM *S, int slot, StoffelHandle h)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    HandleEntry *e = handle_entry(S, h);
    if (!e) return api_fail(S, STOFFEL_ERROR_INVALID, "unknown handle %#llx", (unsigned long long)h);
    return put(S, slot, vm_pin_get(S->vm, e->pin));
}

StoffelResult stoffel_release_handle(StoffelVM *S, StoffelHandle h)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    HandleEntry *e = handle_entry(S, h);
    if (!e) return api_fail(S, STOFFEL_ERROR_INVALID, "unknown handle %#llx", (unsigned long long)h);
    vm_unpin(S->vm, e->pin);
    e->pin = 0;
    e->gen = e->gen == UINT32_MAX ? 1 : e->gen + 1;
    uint32_t idx = (uint32_t)(e - S->handles);
    e->next_free = S->free_handle;
    S->free_handle = idx + 1;
    return STOFFEL_OK;
}
