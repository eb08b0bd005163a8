# Spec §15: recursive factorial(5) = 120.
# expect: Program returned: 120
.function fact params=n
    LDI r1, 1
    CMP r0, r1
    JMPGT rec
    LDI r0, 1
    RET r0
rec:
    MOV r2, r0
    SUB r3, r2, r1
    PUSHARG r3
    CALL fact
    MUL r0, r2, r0
    RET r0
.end

.function main
    LDI r1, 5
    PUSHARG r1
    CALL fact
    RET r0
.end
