# A point shorter than 33 bytes is a read past the end.
# expect-error: deserialize point: I/O error: Error { kind: UnexpectedEof
.function main
    CALL create_array
    MOV r5, r0
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r3, "p-256"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_to_sec1
    RET r0
.end
