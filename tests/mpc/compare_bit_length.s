# Share.lt with its optional bit length: 15 < 25 compared as 6-bit values.
# The client inputs carry no declared type, so their public bound is 64
# bits and both are first wrapped into 6 bits (6 rounds, one batch), then
# 2 comparison rounds (3-bit blocks) and the result's opening: 9 online rounds.  Used by
# tests/run.py (mpc/compare_bit_length).
.function main regs=24
    LDI r1, 0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r17, r0
    LDI r4, 6
    PUSHARG r16
    PUSHARG r17
    PUSHARG r4
    CALL Share.lt
    PUSHARG r0
    CALL Share.open
    RET r0
.end
