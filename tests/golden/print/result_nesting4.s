# The result formatter's depth limit is 4: a 4-level array prints fully
# (spec §12).
# expect: Program returned: [[[[1, 2]]]]
.function wrap params=v
    MOV r1, r0
    CALL create_array
    MOV r2, r0
    PUSHARG r2
    PUSHARG r1
    CALL array_push
    RET r2
.end

.function main
    CALL create_array
    MOV r10, r0
    LDI r1, 1
    LDI r2, 2
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    PUSHARG r10
    CALL wrap
    PUSHARG r0
    CALL wrap
    PUSHARG r0
    CALL wrap               ; 4 levels
    RET r0
.end
