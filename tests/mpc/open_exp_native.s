# Share.open_exp on the HoneyBadger backend with --mpc-curve bn254 or
# ed25519: client 0 gives 15; the program returns 15·G in the session's own
# group (bn254-g1 or ed25519-edwards, arkworks' compressed encoding), then
# the same through Share.open_exp_custom with G's encoding as the base
# (obtained by opening the public value 1 in the exponent).
# Used by tests/run.py (mpc/open_exp_bn254, mpc/open_exp_ed25519).
.function main regs=20
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0                     # x = 15
    LDI r2, "bn254-g1"
    CALL Mpc.curve
    LDI r5, "bn254"
    CMP r0, r5
    JMPEQ chosen
    LDI r2, "ed25519-edwards"
chosen:
    PUSHARG r16
    PUSHARG r2
    CALL Share.open_exp
    MOV r3, r0
    LDI r4, 1
    PUSHARG r4
    CALL Share.from_clear
    PUSHARG r0
    PUSHARG r2
    CALL Share.open_exp               # 1·G: the generator's encoding
    PUSHARG r16
    PUSHARG r0
    CALL Share.open_exp_custom
    PUSHARG r3
    PUSHARG r0
    CALL Bytes.concat
    RET r0
.end
