# Client 0's input minus client 1's: the result is signed and depends on
# the clients' order (tests/net/client_io_tests.py reads the seats from
# it).  Our own stand-in for upstream's client_sub_order.stflb.
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
    SUB r18, r16, r17
    RET r18
.end
