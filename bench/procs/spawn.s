# Spawn 100,000 processes that each send one reply to main; main adds the
# replies up.  Prints and returns the sum.
.function worker params=parent
    LDI r1, 1
    PUSHARG r0
    PUSHARG r1
    CALL Process.send
    RET r1
.end

.function main
    CALL Process.self
    MOV r1, r0
    LDI r2, "worker"
    LDI r3, 0
    LDI r4, 100000
    LDI r6, 1
spawn:
    PUSHARG r2
    PUSHARG r1
    CALL Process.spawn
    ADD r3, r3, r6
    CMP r3, r4
    JMPLT spawn
    LDI r3, 0
    LDI r5, 0
collect:
    CALL Process.receive
    ADD r5, r5, r0
    ADD r3, r3, r6
    CMP r3, r4
    JMPLT collect
    PUSHARG r5
    CALL print
    RET r5
.end
