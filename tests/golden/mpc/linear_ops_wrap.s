# Linear operations keep the 64-bit semantics before a masked opening
# (issue 20 item 1, docs/mpc.md "Share bounds"): a share's public bound
# grows with sums and clear factors, and a value past what the next
# truncation or comparison hides is wrapped into 64 bits first.
#   x = 2^46 (fixed), 4x = 2^48 is 2^64 with 16 fractional bits: it wraps
#   to 0 before the product, so 4x · 1.5 is 0 (before: the product of the
#   unwrapped sum, wrapped after truncation: -2^47).
#   x · 3 (a clear integer) is 3·2^62 raw, wrapped to -2^62 before the
#   product: times 1.5, -1.5·2^46 (before: 2^45).
#   a = 2^62 (int64): a + a opens as -2^63 (a SecretInt opens as 64-bit
#   two's complement) and Share.lt(a + a, 0) agrees: true (before: false,
#   the comparison of the unwrapped 2^63).
# args: main --local-mpc --n-parties 4 --threshold 1 --inputs 70368744177664:1.5,4611686018427387904
# expect: 0f64
# expect: -105553116266496f64
# expect: -9223372036854775808
# expect: true
# expect: Program returned: 0
.version 2
.client 0 inputs=fixed:64:16,fixed:64:16
.client 1 inputs=int:64
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
    CALL ClientStore.take_share
    MOV r18, r0
    ADD r20, r16, r16
    ADD r20, r20, r20
    MUL r21, r20, r17
    MOV r3, r21
    PUSHARG r3
    CALL print
    LDI r5, 3
    MUL r22, r16, r5
    MUL r22, r22, r17
    MOV r3, r22
    PUSHARG r3
    CALL print
    ADD r23, r18, r18
    MOV r3, r23
    PUSHARG r3
    CALL print
    LDI r5, 0
    PUSHARG r23
    PUSHARG r5
    CALL Share.lt
    MOV r19, r0
    MOV r3, r19
    PUSHARG r3
    CALL print
    LDI r0, 0
    RET r0
.end
