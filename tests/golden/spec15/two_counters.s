# Spec §15: two closures over different `start` values (10 and 20); the
# function computes start+start; calling the second gives 40.
# expect: 20
# expect: Program returned: 40
.function make params=start
    LDI r1, "increment"
    PUSHARG r1
    LDI r2, "start"
    PUSHARG r2
    CALL create_closure
    RET r0
.end

.function increment upvalues=start
    LDI r1, "start"
    PUSHARG r1
    CALL get_upvalue
    ADD r0, r0, r0
    RET r0
.end

.function main
    LDI r1, 10
    PUSHARG r1
    CALL make
    MOV r3, r0
    LDI r1, 20
    PUSHARG r1
    CALL make
    MOV r4, r0
    PUSHARG r3
    CALL call_closure
    PUSHARG r0
    CALL print
    PUSHARG r4
    CALL call_closure
    RET r0
.end
