/* Share comparisons lt, le, gt on all 65,536 pairs of signed 8-bit values with party 3 sending wrong shares
 * (compare_check.h). */
#include "compare_check.h"

#define OPS { MPC_CMP_LT, MPC_CMP_LE, MPC_CMP_GT }
K8_MAIN(OPS, true)
