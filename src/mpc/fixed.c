/* fixed.c: clear numbers to fixed point (fixed.h). */
#include "mpc/fixed.h"

#include <math.h>

int fixed_from_double(double x, unsigned frac, int64_t *out)
{
    if (frac > 1000) return -1;
    double r = round(ldexp(x, (int)frac));
    /* [-2^63, 2^63): both bounds are exact doubles */
    if (!isfinite(r) || r >= 9223372036854775808.0 || r < -9223372036854775808.0) return -1;
    *out = (int64_t)r;
    return 0;
}
