# contains on a number (spec §7.1).
# expect-error: Execution error in 'main': Foreign function contains failed: 'in' requires a list, dict, or string container, found int64
.function main
    LDI r1, 5
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    CALL contains
    RET r0
.end
