# byte arrays keep leading zero bytes (CLI result formatter, spec §12).
# expect: Program returned: byte[2] 0x00ff
.function main
    CALL create_array
    MOV r1, r0
    LDI r3, 0u8
    LDI r4, 255u8
    PUSHARG r1
    PUSHARG r3
    PUSHARG r4
    CALL array_push
    RET r1
.end
