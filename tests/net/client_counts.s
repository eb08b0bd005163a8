# (client 0's input 0 - its input 1) + (client 1's inputs 0 + 1 - 2), as a
# share for every client.  No manifest: each client's input count is what it
# declares (2 and 3 in tests/net/client_count_tests.py), and a third client
# without inputs only receives the result.
.function main regs=24
    LDI r0, 0
    LDI r1, 1
    LDI r2, 2
    PUSHARG r0
    PUSHARG r0
    CALL ClientStore.take_share
    MOV r16, r0
    LDI r0, 0
    PUSHARG r0
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r17, r0
    SUB r18, r16, r17
    LDI r0, 0
    PUSHARG r1
    PUSHARG r0
    CALL ClientStore.take_share
    MOV r19, r0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r20, r0
    PUSHARG r1
    PUSHARG r2
    CALL ClientStore.take_share
    MOV r21, r0
    ADD r22, r19, r20
    SUB r22, r22, r21
    ADD r23, r18, r22
    RET r23
.end
