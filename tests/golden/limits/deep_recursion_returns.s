# 9 999 nested frames (main + 9 998) are within the limit and unwind
# correctly.
# expect: Program returned: 9998
.function countdown params=n
    LDI r1, 0
    CMP r0, r1
    JMPEQ zero
    LDI r1, 1
    SUB r2, r0, r1
    PUSHARG r2
    CALL countdown
    ADD r0, r0, r1
    RET r0
zero:
    RET r0
.end

.function main
    LDI r1, 9997
    PUSHARG r1
    CALL countdown
    LDI r1, 1
    ADD r0, r0, r1
    RET r0
.end
