# Crypto.point_x_to_field: x mod n as a scalar (ECDSA r), for -G of secp256k1
# (Python: Gx mod n, 32 bytes little-endian).
# expect: Program returned: byte[32] 0x9817f8165b81f259d928ce2ddbfc9b02070b87ce9562a055acbbdcf97e66be79
.function main
    LDI r6, "9817f8165b81f259d928ce2ddbfc9b02070b87ce9562a055acbbdcf97e66be7980"
    PUSHARG r6
    CALL Bytes.from_hex
    MOV r5, r0
    LDI r3, "secp256k1"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_x_to_field
    RET r0
.end
