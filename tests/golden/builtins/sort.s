# sort: in place, ascending, stable; numbers compare across types, strings
# by bytes, bools false < true (spec §7.1).
# expect: () [1, 2, 3]
# expect: [1.5f64, 2i32, 3]
# expect: [1i32, 1, 1u8, 2]
# expect: [A, a, b, c]
# expect: [false, true]
# expect: Program returned: [1, 2, 3]
.function main
    CALL create_array
    MOV r10, r0
    LDI r1, 3
    LDI r2, 1
    LDI r3, 2
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL array_push
    PUSHARG r10
    CALL sort
    PUSHARG r0
    PUSHARG r10
    CALL print
    CALL create_array
    MOV r11, r0
    LDI r2, 1.5
    LDI r3, 2i32
    PUSHARG r11
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL array_push
    PUSHARG r11
    CALL sort
    PUSHARG r11
    CALL print
    CALL create_array
    MOV r11, r0
    LDI r1, 2
    LDI r2, 1i32
    LDI r3, 1
    LDI r4, 1u8
    PUSHARG r11
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL array_push
    PUSHARG r11
    CALL sort
    PUSHARG r11
    CALL print
    CALL create_array
    MOV r11, r0
    LDI r1, "c"
    LDI r2, "a"
    LDI r3, "b"
    LDI r4, "A"
    PUSHARG r11
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL array_push
    PUSHARG r11
    CALL sort
    PUSHARG r11
    CALL print
    CALL create_array
    MOV r11, r0
    LDI r1, true
    LDI r2, false
    PUSHARG r11
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    PUSHARG r11
    CALL sort
    PUSHARG r11
    CALL print
    RET r10
.end
