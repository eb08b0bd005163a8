# Crypto.hash_to_field for ed25519 reads the bytes little-endian (RFC 8032),
# reduced mod l (Python: int.from_bytes(sha256("abc"), "little") mod l).
# expect: Program returned: byte[32] 0x78317c1d8822177ae2209480abeb6c52af0361a396177a9cb410ff61f200150d
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    MOV r2, r0
    LDI r3, "ed25519"
    PUSHARG r2
    PUSHARG r3
    CALL Crypto.hash_to_field
    RET r0
.end
