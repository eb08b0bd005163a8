# get_field past the end of an array (spec §6.3).
# expect-error: Execution error in 'main': Foreign function get_field failed: array index 7 out of range (length 3)
# expect-error: at main, instruction 11
.function main
    CALL create_array
    MOV r1, r0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    PUSHARG r2
    PUSHARG r2
    CALL array_push
    LDI r3, 7
    PUSHARG r1
    PUSHARG r3
    CALL get_field
    RET r0
.end
