# Crypto.point_x_to_field on the P-256 generator.
# expect: Program returned: byte[32] 0x96c298d84539a1f4a033eb2d817d0377f240a463e5e6bcf847422ce1f2d1176b
.function main
    LDI r6, "96c298d84539a1f4a033eb2d817d0377f240a463e5e6bcf847422ce1f2d1176b00"
    PUSHARG r6
    CALL Bytes.from_hex
    MOV r5, r0
    LDI r3, "p-256"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_x_to_field
    RET r0
.end
