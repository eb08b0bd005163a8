# 'in' on a string needs a string operand (spec §7.1).
# expect-error: Execution error in 'main': Foreign function contains failed: 'in' on a string requires a string operand
.function main
    LDI r1, "abc"
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    CALL contains
    RET r0
.end
