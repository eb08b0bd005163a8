# A fixed-point product beyond 64 bits wraps around as 64-bit integers do
# (issue 20 item 1: truncated products are wrapped into 64 bits so a chain
# of products cannot take a value past the bound truncation hides): 2^46
# times 2.0 is 2^47, i.e. 2^63 with 16 fractional bits, which wraps to
# -2^63, i.e. -2^47.  Exact products, so no rounding bit: 1.5 · 2.0 · 4.0
# in the same program stays 12.0.  (Before, the first opening failed: the
# value did not fit 64 bits.)
# args: main --local-mpc --n-parties 4 --threshold 1 --inputs 70368744177664:1.5,2.0:4.0
# expect: -140737488355328f64
# expect: 12f64
# expect: Program returned: 12
.version 2
.client 0 inputs=fixed:64:16,fixed:64:16
.client 1 inputs=fixed:64:16,fixed:64:16
.function main regs=24
    LDI r1, 0
    LDI r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL ClientStore.take_share_fixed
    MOV r16, r0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    CALL ClientStore.take_share_fixed
    MOV r17, r0
    LDI r1, 1
    LDI r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL ClientStore.take_share_fixed
    MOV r18, r0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    CALL ClientStore.take_share_fixed
    MOV r19, r0
    MUL r20, r16, r18
    MUL r21, r17, r18
    MUL r21, r21, r19
    MOV r3, r20
    MOV r4, r21
    PUSHARG r3
    CALL print
    PUSHARG r4
    CALL print
    RET r4
.end
