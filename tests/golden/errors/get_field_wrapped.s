# Builtin errors are wrapped with the builtin's name (spec §9.2 example).
# expect-error: Execution error in 'main': Foreign function get_field failed: array index 3 out of range (length 1)
# expect-error: at main, instruction 9
.function main
    CALL create_array
    MOV r1, r0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    LDI r3, 3
    PUSHARG r1
    PUSHARG r3
    CALL get_field
    RET r0
.end
