# The point at infinity (flag 0x40) has no SEC1 compressed form here.
# expect-error: point is the point at infinity
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
    LDI r6, 64u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r3, "p-256"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_to_sec1
    RET r0
.end
