# Share.open_exp and Share.open_exp_custom on the HoneyBadger backend over
# BLS12-381: client 0 gives 15; the program returns
# 15·G1 || 15·G2 || 15·hash_to_g1("msg") (48 + 96 + 48 bytes, compressed).
# Used by tests/run.py (mpc/open_exp_*), with and without faulty parties.
.function main regs=20
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0                     # x = 15
    LDI r2, "bls12-381-g1"
    PUSHARG r16
    PUSHARG r2
    CALL Share.open_exp
    MOV r3, r0
    LDI r2, " BLS12-381-G2 "        # names are trimmed and case-insensitive
    PUSHARG r16
    PUSHARG r2
    CALL Share.open_exp
    PUSHARG r3
    PUSHARG r0
    CALL Bytes.concat
    MOV r3, r0
    LDI r2, "msg"
    PUSHARG r2
    CALL Bytes.from_string
    PUSHARG r0
    CALL Crypto.hash_to_g1
    MOV r4, r0
    PUSHARG r16
    PUSHARG r4
    CALL Share.open_exp_custom
    PUSHARG r3
    PUSHARG r0
    CALL Bytes.concat
    RET r0
.end
