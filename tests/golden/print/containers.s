# print expands arrays and objects; strings inside containers are raw,
# other elements debug text (spec §7.3).
# expect: [x, 2, [3]]
# expect: [1i32, 1.5f64, (), true, -0f64]
# expect: []
# expect: {}
# expect: {name: test}
# expect: {1i32: [a]}
# expect: [{k: 1u8}]
# expect: Program returned: ()
.function main
    CALL create_array
    MOV r10, r0
    CALL create_array
    MOV r11, r0
    LDI r1, 3
    PUSHARG r11
    PUSHARG r1
    CALL array_push
    LDI r1, "x"
    LDI r2, 2
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r11
    CALL array_push
    PUSHARG r10
    CALL print
    CALL create_array
    MOV r10, r0
    LDI r1, 1i32
    LDI r2, 1.5
    LDI r3, ()
    LDI r4, true
    LDI r5, -0.0
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL array_push
    PUSHARG r10
    CALL print
    CALL create_array
    PUSHARG r0
    CALL print
    CALL create_object
    PUSHARG r0
    CALL print
    CALL create_object
    MOV r10, r0
    LDI r1, "name"
    LDI r2, "test"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    PUSHARG r10
    CALL print
    CALL create_object
    MOV r10, r0
    CALL create_array
    MOV r11, r0
    LDI r1, "a"
    PUSHARG r11
    PUSHARG r1
    CALL array_push
    LDI r1, 1i32
    PUSHARG r10
    PUSHARG r1
    PUSHARG r11
    CALL set_field
    PUSHARG r10
    CALL print
    CALL create_object
    MOV r10, r0
    LDI r1, "k"
    LDI r2, 1u8
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    CALL create_array
    MOV r11, r0
    PUSHARG r11
    PUSHARG r10
    CALL array_push
    PUSHARG r11
    CALL print
    RET r0
.end
