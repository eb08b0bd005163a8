# a non-empty array of only U8 prints as byte[N] 0x<hex> (CLI result formatter, spec §12).
# expect: Program returned: byte[3] 0x0a0b0c
.function main
    CALL create_array
    MOV r1, r0
    LDI r3, 10u8
    LDI r4, 11u8
    LDI r5, 12u8
    PUSHARG r1
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL array_push
    RET r1
.end
