/* disasm.h: StfProgram -> StoffelVM assembly text (syntax: docs/assembly.md).
 *
 * The text assembles (asm_parse) back to an identical program model: same
 * version, constant pool (order, duplicates, raw Float bits and Bool bytes),
 * functions in order including duplicates, label list order, stored register
 * counts, raw function-type bytes and manifest.  Literals are printed where
 * they re-resolve to the same pool entry, `#N` otherwise; the explicit
 * `.const` block is left out when the pool is exactly what the literal LDIs
 * would build by themselves. */
#ifndef STOFFEL_DISASM_H
#define STOFFEL_DISASM_H

#include "program.h"

/* Returns malloc'd NUL-terminated text (caller free()s), NULL on out-of-memory. */
char *disasm_program(const StfProgram *p);

#endif
