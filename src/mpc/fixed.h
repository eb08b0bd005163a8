/* fixed.h: a clear number as a fixed-point integer (value · 2^frac),
 * the one conversion every path uses (assembler constants mixed with
 * secret fixed-point values, Share.from_clear / from_clear_fixed, client
 * inputs of fixed-point values), so they all agree. */
#ifndef STOFFEL_MPC_FIXED_H
#define STOFFEL_MPC_FIXED_H

#include <stdint.h>

/* x · 2^frac rounded to the nearest integer (halves away from zero), so
 * 0.3 with 16 fractional bits is 19661, not the truncated 19660.  Returns
 * 0, or -1 if x is not finite or the result does not fit in int64_t. */
int fixed_from_double(double x, unsigned frac, int64_t *out);

#endif
