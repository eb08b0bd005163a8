# The product of two clients' secret inputs, returned to every client:
# client 0's input times client 1's.  examples/network_session.sh runs it
# networked; the tests use it where upstream's client_mul.stflb is absent.
.function main regs=20
    LDI r0, 0
    LDI r1, 1
    PUSHARG r0
    PUSHARG r0
    CALL ClientStore.take_share
    MOV r16, r0
    LDI r0, 0
    PUSHARG r1
    PUSHARG r0
    CALL ClientStore.take_share
    MOV r17, r0
    MUL r18, r16, r17
    RET r18
.end
