# Deep (but bounded) recursion works: sum(9000) = 9000*9001/2 with 9002
# frames, below the 10 000-frame limit.
# expect: Program returned: 40504500
.function sum params=n
    LDI r1, 0
    CMP r0, r1
    JMPEQ base
    MOV r2, r0
    LDI r1, 1
    SUB r3, r2, r1
    PUSHARG r3
    CALL sum
    ADD r0, r0, r2
    RET r0
base:
    RET r0
.end

.function main
    LDI r1, 9000
    PUSHARG r1
    CALL sum
    RET r0
.end
