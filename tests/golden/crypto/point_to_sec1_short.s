# A point shorter than 33 bytes is a read past the end.
# expect-error: deserialize point: I/O error: Error { kind: UnexpectedEof
.function main
    LDI r6, "0000000000000000000000000000000000000000"
    PUSHARG r6
    CALL Bytes.from_hex
    MOV r5, r0
    LDI r3, "p-256"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_to_sec1
    RET r0
.end
