# 100M iterations of s = s + i*3; if s >= P then s = s - P end (no modulo).
# Peer: bench-peers/loopcmp.lua / loopcmp.py.  Expected result 45000000.
#
#   local s = 0
#   for i = 1, 100000000 do
#     s = s + i * 3
#     if s >= 1000000007 then s = s - 1000000007 end
#   end
#   print(s)
.function main
    LDI     r1, 0               # s
    LDI     r2, 1               # i
    LDI     r3, 100000000       # loop limit
    LDI     r4, 3
    LDI     r5, 1000000007      # P
    LDI     r6, 1               # step
loop:
    CMP     r2, r3
    JMPGT   done
    MUL     r7, r2, r4
    ADD     r1, r1, r7
    CMP     r1, r5
    JMPLT   skip                # not (s >= P)
    SUB     r1, r1, r5
skip:
    ADD     r2, r2, r6
    JMP     loop
done:
    # assert(s == 45000000, ...)
    LDI     r8, 45000000
    CMP     r1, r8
    JMPEQ   ok_t
    LDI     r9, false
    JMP     ok_j
ok_t:
    LDI     r9, true
ok_j:
    PUSHARG r9
    LDI     r10, "loopcmp: wrong result (expected 45000000)"
    PUSHARG r10
    CALL    assert
    PUSHARG r1
    CALL    print
    RET     r1
.end
