# Spec §5.3/§15: counter closure starting at 10, called with +5 then +7.
# set_upvalue replaces the closure held in main's register, so the second
# call sees 15.
# expect: 15
# expect: Program returned: 22
.function create_counter params=start
    LDI r1, "increment"
    PUSHARG r1
    LDI r2, "start"
    PUSHARG r2
    CALL create_closure
    RET r0
.end

.function increment params=amount upvalues=start
    MOV r5, r0              ; amount (r0 is overwritten by calls)
    LDI r1, "start"
    PUSHARG r1
    CALL get_upvalue
    ADD r2, r0, r5
    LDI r1, "start"
    PUSHARG r1
    PUSHARG r2
    CALL set_upvalue
    RET r2
.end

.function main
    LDI r1, 10
    PUSHARG r1
    CALL create_counter
    MOV r3, r0              ; the counter closure
    PUSHARG r3
    LDI r1, 5
    PUSHARG r1
    CALL call_closure
    PUSHARG r0
    CALL print
    PUSHARG r3
    LDI r1, 7
    PUSHARG r1
    CALL call_closure
    RET r0
.end
