/* stoffel_api_builtins.c: enumerating the VM's registered native functions
 * (the registration table is the source of truth for --list-builtins). */
#include <string.h>

#include "api_internal.h"
/* generated from docs/builtins.md at build time (scripts/gen-builtin-docs.awk) */
#include "builtin_docs.h"

const char *stoffel_builtin_at(StoffelVM *S, size_t index)
{
    if (!S) return NULL;
    size_t seen = 0;
    VmFunction *fn;
    /* the function table has no holes: the first NULL is its end */
    for (int32_t i = 0; (fn = vm_function_at(S->vm, i)) != NULL && i < INT32_MAX; i++)
        if (fn->is_native && seen++ == index) return fn->name->chars;
    return NULL;
}

const char *stoffel_builtin_summary(const char *name)
{
    if (!name) return NULL;
    for (size_t k = 0; BUILTIN_DOCS[k].name; k++)
        if (strcmp(BUILTIN_DOCS[k].name, name) == 0) return BUILTIN_DOCS[k].line;
    return NULL;
}
