# 10M iterations of 3 field reads and 3 field writes on one object.
# Peer: bench-peers/fields.lua / fields.py.  Expected x + y + z = 20000004.
#
#   local obj = { x = 0, y = 1, z = 2 }
#   for i = 1, 10000000 do
#     obj.x = obj.x + 1
#     obj.y = obj.z + obj.x
#     obj.z = obj.y - i
#   end
#   print(obj.x + obj.y + obj.z)
#
# (Lua's obj.z + obj.x reads two fields; the loop does 4 reads and 3 writes
# as in the peers.)  The key strings are loaded once before the loop.
.function main
    CALL    create_object
    MOV     r1, r0              # obj
    LDI     r2, "x"
    LDI     r3, "y"
    LDI     r4, "z"
    LDI     r5, 0
    PUSHARG r1
    PUSHARG r2
    PUSHARG r5
    CALL    set_field           # obj.x = 0
    LDI     r5, 1
    PUSHARG r1
    PUSHARG r3
    PUSHARG r5
    CALL    set_field           # obj.y = 1
    LDI     r5, 2
    PUSHARG r1
    PUSHARG r4
    PUSHARG r5
    CALL    set_field           # obj.z = 2
    LDI     r6, 1               # i
    LDI     r7, 10000000        # loop limit
    LDI     r8, 1               # step and the constant 1
loop:
    CMP     r6, r7
    JMPGT   done
    PUSHARG r1
    PUSHARG r2
    CALL    get_field
    ADD     r9, r0, r8
    PUSHARG r1
    PUSHARG r2
    PUSHARG r9
    CALL    set_field           # obj.x = obj.x + 1
    PUSHARG r1
    PUSHARG r4
    CALL    get_field
    MOV     r9, r0
    PUSHARG r1
    PUSHARG r2
    CALL    get_field
    ADD     r9, r9, r0
    PUSHARG r1
    PUSHARG r3
    PUSHARG r9
    CALL    set_field           # obj.y = obj.z + obj.x
    PUSHARG r1
    PUSHARG r3
    CALL    get_field
    SUB     r9, r0, r6
    PUSHARG r1
    PUSHARG r4
    PUSHARG r9
    CALL    set_field           # obj.z = obj.y - i
    ADD     r6, r6, r8
    JMP     loop
done:
    PUSHARG r1
    PUSHARG r2
    CALL    get_field
    MOV     r9, r0
    PUSHARG r1
    PUSHARG r3
    CALL    get_field
    ADD     r9, r9, r0
    PUSHARG r1
    PUSHARG r4
    CALL    get_field
    ADD     r9, r9, r0          # obj.x + obj.y + obj.z
    # assert(sum == 20000004, ...)
    LDI     r10, 20000004
    CMP     r9, r10
    JMPEQ   ok_t
    LDI     r11, false
    JMP     ok_j
ok_t:
    LDI     r11, true
ok_j:
    PUSHARG r11
    LDI     r12, "fields: wrong result (expected 20000004)"
    PUSHARG r12
    CALL    assert
    PUSHARG r9
    CALL    print
    RET     r9
.end
