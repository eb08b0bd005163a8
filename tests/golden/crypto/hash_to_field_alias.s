# Curve names are trimmed and case-insensitive with upstream's aliases:
# " P256 " is p-256 (expected: sha256("abc") mod n_P256 in Python).
# expect: Program returned: byte[32] 0xad1500f261ff10b49c7a1796a36103b02322ae5dde404141eacf018fbf1678ba
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    MOV r2, r0
    LDI r3, " P256 "
    PUSHARG r2
    PUSHARG r3
    CALL Crypto.hash_to_field
    RET r0
.end
