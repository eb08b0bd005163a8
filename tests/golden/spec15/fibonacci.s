# Spec §15: recursive fibonacci(10) = 55 (5 registers).
# expect: Program returned: 55
.function fib params=n regs=5
    LDI r1, 2
    CMP r0, r1
    JMPLT base
    MOV r4, r0              ; n
    LDI r2, 1
    SUB r3, r4, r2
    PUSHARG r3
    CALL fib                ; r0 = fib(n-1)
    MOV r1, r0
    LDI r2, 2
    SUB r3, r4, r2
    PUSHARG r3
    CALL fib                ; r0 = fib(n-2)
    ADD r0, r1, r0
    RET r0
base:
    RET r0
.end

.function main
    LDI r1, 10
    PUSHARG r1
    CALL fib
    RET r0
.end
