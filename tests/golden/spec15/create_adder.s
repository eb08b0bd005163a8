# Spec §15: create_adder(10) returns a closure over x; call_closure(add, 5).
# expect: Program returned: 15
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
    PUSHARG r2
    LDI r3, 5
    PUSHARG r3
    CALL call_closure
    RET r0
.end
