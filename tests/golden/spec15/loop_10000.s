# Spec §15: a counting loop to 10 000.
# expect: Program returned: 10000
.function main
    LDI r0, 0
    LDI r1, 1
    LDI r2, 10000
loop:
    ADD r0, r0, r1
    CMP r0, r2
    JMPLT loop
    RET r0
.end
