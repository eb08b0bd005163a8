/* objects.c: prototypes, property descriptors and magic methods.
 *
 *   Object.set_prototype(obj, proto)   proto an object or nil; no cycles
 *   Object.get_prototype(obj)          the prototype or nil
 *   Object.define_property(obj, key, value, flags)
 *   Object.describe(obj, key)          {writable, enumerable, configurable}
 *   Object.keys(obj)                   own enumerable keys, in order
 *   Object.delete(obj, key)            removes an own configurable property
 *   Object.raw_set(obj, key, value)    a write that skips __setattr__
 *
 * A property stored by set_field is writable, enumerable and configurable;
 * define_property sets the flags (an integer mask or an object of
 * booleans, missing ones false, as in JavaScript).  A write to a read-only
 * property and a redefinition or deletion of a non-configurable one are
 * errors.  __getattr__(obj, key) answers reads of keys found nowhere on the
 * chain; __setattr__(obj, key, value) takes every write to an object that
 * has or inherits it. */
#include <string.h>

#include "objects.h"
#include "process.h"

#define MAX_CHAIN 10000
#define FLAGS_ALL (OBJ_PROP_WRITABLE | OBJ_PROP_ENUMERABLE | OBJ_PROP_CONFIGURABLE)

static bool key_is(Value key, const char *s)
{
    size_t n = strlen(s);
    return key.type == VT_STRING && key.as.str->len == n && memcmp(key.as.str->chars, s, n) == 0;
}

bool objects_magic_key(Value key) { return key_is(key, "__getattr__") || key_is(key, "__setattr__"); }

static StObject *proto_of(const StObject *o) { return o->ext ? o->ext->proto : NULL; }

/* First object on the chain from o holding `key` as a field; its value. */
static bool chain_lookup(VM *vm, StObject *o, Value key, Value *out)
{
    for (int depth = 0; o && depth < MAX_CHAIN; o = proto_of(o), depth++)
        if (table_get(&o->fields, key, out)) return true;
    return false;
}

/* A magic method on the chain, as a callable value (closure or name). */
static bool magic(VM *vm, StObject *o, const char *name, Value *fn)
{
    StString *k = heap_new_string(&vm->heap, name, strlen(name));
    if (!k) return false;
    return chain_lookup(vm, o, val_string(k), fn) && (fn->type == VT_CLOSURE || fn->type == VT_STRING);
}

int objects_get(VM *vm, StObject *o, Value key, Value *out)
{
    if (chain_lookup(vm, o, key, out)) return ST_OK;
    *out = val_unit();
    Value fn;
    if (o->ext && (o->ext->magic || o->ext->proto)) {
        if (magic(vm, o, "__getattr__", &fn)) {
            Value args[2] = { val_gc(VT_OBJECT, o), key };
            return vm_call_value(vm, fn, args, 2, out);
        }
    }
    return ST_OK;
}

static int64_t prop_flags(const StObject *o, Value key)
{
    Value f;
    if (o->ext && table_get(&o->ext->props, key, &f)) return f.as.i;
    return FLAGS_ALL;
}

static int key_error(VM *vm, const char *what, Value key)
{
    if (key.type == VT_STRING) return vm_error(vm, "%s '%s'", what, key.as.str->chars);
    return vm_error(vm, "%s (a %s key)", what, val_type_name((ValueType)key.type));
}

/* A store honouring `writable`, without __setattr__. */
static int raw_set(VM *vm, StObject *o, Value key, Value value)
{
    if (!(prop_flags(o, key) & OBJ_PROP_WRITABLE)) {
        Value cur;
        if (table_get(&o->fields, key, &cur)) return key_error(vm, "Cannot assign to read-only property", key);
    }
    if (objects_magic_key(key)) {
        ObjExt *e = heap_object_ext(&vm->heap, o);
        if (!e) return vm_oom(vm);
        e->magic = true;
    }
    if (!table_set(&vm->heap, &o->fields, key, value)) return vm_oom(vm);
    return ST_OK;
}

