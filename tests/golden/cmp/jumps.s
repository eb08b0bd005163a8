# Every jump against every flag value (spec §4.6): JMPEQ iff flag = 0,
# JMPNEQ iff flag != 0, JMPLT iff -1, JMPGT iff +1; JMP always.  Each taken
# jump adds a distinct power of ten to r9.
# expect: Program returned: 11101011101
.function main
    LDI r9, 0
    LDI r1, 1
    LDI r2, 2
    CMP r1, r2              ; flag -1
    JMPEQ a1
    LDI r8, 1
    ADD r9, r9, r8          ; +1 (JMPEQ not taken)
a1:
    CMP r1, r2
    JMPNEQ a2
    JMP fail
a2:
    LDI r8, 100
    ADD r9, r9, r8          ; +100 (JMPNEQ taken)
    CMP r1, r2
    JMPLT a3
    JMP fail
a3:
    LDI r8, 10000
    ADD r9, r9, r8          ; +10^4 (JMPLT taken)
    CMP r1, r2
    JMPGT fail
    CMP r2, r1              ; flag +1
    JMPGT a4
    JMP fail
a4:
    LDI r8, 1000000
    ADD r9, r9, r8          ; +10^6 (JMPGT taken)
    CMP r2, r1
    JMPLT fail
    JMPEQ fail
    JMPNEQ a5
    JMP fail
a5:
    CMP r1, r1              ; flag 0
    JMPNEQ fail
    JMPLT fail
    JMPGT fail
    JMPEQ a6
    JMP fail
a6:
    LDI r8, 100000000
    ADD r9, r9, r8          ; +10^8 (JMPEQ taken)
    JMP a7
    LDI r8, 5               ; skipped
    ADD r9, r9, r8
a7:
    LDI r8, 1000
    ADD r9, r9, r8          ; +10^3
    LDI r8, 10000000000
    ADD r9, r9, r8          ; +10^10
    LDI r8, 1000000000
    ADD r9, r9, r8          ; +10^9
    RET r9
fail:
    LDI r0, "fail"
    RET r0
.end
