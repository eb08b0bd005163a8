/* objects.h: prototype objects, property descriptors and magic methods
 * (docs/builtins.md, "Objects").
 *
 * An object with an extension (StObject.ext: a prototype, defined
 * properties, or a __getattr__/__setattr__ field) takes the slow paths
 * below for a missing key and for every write; plain objects never do. */
#ifndef STOFFEL_OBJECTS_H
#define STOFFEL_OBJECTS_H

#include "vm.h"

/* get_field on an object with an extension: own field, then the prototype
 * chain, then __getattr__(obj, key), else Unit. */
int objects_get(VM *vm, StObject *o, Value key, Value *out);
/* set_field on an object with an extension: __setattr__(obj, key, value)
 * if the object has or inherits one, else a store that honours
 * `writable`. */
int objects_set(VM *vm, StObject *o, Value key, Value value);
/* Is key "__getattr__" or "__setattr__"?  Storing one gives the object an
 * extension (so its misses and writes leave the fast paths). */
bool objects_magic_key(Value key);
int objects_register(VM *vm);

#endif
