# Threshold Schnorr signature over ed25519 (upstream's
# threshold_schnorr_ed25519 without a client): key and nonce by DKG, their
# public points from the commitments, e = SHA-256(R || m) mod l,
# s = k + e·x opened robustly.  Result: R(32) || s(32) || pk(32), points in
# upstream's (arkworks) encoding.
.function main
    CALL Share.random
    MOV r1, r0                      ; x
    LDI r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL Share.get_commitment
    MOV r3, r0                      ; pk
    CALL Share.random
    MOV r4, r0                      ; k
    PUSHARG r4
    PUSHARG r2
    CALL Share.get_commitment
    MOV r5, r0                      ; R
    MOV r6, r5
    LDI r7, "test message for schnorr"
    PUSHARG r7
    CALL Bytes.from_string
    PUSHARG r6
    PUSHARG r0
    CALL Bytes.concat
    PUSHARG r0
    CALL Crypto.sha256
    LDI r7, "ed25519"
    PUSHARG r0
    PUSHARG r7
    CALL Crypto.hash_to_field
    MOV r8, r0                      ; e
    PUSHARG r1
    PUSHARG r8
    CALL Share.mul_field
    PUSHARG r4
    PUSHARG r0
    CALL Share.add
    PUSHARG r0
    CALL Share.open_field
    MOV r9, r0                      ; s
    PUSHARG r5
    PUSHARG r9
    CALL Bytes.concat
    PUSHARG r0
    PUSHARG r3
    CALL Bytes.concat
    RET r0
.end
