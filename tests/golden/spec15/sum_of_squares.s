# Spec §15: sum of squares 1..5 with a JMPGT loop = 55.
# expect: Program returned: 55
.function main
    LDI r1, 1               ; i
    LDI r2, 5               ; limit
    LDI r3, 0               ; sum
    LDI r4, 1               ; one
loop:
    CMP r1, r2
    JMPGT done
    MUL r5, r1, r1
    ADD r3, r3, r5
    ADD r1, r1, r4
    JMP loop
done:
    RET r3
.end
