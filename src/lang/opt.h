/* opt.h: the StoffelLang optimizer behind -O1..-O3.
 *
 * It works on the generated program model (bytecode/program.h), after code
 * generation, so it depends on nothing inside the code generator.  Every
 * pass keeps what a program prints, returns and fails with; an instruction
 * keeps its source line wherever it moves.  Levels (docs/lang.md):
 *   -O0  nothing
 *   -O1  one sweep of the clean-up passes: constant folding and propagation
 *        of clear values, copy propagation, dead store and unreachable code
 *        elimination, jump threading
 *   -O2  the MPC passes (secret bool gates as queued products, a repeated
 *        product reused, secret multiplications hoisted so they share an
 *        online round, adjacent reveals merged into one Share.batch_open),
 *        then the clean-up passes to a fixed point
 *   -O3  as -O2 */
#ifndef STOFFEL_LANG_OPT_H
#define STOFFEL_LANG_OPT_H

#include <stdint.h>

#include "bytecode/program.h"

/* What the passes did, summed over all functions. */
typedef struct {
    uint32_t instrs_before, instrs_after;
    uint32_t folded;      /* ALU/CMP results computed at compile time */
    uint32_t propagated;  /* register reads replaced by the original copy */
    uint32_t dead;        /* instructions whose result nobody reads */
    uint32_t unreachable; /* instructions no path reaches */
    uint32_t threaded;    /* jumps retargeted, inverted or removed */
    uint32_t lowered;     /* secret bool gates turned into queued products */
    uint32_t reused;      /* secret products equal to an earlier one */
    uint32_t hoisted;     /* secret multiplications moved up to batch */
    uint32_t batched;     /* Share.open calls merged into batch opens */
} LangOptStats;

/* Optimize every function of p at `level` (0..3); stats may be NULL.
 * 0, or -1 when out of memory (p is then still a valid, correct program). */
int lang_optimize(StfProgram *p, int level, LangOptStats *stats);

#endif
