# slice with step 0 (spec §7.1).
# expect-error: Execution error in 'main': Foreign function slice failed: slice step cannot be zero
.function main
    LDI r1, "abc"
    LDI r2, 0
    LDI r3, 2
    LDI r4, 0
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL slice
    RET r0
.end
