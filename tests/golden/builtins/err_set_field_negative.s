# set_field normalises negative indices like get_field; below -length is an
# error (spec §6.3).
# expect-error: Execution error in 'main': Foreign function set_field failed: array index -2 out of range (length 1)
.function main
    CALL create_array
    MOV r1, r0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    LDI r3, -2
    PUSHARG r1
    PUSHARG r3
    PUSHARG r2
    CALL set_field
    RET r0
.end