int objects_set(VM *vm, StObject *o, Value key, Value value)
{
    Value fn;
    if (!objects_magic_key(key) && o->ext && (o->ext->magic || o->ext->proto) && magic(vm, o, "__setattr__", &fn)) {
        Value args[3] = { val_gc(VT_OBJECT, o), key, value }, ignored;
        return vm_call_value(vm, fn, args, 3, &ignored);
    }
    return raw_set(vm, o, key, value);
}

/* ---- builtins ------------------------------------------------------------------ */

static int obj_arg(VM *vm, const char *fn, Value v, StObject **out)
{
    if (v.type != VT_OBJECT) return vm_error(vm, "%s expects an object, got %s", fn, val_type_name((ValueType)v.type));
    *out = v.as.obj;
    return ST_OK;
}

static int bi_set_prototype(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StObject *o = NULL, *p = NULL;
    if (argc != 2) return vm_error(vm, "Object.set_prototype expects 2 arguments: object and prototype (or nil)");
    if (obj_arg(vm, "Object.set_prototype", args[0], &o) != ST_OK) return ST_ERR;
    if (args[1].type != VT_UNIT && obj_arg(vm, "Object.set_prototype", args[1], &p) != ST_OK) return ST_ERR;
    int depth = 0;
    for (StObject *q = p; q; q = proto_of(q))
        if (q == o || ++depth >= MAX_CHAIN) return vm_error(vm, "Object.set_prototype would make a prototype cycle");
    if (!p && !o->ext) return ST_OK;
    ObjExt *e = heap_object_ext(&vm->heap, o);
    if (!e) return vm_oom(vm);
    e->proto = p;
    return ST_OK;
}

static int bi_get_prototype(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StObject *o = NULL;
    if (argc != 1) return vm_error(vm, "Object.get_prototype expects 1 argument: object");
    if (obj_arg(vm, "Object.get_prototype", args[0], &o) != ST_OK) return ST_ERR;
    StObject *p = proto_of(o);
    *result = p ? val_gc(VT_OBJECT, p) : val_unit();
    return ST_OK;
}

static int flag_field(VM *vm, StObject *f, const char *name, int64_t bit, int64_t *flags)
{
    StString *k = heap_new_string(&vm->heap, name, strlen(name));
    if (!k) return vm_oom(vm);
    Value v;
    if (!table_get(&f->fields, val_string(k), &v) || v.type == VT_UNIT) return ST_OK;
    if (v.type != VT_BOOL) return vm_error(vm, "property flag %s must be a boolean", name);
    if (v.as.b) *flags |= bit;
    return ST_OK;
}

static int parse_flags(VM *vm, Value v, int64_t *flags)
{
    *flags = 0;
    if (val_is_int(v)) {
        if ((val_is_signed(v) && v.as.i < 0) || v.as.u > FLAGS_ALL)
            return vm_error(vm, "property flags must be 0..7 (1 writable, 2 enumerable, 4 configurable)");
        *flags = (int64_t)v.as.u;
        return ST_OK;
    }
    if (v.type != VT_OBJECT)
        return vm_error(vm, "property flags must be an integer mask or an object {writable, enumerable, configurable}");
    StObject *f = v.as.obj;
    if (flag_field(vm, f, "writable", OBJ_PROP_WRITABLE, flags) != ST_OK ||
        flag_field(vm, f, "enumerable", OBJ_PROP_ENUMERABLE, flags) != ST_OK ||
        flag_field(vm, f, "configurable", OBJ_PROP_CONFIGURABLE, flags) != ST_OK)
        return ST_ERR;
    return ST_OK;
}

static int bi_define_property(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StObject *o = NULL;
    if (argc != 4) return vm_error(vm, "Object.define_property expects 4 arguments: object, key, value, flags");
    if (obj_arg(vm, "Object.define_property", args[0], &o) != ST_OK) return ST_ERR;
    int64_t flags;
    if (parse_flags(vm, args[3], &flags) != ST_OK) return ST_ERR;
    Value key = args[1], cur;
    if (table_get(&o->fields, key, &cur) && !(prop_flags(o, key) & OBJ_PROP_CONFIGURABLE))
        return key_error(vm, "Cannot redefine non-configurable property", key);
    ObjExt *e = heap_object_ext(&vm->heap, o);
    if (!e) return vm_oom(vm);
    if (objects_magic_key(key)) e->magic = true;
    if (!table_set(&vm->heap, &o->fields, key, args[2]) || !table_set(&vm->heap, &e->props, key, val_i64(flags)))
        return vm_oom(vm);
    return ST_OK;
}

