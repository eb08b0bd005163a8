# call_closure's result arrives in the caller's r0 when the closure returns;
# the caller's other registers are kept.
# expect: 3 kept
# expect: Program returned: 3
.function three
    LDI r0, 3
    LDI r2, "clobbered"
    RET r0
.end

.function main
    LDI r2, "kept"
    LDI r1, "three"
    PUSHARG r1
    CALL create_closure
    MOV r3, r0
    PUSHARG r3
    CALL call_closure
    PUSHARG r0
    PUSHARG r2
    CALL print
    PUSHARG r3
    CALL call_closure
    RET r0
.end
