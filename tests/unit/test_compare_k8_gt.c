/* Share.gt on all 65,536 pairs of signed 8-bit values
 * (compare_check.h; one comparison per binary keeps each within the
 * runner's time limit on a loaded machine). */
#include "compare_check.h"

#define OPS        \
    {              \
        MPC_CMP_GT \
    }
K8_MAIN(OPS, false)
