# upstream's avss_certificate/sign, with the key that certificate_keygen.s
# stored in the party's local store (--local-store) instead of a fresh one:
# threshold ECDSA as threshold_ecdsa.s on the session's curve (Mpc.curve).
# Result: r(32 BE) || s(32 BE) || SEC1 pk(33).
.function main
    LDI r1, "ca:avss:sk:v1"
    PUSHARG r1
    CALL LocalStorage.load
    MOV r1, r0                      ; x, from certificate_keygen.s
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
    MOV r8, r0
    CALL Mpc.curve
    MOV r7, r0
    PUSHARG r8
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
