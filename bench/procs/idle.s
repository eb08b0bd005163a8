# 100,000 processes that start and wait in receive; main lets them all
# reach the receive, then returns.  (Peak RSS - RSS of empty.s) / 100,000
# is the memory of an idle process.
.function waiter
    CALL Process.receive
    RET r0
.end

.function main
    LDI r4, 100000
    LDI r2, "waiter"
    LDI r3, 0
    LDI r6, 1
    CMP r3, r4
    JMPEQ wait
spawn:
    PUSHARG r2
    CALL Process.spawn
    ADD r3, r3, r6
    CMP r3, r4
    JMPLT spawn
wait:
    LDI r1, 1
    PUSHARG r1
    CALL Process.receive_timeout
    CALL Process.count
    MOV r5, r0
    PUSHARG r5
    CALL print
    RET r5
.end
