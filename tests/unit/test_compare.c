/* test_compare.c: comparison, equality, truncation, bit decomposition,
 * division by a public value, selection and arg-extremes (mpc/compare.h),
 * with real preprocessed mask bits, with and without a party sending wrong
 * shares.  The exhaustive 8-bit tests are test_compare_k8_*.c, truncation,
 * bit decomposition, division and selection test_compare_arith.c. */
#include "compare_check.h"

/* A random sample of 8-bit pairs, every comparison, real bits. */
TEST(k8_sample_real_bits)
{
    size_t n = SCALE(128, 64);
    uint64_t a[256], b[256];
    for (size_t i = 0; i < n; i++) {
        a[i] = sext(rnd64(), 8);
        b[i] = i % 4 ? sext(rnd64(), 8) : a[i];
    }
    for (int op = MPC_CMP_LT; op <= MPC_CMP_NE; op++) check_cmp(op, 8, false, a, b, n, op % 2 == 1);
}

/* Random pairs of k-bit values with the edge values mixed in: 0, ±1, the
 * extremes, and equal pairs. */
static void random_pairs(unsigned k, bool is_unsigned, bool faulty, size_t n, int last_op)
{
    uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    uint64_t top = (uint64_t)1 << (k - 1), mask = k == 64 ? ~(uint64_t)0 : ((uint64_t)1 << k) - 1;
    uint64_t edges[] = { 0,
                         1,
                         is_unsigned ? mask : ~(uint64_t)0,
                         is_unsigned ? mask - 1 : sext(top, k),
                         is_unsigned ? top : top - 1,
                         is_unsigned ? 2 : sext(top + 1, k),
                         2 };
    size_t ne = sizeof edges / sizeof edges[0];
    for (size_t i = 0; i < n; i++) {
        uint64_t x = rnd64() & mask, y = rnd64() & mask;
        if (!is_unsigned) {
            x = sext(x, k);
            y = sext(y, k);
        }
        if (i < ne * ne) {
            x = edges[i / ne];
            y = edges[i % ne];
        } else if (i % 5 == 0) {
            y = x;
        } else if (i % 5 == 1) {
            y = x + 1; /* neighbours (may leave the range at the top: skip) */
            if (is_unsigned ? y > mask || y == 0
                            : (int64_t)y != (int64_t)sext(y, k) || (k == 64 && (int64_t)y < (int64_t)x))
                y = x;
        }
        a[i] = x;
        b[i] = y;
    }
    for (int op = MPC_CMP_LT; op <= last_op; op++) check_cmp(op, k, is_unsigned, a, b, n, faulty);
    free(a);
    free(b);
}

/* Batches below 256 values: a < b with 2-bit blocks (compare.c lt_kind). */
TEST(random_k32_k64)
{
    size_t n = SCALE(96, 50);
    random_pairs(32, false, false, n, MPC_CMP_NE);
    random_pairs(64, false, false, n, MPC_CMP_NE);
    random_pairs(64, true, false, n, MPC_CMP_NE);
    random_pairs(32, true, true, n, MPC_CMP_NE);
    random_pairs(64, false, true, n, MPC_CMP_NE);
}

/* Bit lengths whose small-batch masks have 3-bit blocks (compare.c
 * small_blocks: 22 bits in 8 blocks, 10 in 4, 40 in 14), last block
 * shorter, with and without a party sending wrong shares. */
TEST(random_3bit_blocks)
{
    size_t n = SCALE(96, 50);
    random_pairs(22, false, false, n, MPC_CMP_LT);
    random_pairs(22, true, true, n, MPC_CMP_GE);
    random_pairs(10, false, true, n, MPC_CMP_LT);
    random_pairs(40, false, true, n, MPC_CMP_LE);
}

/* Batches of 256 and more: a < b with 4-bit blocks (a < b alone: the
 * others differ only in operand order and the last step). */
TEST(random_k64_wide_blocks)
{
    random_pairs(64, false, false, 256, MPC_CMP_LT);
    random_pairs(64, true, true, 256, MPC_CMP_LT);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(k8_sample_real_bits);
    RUN(random_k32_k64);
    RUN(random_3bit_blocks);
    RUN(random_k64_wide_blocks);
    return unit_report();
}
