# Rbc.* argument errors and the receive timeout, with upstream's texts.
# ENTRY selects the case (tests/run.py).
.function bad_message
    LDI r1, 5
    PUSHARG r1
    CALL Rbc.broadcast
    RET r0
.end
.function bad_party
    LDI r1, -1
    LDI r2, 10
    PUSHARG r1
    PUSHARG r2
    CALL Rbc.receive
    RET r0
.end
.function timeout
    LDI r1, 1
    LDI r2, 50
    PUSHARG r1
    PUSHARG r2
    CALL Rbc.receive
    RET r0
.end
.function timeout_any
    LDI r2, 50
    PUSHARG r2
    CALL Rbc.receive_any
    RET r0
.end
.function arity
    LDI r2, 50
    PUSHARG r2
    CALL Rbc.receive
    RET r0
.end
