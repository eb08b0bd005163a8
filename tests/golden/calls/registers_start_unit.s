# Every register of a new frame starts as () (spec §2.2).
# expect: () () ()
# expect: Program returned: ()
.function f
    PUSHARG r3
    PUSHARG r7
    PUSHARG r15
    CALL print
    RET r15
.end

.function main
    LDI r3, 1
    LDI r7, 2
    LDI r15, 3
    CALL f
    RET r0
.end
