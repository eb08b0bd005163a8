/* fuzz_asm.c: libFuzzer target for the assembler, the disassembler and the
 * loader's verifier.  Any text must be rejected with a position, or give a
 * program whose disassembly assembles to an equal program; that program
 * then goes through the VM's verifier/translator, which must accept or
 * reject it cleanly.  Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/asm.h"
#include "bytecode/disasm.h"
#include "vm/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static VM *vm;

static bool same_program(const StfProgram *a, const StfProgram *b)
{
    if (a->version != b->version || a->const_count != b->const_count || a->func_count != b->func_count) return false;
    for (uint32_t i = 0; i < a->func_count; i++)
        if (!stf_function_equal(&a->funcs[i], &b->funcs[i])) return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    StfProgram p;
    AsmError err;
    if (asm_parse((const char *)data, size, &p, &err) != 0) {
        if (err.message[0] == '\0' || err.line == 0) abort();
        return 0;
    }
    char *text = disasm_program(&p);
    if (!text) abort();
    StfProgram q;
    if (asm_parse(text, strlen(text), &q, &err) != 0) abort();
    if (!same_program(&p, &q)) abort();
    free(text);
    stf_program_free(&q);

    if (!vm) vm = vm_new(NULL);
    if (vm_load_program(vm, &p) == ST_OK) {
        /* Loaded names would clash with the next input: start afresh. */
        vm_free(vm);
        vm = NULL;
    } else if (!vm_last_error(vm)->message) {
        abort();
    }
    stf_program_free(&p);
    return 0;
}
