# Reliable broadcast: every party broadcasts "p<id>;" and then receives
# every party's broadcast in party order; all parties return the same
# concatenation (tests/run.py checks the result).
.function main
    CALL Mpc.party_id
    PUSHARG r0
    CALL to_string
    LDI r1, "p"
    ADD r1, r1, r0
    LDI r2, ";"
    ADD r1, r1, r2
    PUSHARG r1
    CALL Rbc.broadcast
    CALL Mpc.n_parties
    MOV r6, r0
    LDI r5, 0
    LDI r7, ""
loop:
    CMP r5, r6
    JMPEQ done
    LDI r8, 20000
    PUSHARG r5
    PUSHARG r8
    CALL Rbc.receive
    ADD r7, r7, r0
    LDI r9, 1
    ADD r5, r5, r9
    JMP loop
done:
    RET r7
.end
