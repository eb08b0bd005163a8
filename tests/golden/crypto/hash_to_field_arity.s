# Crypto.hash_to_field needs 2 arguments.
# expect-error: Crypto.hash_to_field expects 2 arguments: hash_bytes, curve_name
# expect-error: at main, instruction 7
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    MOV r2, r0
    PUSHARG r2
    CALL Crypto.hash_to_field
    RET r0
.end
