# Crypto.point_to_sec1 turns an arkworks-compressed point (x little-endian,
# flag byte) into SEC1: the secp256k1 generator (even y) gives 02 || x.
# expect: Program returned: byte[33] 0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798
.function main
    LDI r6, "9817f8165b81f259d928ce2ddbfc9b02070b87ce9562a055acbbdcf97e66be7900"
    PUSHARG r6
    CALL Bytes.from_hex
    MOV r5, r0
    LDI r3, "secp256k1"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_to_sec1
    RET r0
.end
