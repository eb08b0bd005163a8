# Instructions executed in callees count against the budget: fib(25) needs
# far more than 5000.
# args: main --max-instructions 5000
# expect-error: Execution error in 'main': Instruction budget exhausted (5000 instructions)
.function fib params=n
    LDI r1, 2
    CMP r0, r1
    JMPLT base
    MOV r4, r0
    LDI r2, 1
    SUB r3, r4, r2
    PUSHARG r3
    CALL fib
    MOV r1, r0
    LDI r2, 2
    SUB r3, r4, r2
    PUSHARG r3
    CALL fib
    ADD r0, r1, r0
    RET r0
base:
    RET r0
.end

.function main
    LDI r1, 25
    PUSHARG r1
    CALL fib
    RET r0
.end
