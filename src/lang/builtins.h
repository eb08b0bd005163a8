/* builtins.h: the builtin functions StoffelLang programs may call, as
 * declared by upstream's stdlib modules (std/NAME.stfl): the name a program writes,
 * the VM function it calls, and its result type. */
#ifndef STOFFEL_LANG_BUILTINS_H
#define STOFFEL_LANG_BUILTINS_H

#include <stddef.h>

typedef struct {
    const char *name; /* "len", "Share.open", ... */
    const char *vm;   /* name called in the VM */
    const char *ret;  /* result type: int64 bool string Share bytes T void fix64 uint64
                             list[int64] list[Share] list[string] list[T] Closure RbcResult */
} Builtin;

const Builtin *builtin_find(const char *name);
/* All names, for "did you mean". */
const char *const *builtin_names(size_t *n);

#endif