static int put(VM *vm, StObject *o, const char *key, Value v)
{
    StString *k = heap_new_string(&vm->heap, key, strlen(key));
    if (!k || !table_set(&vm->heap, &o->fields, val_string(k), v)) return vm_oom(vm);
    return ST_OK;
}

static int bi_describe(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StObject *o = NULL;
    if (argc != 2) return vm_error(vm, "Object.describe expects 2 arguments: object and key");
    if (obj_arg(vm, "Object.describe", args[0], &o) != ST_OK) return ST_ERR;
    Value cur;
    if (!table_get(&o->fields, args[1], &cur)) return ST_OK; /* not an own property: nil */
    int64_t f = prop_flags(o, args[1]);
    StObject *d = heap_new_object(&vm->heap);
    if (!d) return vm_oom(vm);
    *result = val_gc(VT_OBJECT, d);
    if (put(vm, d, "writable", val_bool(f & OBJ_PROP_WRITABLE)) != ST_OK ||
        put(vm, d, "enumerable", val_bool(f & OBJ_PROP_ENUMERABLE)) != ST_OK ||
        put(vm, d, "configurable", val_bool(f & OBJ_PROP_CONFIGURABLE)) != ST_OK)
        return ST_ERR;
    return ST_OK;
}

static int bi_keys(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StObject *o = NULL;
    if (argc != 1) return vm_error(vm, "Object.keys expects 1 argument: object");
    if (obj_arg(vm, "Object.keys", args[0], &o) != ST_OK) return ST_ERR;
    StArray *a = heap_new_array(&vm->heap, o->fields.count);
    if (!a) return vm_oom(vm);
    *result = val_gc(VT_ARRAY, a);
    uint32_t it = 0;
    const TableEntry *e;
    while (table_next(&o->fields, &it, &e))
        if ((prop_flags(o, e->key) & OBJ_PROP_ENUMERABLE) && !array_push(&vm->heap, a, e->key)) return vm_oom(vm);
    return ST_OK;
}

static int bi_delete(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StObject *o = NULL;
    if (argc != 2) return vm_error(vm, "Object.delete expects 2 arguments: object and key");
    if (obj_arg(vm, "Object.delete", args[0], &o) != ST_OK) return ST_ERR;
    Value cur;
    if (!table_get(&o->fields, args[1], &cur)) {
        *result = val_bool(false);
        return ST_OK;
    }
    if (!(prop_flags(o, args[1]) & OBJ_PROP_CONFIGURABLE))
        return key_error(vm, "Cannot delete non-configurable property", args[1]);
    table_delete(&o->fields, args[1]);
    if (o->ext) table_delete(&o->ext->props, args[1]);
    *result = val_bool(true);
    return ST_OK;
}

static int bi_raw_set(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StObject *o = NULL;
    if (argc != 3) return vm_error(vm, "Object.raw_set expects 3 arguments: object, key, value");
    if (obj_arg(vm, "Object.raw_set", args[0], &o) != ST_OK) return ST_ERR;
    return raw_set(vm, o, args[1], args[2]);
}

int objects_register(VM *vm)
{
    static const struct {
        const char *name;
        NativeFn fn;
    } b[] = {
        { "Object.set_prototype", bi_set_prototype },
        { "Object.get_prototype", bi_get_prototype },
        { "Object.define_property", bi_define_property },
        { "Object.describe", bi_describe },
        { "Object.keys", bi_keys },
        { "Object.delete", bi_delete },
        { "Object.raw_set", bi_raw_set },
    };
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        if (vm_register_native(vm, b[i].name, b[i].fn, NULL) != ST_OK) return ST_ERR;
    return ST_OK;
}
