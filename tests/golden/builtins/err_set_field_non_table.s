# set_field needs an object or array target (spec §6.3).
# expect-error: Execution error in 'main': Foreign function set_field failed: Expected object or array
# expect-error: at main, instruction 6
.function main
    LDI r1, 5
    LDI r2, "k"
    LDI r3, 1
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    RET r0
.end
