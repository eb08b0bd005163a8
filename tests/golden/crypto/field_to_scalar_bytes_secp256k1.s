# Crypto.field_to_scalar_bytes: the scalar as 32 bytes big-endian (Python).
# expect: Program returned: byte[32] 0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    MOV r2, r0
    LDI r3, "secp256k1"
    PUSHARG r2
    PUSHARG r3
    CALL Crypto.hash_to_field
    PUSHARG r0
    PUSHARG r3
    CALL Crypto.field_to_scalar_bytes
    RET r0
.end
