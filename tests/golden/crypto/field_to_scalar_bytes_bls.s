# The ECDSA conversions take secp256k1 and p-256 only (upstream's text).
# expect-error: Crypto.field_to_scalar_bytes supports secp256k1 and p-256, got bls12-381
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    MOV r2, r0
    LDI r3, "BLS12_381"
    PUSHARG r2
    PUSHARG r3
    CALL Crypto.hash_to_field
    PUSHARG r0
    PUSHARG r3
    CALL Crypto.field_to_scalar_bytes
    RET r0
.end
