/* asm.h: the StoffelVM text assembler (syntax: docs/assembly.md).
 *
 * Assembly text is parsed straight into the wire-form program model
 * (program.h), so whatever the assembler builds the .stflb writer can write.
 * The disassembler (disasm.h) emits text that assembles back to an identical
 * model, which is what makes disassembly re-assemble to identical bytes. */
#ifndef STOFFEL_ASM_H
#define STOFFEL_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "program.h"

typedef struct {
    char message[256];
    uint32_t line; /* 1-based */
    uint32_t col;  /* 1-based byte column */
} AsmError;

/* Parse `len` bytes of assembly (not NUL-terminated; may contain NUL bytes).
 * On success returns 0 and fills *out (caller frees with stf_program_free).
 * On failure returns -1, fills *err (1-based line and column of the problem),
 * and leaves *out empty (as after stf_program_init). */
int asm_parse(const char *text, size_t len, StfProgram *out, AsmError *err);

/* How a literal LDI operand finds its pool entry: same tag and same value,
 * with Floats compared by their exact bits (so -0.0 and 0.0, or two NaN
 * payloads, stay distinct: unlike the reference writer, which pools -0.0 and
 * 0.0 together and so changes what a later `LDI 0.0` loads); Bools by truth
 * (any non-zero byte is true); Strings by bytes.  asm_const_hash agrees. */
bool asm_const_same(const StfConst *a, const StfConst *b);
uint64_t asm_const_hash(const StfConst *c);

#endif
