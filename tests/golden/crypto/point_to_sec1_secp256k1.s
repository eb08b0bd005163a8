# Crypto.point_to_sec1 turns an arkworks-compressed point (x little-endian,
# flag byte) into SEC1: the secp256k1 generator (even y) gives 02 || x.
# expect: Program returned: byte[33] 0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798
.function main
    CALL create_array
    MOV r5, r0
    LDI r6, 152u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 23u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 248u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 22u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 91u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 129u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 242u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 89u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 217u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 40u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 206u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 45u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 219u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 252u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 155u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 2u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 7u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 11u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 135u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 206u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 149u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 98u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 160u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 85u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 172u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 187u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 220u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 249u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 126u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 102u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 190u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 121u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r6, 0u8
    PUSHARG r5
    PUSHARG r6
    CALL array_push
    LDI r3, "secp256k1"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_to_sec1
    RET r0
.end
