/* Share.lt on all 65,536 pairs of signed 8-bit values with party 3 sending wrong shares
 * (compare_check.h; one comparison per binary keeps each within the
 * runner's time limit on a loaded machine). */
#include "compare_check.h"

#define OPS        \
    {              \
        MPC_CMP_LT \
    }
K8_MAIN(OPS, true)
