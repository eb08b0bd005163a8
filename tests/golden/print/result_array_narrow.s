# narrow ints inside arrays also lose their suffix; a mixed array is not a byte array (CLI result formatter, spec §12).
# expect: Program returned: [1, 2]
.function main
    CALL create_array
    MOV r1, r0
    LDI r3, 1u8
    LDI r4, 2i32
    PUSHARG r1
    PUSHARG r3
    PUSHARG r4
    CALL array_push
    RET r1
.end
