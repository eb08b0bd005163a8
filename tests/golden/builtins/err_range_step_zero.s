# range with step 0 (spec §7.1).
# expect-error: Execution error in 'main': Foreign function range failed: range step argument must not be zero
.function main
    LDI r1, 0
    LDI r2, 3
    LDI r3, 0
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL range
    RET r0
.end
