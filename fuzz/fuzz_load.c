/* fuzz_load.c: libFuzzer target for loading untrusted bytecode: the .stflb
 * reader followed by the VM's verifier and translator.  Every input is
 * either rejected with a message or loads.  Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>

#include "bytecode/stfl.h"
#include "vm/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static VM *vm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    StfProgram p;
    StflError err;
    if (stfl_read(data, size, &p, &err) != 0) return 0;
    if (!vm) vm = vm_new(NULL);
    if (vm_load_program(vm, &p) == ST_OK) {
        vm_free(vm);
        vm = NULL;
    } else if (!vm_last_error(vm)->message) {
        abort();
    }
    stf_program_free(&p);
    return 0;
}
