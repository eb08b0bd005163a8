# Fixed-point weighted average: three clients each submit one secret
# fixed-point number (the manifest says so); the parties compute
# 0.5*x0 + 0.3*x1 + 0.2*x2 on shares and open only the result.
#
#   build/stoffel-run examples/weighted_average.s --local-mpc --n-parties 4 \
#       --inputs 10.0,20.0,30.0
#   Program returned: 16.9999...
#
# (17 up to the 16 fractional bits: 0.3 and 0.2 are not exact in binary.)
# A clear float times a fixed-point share is a local scaling plus one
# truncation wrapped into 64 bits (7 rounds); ADD of shares is free; MOV r3,
# r20 opens (1 round).
.client 0 inputs=fixed:64:16
.client 1 inputs=fixed:64:16
.client 2 inputs=fixed:64:16

.function main regs=24
    LDI r1, 0               # input index (each client has one input)
    LDI r2, 0
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r16, r0             # x0, a secret fixed-point share
    LDI r2, 1
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r17, r0             # x1
    LDI r2, 2
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r18, r0             # x2
    LDI r4, 0.5             # public weights, clear floats
    LDI r5, 0.3
    LDI r6, 0.2
    MUL r19, r16, r4        # share * clear float: fixed point, truncated
    MUL r20, r17, r5
    ADD r19, r19, r20       # share + share: local
    MUL r20, r18, r6
    ADD r19, r19, r20
    MOV r3, r19             # open the weighted average
    RET r3
.end
