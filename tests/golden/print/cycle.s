# A container that contains itself prints its debug text with "<cycle>"
# instead of recursing (spec §7.3).  The array is the first heap id (1).
# expect: [1, Array(1) <cycle>]
# expect: Program returned: 2
.function main
    CALL create_array
    MOV r10, r0
    LDI r1, 1
    PUSHARG r10
    PUSHARG r1
    PUSHARG r10
    CALL array_push
    MOV r2, r0
    PUSHARG r10
    CALL print
    RET r2
.end
