# String index out of range (spec §6.3).
# expect-error: Execution error in 'main': Foreign function get_field failed: string index 5 out of range (length 3)
# expect-error: at main, instruction 4
.function main
    LDI r1, "abc"
    LDI r2, 5
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    RET r0
.end
