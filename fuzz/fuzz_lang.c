/* fuzz_lang.c: libFuzzer target for the StoffelLang compiler (lexer,
 * parser, checker, code generator).  Any text must be rejected with a
 * message or compile; a program that compiles must pass the VM's loader
 * and verifier (a compiler that emits unverifiable code is a bug).
 * Built and run by `make fuzz` on a seed corpus from tests/lang. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/lang.h"
#include "vm/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    StfProgram p;
    char *err = NULL;
    /* a name that matches no directory, so `import` finds nothing */
    if (lang_compile("/nonexistent-fuzz-dir/input.stfl", (const char *)data, size, NULL, &p, &err) != 0) {
        if (!err || strstr(err, "error") == NULL) abort();
        free(err);
        return 0;
    }
    VM *vm = p.func_count ? vm_new(NULL) : NULL; /* an empty library has nothing to load */
    if (vm) {
        if (vm_load_program(vm, &p) != ST_OK) {
            fprintf(stderr, "compiled program fails to load: %s\n", vm_last_error(vm)->message);
            abort();
        }
        vm_free(vm);
    }
    stf_program_free(&p);
    return 0;
}
