# Threshold BLS over BLS12-381 (upstream's threshold_bls_bls12381 without a
# client): the key by DKG, pk = sk·G2 and sig = sk·H(m) opened in the
# exponent.  Result: sig_g1(48) || pk_g2(96) || H(m)_g1(48).
.function main
    CALL Share.random
    MOV r1, r0                      ; secret key share
    LDI r2, "bls12-381-g2"
    PUSHARG r1
    PUSHARG r2
    CALL Share.open_exp
    MOV r3, r0                      ; public key
    LDI r2, "test message for bls"
    PUSHARG r2
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.hash_to_g1
    MOV r4, r0                      ; H(m)
    PUSHARG r1
    PUSHARG r4
    CALL Share.open_exp_custom
    PUSHARG r0
    PUSHARG r3
    CALL Bytes.concat
    PUSHARG r0
    PUSHARG r4
    CALL Bytes.concat
    RET r0
.end
