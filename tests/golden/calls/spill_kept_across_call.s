# Spill slots and the compare flag of the caller survive a call that uses
# its own slots and CMPs (spec §4.8).
# expect: Program returned: "slot=41 flag=gt"
.function f
    LDI r1, 0
    STS 0, r1
    CMP r1, r1
    RET r0
.end

.function main
    LDI r1, 41
    STS 0, r1
    LDI r2, 2
    LDI r3, 1
    CMP r2, r3
    CALL f
    LDS r4, 0
    JMPGT gt
    LDI r5, " flag=other"
    JMP out
gt:
    LDI r5, " flag=gt"
out:
    PUSHARG r4
    CALL to_string
    LDI r6, "slot="
    ADD r6, r6, r0
    ADD r6, r6, r5
    RET r6
.end
