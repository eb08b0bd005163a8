# The result of a call lands in the caller's r0, overwriting it; other
# caller registers keep their values even though the callee writes its own
# registers of the same numbers (spec §4.8).
# expect: 5 33 44
# expect: Program returned: 5
.function id params=x
    LDI r3, 1000
    LDI r4, 2000
    RET r0
.end

.function main
    LDI r0, 99
    LDI r3, 33
    LDI r4, 44
    LDI r1, 5
    PUSHARG r1
    CALL id
    PUSHARG r0
    PUSHARG r3
    PUSHARG r4
    CALL print
    LDI r2, 5
    PUSHARG r2
    CALL id
    RET r0
.end
