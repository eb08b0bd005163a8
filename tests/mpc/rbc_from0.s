# Party 0 broadcasts; every party receives it (with up to t parties silent).
.function main
    CALL Mpc.party_id
    LDI r1, 0
    CMP r0, r1
    JMPNEQ recv
    LDI r2, "hello from 0"
    PUSHARG r2
    CALL Rbc.broadcast
recv:
    LDI r3, 0
    LDI r4, 20000
    PUSHARG r3
    PUSHARG r4
    CALL Rbc.receive
    RET r0
.end
