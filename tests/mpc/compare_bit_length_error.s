# Share.lt with a bit length out of range: an error naming it.
# Used by tests/run.py (mpc/compare_bit_length_error).
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
    LDI r4, 65
    PUSHARG r16
    PUSHARG r17
    PUSHARG r4
    CALL Share.lt
    PUSHARG r0
    CALL Share.open
    RET r0
.end
