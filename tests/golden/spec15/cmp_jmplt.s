# Spec §15 vector 1: CMP 5,10 then JMPLT takes the branch.
# expect: Program returned: 1
.function main regs=3
    LDI r0, 5
    LDI r1, 10
    CMP r0, r1
    JMPLT less
    LDI r2, 0
    JMP end
less:
    LDI r2, 1
end:
    RET r2
.end
