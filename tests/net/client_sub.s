# Client 0's input minus client 1's: the sign shows which client sits in
# which seat.  Used by tests/net/client_io_tests.py (--client-index).
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
    SUB r18, r16, r17
    RET r18
.end
