# Crypto.hash_to_field for bn254 (Python: sha256("abc") mod r_BN254).
# expect: Program returned: byte[32] 0xaa150022a61e6be8e828eb28caa867370c192ad9ba6f50186def6ceb662b4b29
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    MOV r2, r0
    LDI r3, "bn254"
    PUSHARG r2
    PUSHARG r3
    CALL Crypto.hash_to_field
    RET r0
.end
