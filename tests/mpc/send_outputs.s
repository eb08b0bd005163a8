# Outputs to clients: the sum goes to client 0 with MpcOutput.send_to_client,
# the product is returned (a share, delivered to every client).  Used by
# tests/run.py (mpc/send_outputs).
.function main regs=20
    LDI r1, 0
    LDI r2, 1
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r17, r0
    ADD r18, r16, r17
    PUSHARG r1
    PUSHARG r18
    CALL MpcOutput.send_to_client
    MUL r19, r16, r17
    RET r19
.end
