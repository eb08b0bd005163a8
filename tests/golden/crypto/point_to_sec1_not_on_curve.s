# x = 5 is not the x of a secp256k1 point (5^3 + 7 = 132 is not a square mod p).
# expect-error: deserialize point: the input buffer contained invalid data (not a valid secp256k1 point
.function main
    LDI r6, "050000000000000000000000000000000000000000000000000000000000000000"
    PUSHARG r6
    CALL Bytes.from_hex
    MOV r5, r0
    LDI r3, "secp256k1"
    PUSHARG r5
    PUSHARG r3
    CALL Crypto.point_to_sec1
    RET r0
.end
