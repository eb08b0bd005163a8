# The result formatter expands 4 levels below the top-level container
# (depth 4); at depth 0 an array prints [...N elements] (spec §12).
# expect: Program returned: [[[[[...2 elements]]]]]
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
    PUSHARG r0
    CALL wrap               ; 5 levels
    RET r0
.end
