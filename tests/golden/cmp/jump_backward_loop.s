# Backward jumps: count down from 5 with JMPNEQ, collecting a string.
# expect: Program returned: "54321"
.function main
    LDI r1, 5
    LDI r2, 0
    LDI r3, 1
    LDI r4, ""
top:
    PUSHARG r1
    CALL to_string
    ADD r4, r4, r0
    SUB r1, r1, r3
    CMP r1, r2
    JMPNEQ top
    RET r4
.end
