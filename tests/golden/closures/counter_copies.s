# set_upvalue updates the one closure object in place, so every holder sees
# the new value: the register copy, a copy in a spill slot and a copy in an
# array (docs/compat.md: deliberate difference from upstream, where the
# spill and array copies would keep start = 10, spec §5.3).
# expect: 15 22
# expect: 23 24
# expect: Program returned: 32
.function make params=start
    LDI r1, "inc"
    PUSHARG r1
    LDI r1, "start"
    PUSHARG r1
    CALL create_closure
    RET r0
.end

.function inc params=amount upvalues=start
    MOV r5, r0
    LDI r1, "start"
    PUSHARG r1
    CALL get_upvalue
    ADD r2, r0, r5
    PUSHARG r1
    PUSHARG r2
    CALL set_upvalue
    RET r2
.end

.function main
    LDI r1, 10
    PUSHARG r1
    CALL make
    MOV r3, r0              ; the closure (start = 10)
    STS 0, r3               ; copy in a spill slot
    CALL create_array
    MOV r4, r0
    PUSHARG r4
    PUSHARG r3
    CALL array_push         ; copy in an array
    LDI r1, 5
    PUSHARG r3
    PUSHARG r1
    CALL call_closure       ; 15
    MOV r6, r0
    LDI r1, 7
    PUSHARG r3
    PUSHARG r1
    CALL call_closure       ; 22
    PUSHARG r6
    PUSHARG r0
    CALL print
    LDS r7, 0               ; spill copy: same closure (start = 22)
    LDI r1, 1
    PUSHARG r7
    PUSHARG r1
    CALL call_closure       ; 23
    MOV r6, r0
    LDI r8, 0
    PUSHARG r4
    PUSHARG r8
    CALL get_field          ; array copy: same closure (start = 23)
    MOV r9, r0
    PUSHARG r9
    PUSHARG r1
    CALL call_closure       ; 24
    PUSHARG r6
    PUSHARG r0
    CALL print
    LDI r1, 8
    PUSHARG r3
    PUSHARG r1
    CALL call_closure       ; 24 + 8
    RET r0
.end
