# A bit's intermediate values keep their value when a bound is exceeded
# (docs/mpc.md "Share bounds"): x = 2x - x·x leaves a bit x unchanged, but
# its public bound doubles each step (1, 3, 7, ..., 127).  Once x·x passes
# what any wrap can take, the sum 2x beside it is not wrapped to 1 bit
# (that made 2 into 0 and x into -1, then -3: the StoffelLang AES
# examples printed 255s at -O2), so x stays 1.
# args: main --local-mpc --n-parties 4 --threshold 1 --inputs 1
# expect: 1
# expect: Program returned: 0
.version 2
.client 0 inputs=int:1
.function main regs=24
    LDI r1, 0
    LDI r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL ClientStore.take_share
    MOV r16, r0
    LDI r7, 1
    PUSHARG r16
    PUSHARG r7
    CALL Share.retag
    MOV r16, r0
    LDI r4, 0
    LDI r5, 8
    LDI r6, 1
loop:
    MUL r18, r16, r16
    ADD r19, r16, r16
    SUB r16, r19, r18
    ADD r4, r4, r6
    CMP r4, r5
    JMPLT loop
    LDI r7, 64
    PUSHARG r16
    PUSHARG r7
    CALL Share.retag
    MOV r20, r0
    MOV r3, r20
    PUSHARG r3
    CALL print
    LDI r0, 0
    RET r0
.end
