# Crypto.field_inv inverts a scalar of p-256 (Python: pow(x, -1, n)).
# expect: Program returned: byte[32] 0x7f85dccd9dad03db51491e5cb29eb9f37d847ff50f992c7a0702b5bf67a48017
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    MOV r2, r0
    LDI r3, "p-256"
    PUSHARG r2
    PUSHARG r3
    CALL Crypto.hash_to_field
    PUSHARG r0
    PUSHARG r3
    CALL Crypto.field_inv
    RET r0
.end
