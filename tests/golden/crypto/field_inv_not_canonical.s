# A value not below the modulus (32 bytes of 0xff) is rejected.
# expect-error: deserialize field element: the input buffer contained invalid data
.function main
    CALL create_array
    MOV r5, r0
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 255u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r3, "secp256k1"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.field_inv
    RET r0
.end
