# After RET the caller continues at the instruction after its CALL, also
# from a nested call chain.
# expect: a1
# expect: b1
# expect: c
# expect: b2
# expect: a2
# expect: Program returned: "done"
.function c
    LDI r1, "c"
    PUSHARG r1
    CALL print
    RET r0
.end

.function b
    LDI r1, "b1"
    PUSHARG r1
    CALL print
    CALL c
    LDI r1, "b2"
    PUSHARG r1
    CALL print
    RET r0
.end

.function main
    LDI r1, "a1"
    PUSHARG r1
    CALL print
    CALL b
    LDI r1, "a2"
    PUSHARG r1
    CALL print
    LDI r0, "done"
    RET r0
.end
