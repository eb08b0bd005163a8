# set_field with two arguments (spec §7.1).
# expect-error: Execution error in 'main': Foreign function set_field failed: set_field expects
.function main
    CALL create_object
    MOV r1, r0
    LDI r2, "k"
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    RET r0
.end
