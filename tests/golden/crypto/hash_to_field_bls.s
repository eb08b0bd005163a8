# Crypto.hash_to_field(SHA-256("abc"), "bls12-381"): the hash as a big-endian
# integer mod r, returned as arkworks serializes Fr (32 bytes little-endian).
# Expected value: int(sha256("abc"), big-endian) mod r, computed with Python.
# expect: Program returned: byte[32] 0xac1500f262ff10b49d1e1996a0bd455c1e4a0c54d668070ea25264656c6f8a46
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    MOV r2, r0
    LDI r3, "bls12-381"
    PUSHARG r2
    PUSHARG r3
    CALL Crypto.hash_to_field
    RET r0
.end
