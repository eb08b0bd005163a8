# Threshold ECDSA (upstream's threshold_ecdsa_* without a client) on the
# curve CURVE, which tests/run.py replaces (secp256k1, p-256).
# Key, gamma and nonce k by DKG; delta = gamma·k opened; k^-1 =
# gamma·delta^-1; R = k·G opened in the exponent, r = x(R) mod n;
# s = k^-1·(z + r·x) opened.  Result: r(32 BE) || s(32 BE) || SEC1 pk(33).
.function main
    CALL Share.random
    MOV r1, r0                      ; x
    LDI r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL Share.get_commitment
    MOV r3, r0                      ; pk (arkworks)
    LDI r7, "stoffel-avss-threshold-ecdsa-demo-message-v1"
    PUSHARG r7
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.sha256
    LDI r7, "CURVE"
    PUSHARG r0
    PUSHARG r7
    CALL Crypto.hash_to_field
    MOV r8, r0                      ; z
    CALL Share.random
    MOV r4, r0                      ; gamma
    CALL Share.random
    MOV r5, r0                      ; k
    PUSHARG r4
    PUSHARG r5
    CALL Share.mul
    PUSHARG r0
    CALL Share.open_field
    PUSHARG r0
    PUSHARG r7
    CALL Crypto.field_inv
    PUSHARG r4
    PUSHARG r0
    CALL Share.mul_field
    MOV r6, r0                      ; k^-1
    PUSHARG r5
    PUSHARG r7
    CALL Share.open_exp
    PUSHARG r0
    PUSHARG r7
    CALL Crypto.point_x_to_field
    MOV r9, r0                      ; r
    PUSHARG r1
    PUSHARG r6
    CALL Share.mul
    PUSHARG r0
    PUSHARG r9
    CALL Share.mul_field
    MOV r10, r0                     ; r·x/k
    PUSHARG r6
    PUSHARG r8
    CALL Share.mul_field
    PUSHARG r0
    PUSHARG r10
    CALL Share.add
    PUSHARG r0
    CALL Share.open_field
    PUSHARG r0
    PUSHARG r7
    CALL Crypto.field_to_scalar_bytes
    MOV r11, r0                     ; s
    PUSHARG r9
    PUSHARG r7
    CALL Crypto.field_to_scalar_bytes
    PUSHARG r0
    PUSHARG r11
    CALL Bytes.concat
    MOV r12, r0
    PUSHARG r3
    PUSHARG r7
    CALL Crypto.point_to_sec1
    PUSHARG r12
    PUSHARG r0
    CALL Bytes.concat
    RET r0
.end
