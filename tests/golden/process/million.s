# A million processes spawned and ended, one after another (each replies
# once, then returns): ended processes and their mailboxes are freed, so
# memory stays bounded.
# max-rss-mb: 40
# timeout: 120
# expect: Program returned: 1000000
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
    LDI r4, 1000000
    LDI r5, 0
loop:
    PUSHARG r2
    PUSHARG r1
    CALL Process.spawn
    CALL Process.receive
    ADD r5, r5, r0
    LDI r6, 1
    ADD r3, r3, r6
    CMP r3, r4
    JMPLT loop
    CALL Process.count
    LDI r6, 1
    CMP r0, r6
    JMPNEQ bad
    RET r5
bad:
    RET r0
.end
