# Spec §15 "upvalue hooks test" without the hooks: the closure reads
# start=10, writes start=20 and returns the re-read value 20.
# expect: 10
# expect: Program returned: 20
.function make params=start
    LDI r1, "bump"
    PUSHARG r1
    LDI r1, "start"
    PUSHARG r1
    CALL create_closure
    RET r0
.end

.function bump upvalues=start
    LDI r1, "start"
    PUSHARG r1
    CALL get_upvalue
    MOV r2, r0
    PUSHARG r2
    CALL print
    LDI r3, 20
    PUSHARG r1
    PUSHARG r3
    CALL set_upvalue
    PUSHARG r1
    CALL get_upvalue
    RET r0
.end

.function main
    LDI r1, 10
    PUSHARG r1
    CALL make
    MOV r2, r0
    PUSHARG r2
    CALL call_closure
    RET r0
.end
