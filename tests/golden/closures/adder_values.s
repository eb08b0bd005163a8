# Capture is by value at creation time (spec §5.1): two adders over
# different x; print/type of a closure (spec §1.1, §1.9).
# expect: 15 105
# expect: Function(add) function
# expect: Program returned: Function(add)
.function create_adder params=x
    LDI r1, "add"
    PUSHARG r1
    LDI r2, "x"
    PUSHARG r2
    CALL create_closure
    RET r0
.end

.function add params=y upvalues=x
    MOV r5, r0
    LDI r1, "x"
    PUSHARG r1
    CALL get_upvalue
    ADD r0, r0, r5
    RET r0
.end

.function main
    LDI r1, 10
    PUSHARG r1
    CALL create_adder
    MOV r2, r0
    LDI r1, 100
    PUSHARG r1
    CALL create_adder
    MOV r3, r0
    LDI r4, 5
    PUSHARG r2
    PUSHARG r4
    CALL call_closure
    MOV r5, r0
    PUSHARG r3
    PUSHARG r4
    CALL call_closure
    PUSHARG r5
    PUSHARG r0
    CALL print
    PUSHARG r2
    CALL type
    PUSHARG r2
    PUSHARG r0
    CALL print
    RET r2
.end
