# bench/avss_bls_sign11.s: threshold BLS with one key and eleven
# signatures of different messages (bench/avss_bench.c): this session
# minus the one-signature session (tests/avss/threshold_bls.s), over ten,
# is the cost of one signature with the key already generated.  Returns
# the last signature.
.function main
    CALL Share.random
    MOV r1, r0                      ; secret key share
    LDI r2, "bls12-381-g2"
    PUSHARG r1
    PUSHARG r2
    CALL Share.open_exp             ; public key
    LDI r6, 0                       ; message counter
again:
    PUSHARG r6
    CALL to_string
    PUSHARG r0
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.hash_to_g1
    PUSHARG r1
    PUSHARG r0
    CALL Share.open_exp_custom
    MOV r5, r0                      ; signature
    LDI r7, 1
    ADD r6, r6, r7
    LDI r7, 11
    CMP r6, r7
    JMPLT again
    RET r5
.end
