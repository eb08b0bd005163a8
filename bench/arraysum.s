# Push 10M integers onto a growing array, then sum them by index.
# Peer: bench-peers/arraysum.lua / arraysum.py.  Expected 50000005000000.
#
#   local t = {}
#   local n = 0
#   for i = 1, 10000000 do n = n + 1; t[n] = i end
#   local s = 0
#   for i = 1, n do s = s + t[i] end
#   print(s)
#
# Appends use array_push, reads get_field with a 0-based index.
.function main
    CALL    create_array
    MOV     r1, r0              # t
    LDI     r2, 1               # i
    LDI     r3, 10000000        # loop limit
    LDI     r4, 1               # step
push:
    CMP     r2, r3
    JMPGT   pushed
    PUSHARG r1
    PUSHARG r2
    CALL    array_push
    ADD     r2, r2, r4
    JMP     push
pushed:
    PUSHARG r1
    CALL    array_length
    SUB     r5, r0, r4          # last index = length - 1
    LDI     r6, 0               # s
    LDI     r2, 0               # i
sum:
    CMP     r2, r5
    JMPGT   done
    PUSHARG r1
    PUSHARG r2
    CALL    get_field
    ADD     r6, r6, r0
    ADD     r2, r2, r4
    JMP     sum
done:
    # assert(s == 50000005000000, ...)
    LDI     r7, 50000005000000
    CMP     r6, r7
    JMPEQ   ok_t
    LDI     r8, false
    JMP     ok_j
ok_t:
    LDI     r8, true
ok_j:
    PUSHARG r8
    LDI     r9, "arraysum: wrong sum (expected 50000005000000)"
    PUSHARG r9
    CALL    assert
    PUSHARG r6
    CALL    print
    RET     r6
.end
