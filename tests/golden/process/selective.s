# Selective receive: the oldest message the predicate accepts is taken,
# the others stay in order.  The predicate is a closure or a function name.
# expect: 2 1 4 3
# expect: 30
# expect: Program returned: 10
.function is_even params=m
    LDI r1, 2
    MOD r2, r0, r1
    LDI r1, 0
    LDI r0, false
    CMP r2, r1
    JMPNEQ no
    LDI r0, true
no:
    RET r0
.end

.function above params=m upvalues=limit
    MOV r5, r0
    LDI r1, "limit"
    PUSHARG r1
    CALL get_upvalue
    LDI r2, false
    CMP r5, r0
    JMPLT no
    JMPEQ no
    LDI r2, true
no:
    RET r2
.end

.function make_above params=limit
    LDI r1, "above"
    LDI r2, "limit"
    PUSHARG r1
    PUSHARG r2
    CALL create_closure
    RET r0
.end

.function main
    CALL Process.self
    MOV r1, r0
    LDI r2, 1
    LDI r3, 5
fill:
    PUSHARG r1
    PUSHARG r2
    CALL Process.send
    LDI r4, 1
    ADD r2, r2, r4
    CMP r2, r3
    JMPLT fill
    LDI r5, "is_even"
    PUSHARG r5
    CALL Process.receive_match
    MOV r6, r0
    CALL Process.receive
    MOV r7, r0
    PUSHARG r5
    CALL Process.receive_match
    MOV r8, r0
    CALL Process.receive
    PUSHARG r6
    PUSHARG r7
    PUSHARG r8
    PUSHARG r0
    CALL print
    LDI r2, 10
    PUSHARG r1
    PUSHARG r2
    CALL Process.send
    LDI r2, 30
    PUSHARG r1
    PUSHARG r2
    CALL Process.send
    LDI r2, 20
    PUSHARG r2
    CALL make_above
    PUSHARG r0
    CALL Process.receive_match
    PUSHARG r0
    CALL print
    CALL Process.receive
    RET r0
.end
