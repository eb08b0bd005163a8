# remove of a value that is not in the list (spec §7.1).
# expect-error: Execution error in 'main': Foreign function remove failed: value is not in list
.function main
    CALL create_array
    MOV r3, r0
    LDI r4, 7
    PUSHARG r3
    PUSHARG r4
    CALL remove
    RET r0
.end
