# Bytes.concat joins two byte arrays (spec §7.4).
# expect: Program returned: byte[5] 0x6869212121
.function main
    LDI r1, "hi"
    PUSHARG r1
    CALL Bytes.from_string
    MOV r2, r0
    LDI r1, "!!!"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r2
    PUSHARG r0
    CALL Bytes.concat
    RET r0
.end
