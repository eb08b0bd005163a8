# 1M closure creations, each called twice (2M closure calls).
# Peer: bench-peers/closure.lua / closure.py.  Expected total 2000000.
#
#   local function make_counter()
#     local count = 0
#     return function() count = count + 1; return count end
#   end
#   local total = 0
#   for i = 1, 1000000 do
#     local c = make_counter()
#     c()
#     total = total + c()
#   end
#
# StoffelVM captures by name, and only parameters and upvalues have names
# (spec §5.1), so the local `count` becomes make_counter's parameter and the
# caller passes its initial value 0.  The counter body reads and writes the
# upvalue with get_upvalue / set_upvalue; the second call must see 2, so the
# update has to persist in the closure (spec §5.3).
.function make_counter params=count
    LDI     r1, "counter"
    PUSHARG r1
    LDI     r2, "count"
    PUSHARG r2
    CALL    create_closure
    RET     r0
.end

.function counter upvalues=count
    LDI     r1, "count"
    PUSHARG r1
    CALL    get_upvalue
    LDI     r2, 1
    ADD     r2, r0, r2          # count + 1
    PUSHARG r1
    PUSHARG r2
    CALL    set_upvalue
    RET     r2
.end

.function main
    LDI     r1, 0               # total
    LDI     r2, 1               # i
    LDI     r3, 1000000         # loop limit
    LDI     r4, 1               # step
loop:
    CMP     r2, r3
    JMPGT   done
    LDI     r5, 0
    PUSHARG r5
    CALL    make_counter
    MOV     r6, r0              # c
    PUSHARG r6
    CALL    call_closure        # c()
    PUSHARG r6
    CALL    call_closure        # c()
    ADD     r1, r1, r0
    ADD     r2, r2, r4
    JMP     loop
done:
    # assert(total == 2000000, ...)
    LDI     r7, 2000000
    CMP     r1, r7
    JMPEQ   ok_t
    LDI     r8, false
    JMP     ok_j
ok_t:
    LDI     r8, true
ok_j:
    PUSHARG r8
    LDI     r9, "closure: wrong total (expected 2000000)"
    PUSHARG r9
    CALL    assert
    PUSHARG r1
    CALL    print
    RET     r1
.end
