# ed25519 is not an ECDSA curve.
# expect-error: Crypto.point_x_to_field supports secp256k1 and p-256, got ed25519
.function main
    LDI r6, "9817f8165b81f259d928ce2ddbfc9b02070b87ce9562a055acbbdcf97e66be7900"
    PUSHARG r6
    CALL Bytes.from_hex
    MOV r5, r0
    LDI r3, "ed25519"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_x_to_field
    RET r0
.end
