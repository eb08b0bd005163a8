# A first StoffelVM program: recursive Fibonacci and print.
# Run it with: build/stoffel-run examples/hello.s
.function fib regs=4 params=n
    LDI r1, 2
    CMP r0, r1
    JMPLT base          # n < 2: fib(n) = n, already in r0
    LDI r1, 1
    SUB r2, r0, r1      # r2 = n - 1
    PUSHARG r2
    CALL fib            # the result lands in r0
    MOV r3, r0          # keep fib(n-1)
    SUB r2, r2, r1      # r2 = n - 2
    PUSHARG r2
    CALL fib
    ADD r0, r0, r3
    RET r0
base:
    RET r0
.end

.function main regs=4
    LDI r1, 20
    PUSHARG r1
    CALL fib
    MOV r2, r0
    LDI r1, "fib(20) ="
    PUSHARG r1
    PUSHARG r2
    CALL print
    RET r2
.end
