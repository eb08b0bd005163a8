# A program that needs fewer instructions than the budget runs normally
# (10 iterations x 3 instructions + setup, budget 1000).
# args: main --max-instructions 1000
# expect: Program returned: 10
.function main
    LDI r0, 0
    LDI r1, 1
    LDI r2, 10
loop:
    ADD r0, r0, r1
    CMP r0, r2
    JMPLT loop
    RET r0
.end
