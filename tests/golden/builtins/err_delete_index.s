# delete with an index outside the array (spec §7.1).
# expect-error: Execution error in 'main': Foreign function delete failed: list index out of range
.function main
    LDI r1, 0
    LDI r2, 3
    PUSHARG r1
    PUSHARG r2
    CALL range
    MOV r3, r0
    LDI r4, -4
    PUSHARG r3
    PUSHARG r4
    CALL delete
    RET r0
.end
