/* Share comparisons ge, eq, ne on all 65,536 pairs of signed 8-bit values with party 3 sending wrong shares
 * (compare_check.h). */
#include "compare_check.h"

#define OPS { MPC_CMP_GE, MPC_CMP_EQ, MPC_CMP_NE }
K8_MAIN(OPS, true)
