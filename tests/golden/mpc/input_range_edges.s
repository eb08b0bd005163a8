# Inputs at the edges of their declared types' ranges pass the range check
# of client inputs (issue 20 item 1): 0 and 65535
# for uint:16 from both clients (the signed edges: tests/unit/test_input_range.c).
# args: main --local-mpc --n-parties 4 --threshold 1 --inputs 0:65535,0:0
# expect: Program returned: 65535
.version 2
.client 0 inputs=uint:16,uint:16
.client 1 inputs=uint:16,uint:16
.function main
    LDI r1, 0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    PUSHARG r1
    PUSHARG r2
    CALL ClientStore.take_share
    MOV r17, r0
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r18, r0
    PUSHARG r2
    PUSHARG r2
    CALL ClientStore.take_share
    MOV r19, r0
    ADD r16, r16, r17
    ADD r16, r16, r18
    ADD r16, r16, r19
    MOV r3, r16
    RET r3
.end
