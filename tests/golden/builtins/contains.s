# contains: substring for strings, deep membership for arrays, key presence
# for objects (spec §7.1).
# expect: true false true
# expect: true false
# expect: true false
# expect: Program returned: true
.function main
    LDI r1, "hello"
    LDI r2, "ell"
    PUSHARG r1
    PUSHARG r2
    CALL contains
    MOV r3, r0
    LDI r2, "xyz"
    PUSHARG r1
    PUSHARG r2
    CALL contains
    MOV r4, r0
    LDI r2, ""
    PUSHARG r1
    PUSHARG r2
    CALL contains
    PUSHARG r3
    PUSHARG r4
    PUSHARG r0
    CALL print
    CALL create_array
    MOV r10, r0
    CALL create_array
    MOV r11, r0
    CALL create_array
    MOV r12, r0
    LDI r1, 1
    LDI r2, 2
    PUSHARG r11
    PUSHARG r2
    CALL array_push         ; r11 = [2]
    PUSHARG r12
    PUSHARG r2
    CALL array_push         ; r12 = [2]
    PUSHARG r10
    PUSHARG r1
    PUSHARG r11
    CALL array_push         ; r10 = [1, [2]]
    PUSHARG r10
    PUSHARG r12
    CALL contains           ; deep: true
    MOV r3, r0
    LDI r5, 1i32
    PUSHARG r10
    PUSHARG r5
    CALL contains           ; 1i32 is not 1: false
    PUSHARG r3
    PUSHARG r0
    CALL print
    CALL create_object
    MOV r13, r0
    LDI r1, "k"
    LDI r2, "v"
    PUSHARG r13
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    PUSHARG r13
    PUSHARG r1
    CALL contains
    MOV r3, r0
    PUSHARG r13
    PUSHARG r2
    CALL contains
    PUSHARG r3
    PUSHARG r0
    CALL print
    RET r3
.end
