# Secret fixed-point products: client 0 gives x, client 1 gives y (both
# fixed point, 16 fractional bits); the parties compute x*y, x*y*x and
# x*y + x on shares and return the three results as shares, which the
# clients reconstruct.  Each share-by-share product is truncated by 16 bits
# (probabilistic truncation), so results are right to within 2^-15, not
# 2^16 too large.  Used by tests/run.py (mpc/fixed_mul_*).
.function main regs=22
    LDI r1, 0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r16, r0                 # x
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r17, r0                 # y
    MUL r18, r16, r17           # x*y (these two multiplications go out in one round)
    MUL r19, r16, r16           # x*x
    MUL r20, r18, r16           # x*y*x
    ADD r21, r18, r16           # x*y + x
    CALL create_array
    MOV r3, r0
    PUSHARG r3
    PUSHARG r18
    CALL array_push
    PUSHARG r3
    PUSHARG r20
    CALL array_push
    PUSHARG r3
    PUSHARG r21
    CALL array_push
    PUSHARG r3
    PUSHARG r19
    CALL array_push
    RET r3
.end
