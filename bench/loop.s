# 100M iterations of s = (s*31 + i) % 1000000007 (integer mul, add, modulo).
# Peer: bench-peers/loop.lua / loop.py.  Expected result 919423987.
#
#   local s = 0
#   for i = 1, 100000000 do s = (s * 31 + i) % 1000000007 end
#   print(s)
#
# Locals live in registers; the loop constants are loaded once before the
# loop, as a compiler that hoists constants would emit them.
.function main
    LDI     r1, 0               # s
    LDI     r2, 1               # i
    LDI     r3, 100000000       # loop limit
    LDI     r4, 31
    LDI     r5, 1000000007
    LDI     r6, 1               # step
loop:
    CMP     r2, r3
    JMPGT   done
    MUL     r7, r1, r4
    ADD     r7, r7, r2
    MOD     r1, r7, r5
    ADD     r2, r2, r6
    JMP     loop
done:
    # assert(s == 919423987, ...)
    LDI     r8, 919423987
    CMP     r1, r8
    JMPEQ   ok_t
    LDI     r9, false
    JMP     ok_j
ok_t:
    LDI     r9, true
ok_j:
    PUSHARG r9
    LDI     r10, "loop: wrong result (expected 919423987)"
    PUSHARG r10
    CALL    assert
    PUSHARG r1
    CALL    print
    RET     r1
.end
