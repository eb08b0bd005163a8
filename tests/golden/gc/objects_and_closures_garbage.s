# Garbage objects that reference arrays and closures (with captured
# upvalues) are collected too; a cycle (object referencing itself) is
# garbage as well.
# max-rss-mb: 64
# timeout: 300
# expect: Program returned: 500000
.function make params=v
    LDI r1, "get"
    PUSHARG r1
    LDI r1, "v"
    PUSHARG r1
    CALL create_closure
    RET r0
.end

.function get upvalues=v
    LDI r1, "v"
    PUSHARG r1
    CALL get_upvalue
    RET r0
.end

.function main
    LDI r1, 0
    LDI r2, 500000
    LDI r3, 1
    LDI r7, "self"
    LDI r8, "f"
loop:
    CALL create_object
    MOV r10, r0
    PUSHARG r10
    PUSHARG r7
    PUSHARG r10
    CALL set_field          ; o.self = o
    PUSHARG r1
    CALL make
    MOV r11, r0
    PUSHARG r10
    PUSHARG r8
    PUSHARG r11
    CALL set_field          ; o.f = closure over i
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    PUSHARG r10
    PUSHARG r8
    CALL get_field
    MOV r12, r0
    PUSHARG r12
    CALL call_closure       ; the last closure captured 499999
    ADD r0, r0, r3
    RET r0
.end
