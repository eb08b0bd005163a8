# Recursive Fibonacci, fib(30) = 832040 (2,692,537 calls).
# Peer: bench-peers/fib.lua / fib.py.
#
#   local function fib(n)
#     if n < 2 then return n end
#     return fib(n - 1) + fib(n - 2)
#   end
#   print(fib(30))
#
# The result is checked in the program: a wrong value fails the assert.
.function fib params=n
    LDI     r1, 2
    CMP     r0, r1
    JMPLT   base            # n < 2: return n (still in r0)
    MOV     r4, r0          # n; r0 is the result register of every CALL
    LDI     r1, 1
    SUB     r2, r4, r1
    PUSHARG r2
    CALL    fib
    MOV     r3, r0          # fib(n - 1)
    LDI     r1, 2
    SUB     r2, r4, r1
    PUSHARG r2
    CALL    fib
    ADD     r0, r3, r0
    RET     r0
base:
    RET     r0
.end

.function main
    LDI     r1, 30
    PUSHARG r1
    CALL    fib
    MOV     r2, r0
    # assert(r == 832040, ...)
    LDI     r1, 832040
    CMP     r2, r1
    JMPEQ   ok_t
    LDI     r3, false
    JMP     ok_j
ok_t:
    LDI     r3, true
ok_j:
    PUSHARG r3
    LDI     r4, "fib: wrong result (expected 832040)"
    PUSHARG r4
    CALL    assert
    PUSHARG r2
    CALL    print
    RET     r2
.end
