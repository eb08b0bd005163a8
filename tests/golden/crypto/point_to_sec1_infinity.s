# The point at infinity (flag 0x40) has no SEC1 compressed form here.
# expect-error: point is the point at infinity
.function main
    LDI r6, "000000000000000000000000000000000000000000000000000000000000000040"
    PUSHARG r6
    CALL Bytes.from_hex
    MOV r5, r0
    LDI r3, "p-256"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_to_sec1
    RET r0
.end
