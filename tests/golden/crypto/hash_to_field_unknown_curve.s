# An unknown curve name is upstream's error, naming the lower-cased input.
# expect-error: Foreign function Crypto.hash_to_field failed: Invalid curve name: Unknown MPC curve 'foo'. Supported curves: bls12-381, bn254, curve25519, ed25519, secp256k1, p-256
# expect-error: at main, instruction 9
.function main
    LDI r1, "abc"
    PUSHARG r1
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    MOV r2, r0
    LDI r3, "Foo"
    PUSHARG r2
    PUSHARG r3
    CALL Crypto.hash_to_field
    RET r0
.end
