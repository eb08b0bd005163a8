# Zero has no inverse (the hash of no bytes reduces to zero).
# expect-error: Foreign function Crypto.field_inv failed: field inverse is undefined for zero
# expect-error: at main, instruction 9
.function main
    LDI r1, ""
    PUSHARG r1
    CALL Bytes.from_string
    LDI r3, "bls12-381"
    PUSHARG r0
    PUSHARG r3
    CALL Crypto.hash_to_field
    PUSHARG r0
    PUSHARG r3
    CALL Crypto.field_inv
    RET r0
.end
