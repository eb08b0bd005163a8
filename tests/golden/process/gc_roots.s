# The collector keeps what waiting processes hold: a worker keeps an
# object in a register while it waits, main keeps a message in its own
# mailbox, then main makes enough garbage for many collections.
# expect: 42 5
# expect: Program returned: 0
# max-rss-mb: 60
.function worker params=parent
    MOV r7, r0
    CALL create_object
    MOV r3, r0
    LDI r1, "v"
    LDI r2, 7
    PUSHARG r3
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    CALL Process.receive
    MOV r4, r0
    PUSHARG r3
    PUSHARG r1
    CALL get_field
    ADD r4, r4, r0
    PUSHARG r7
    PUSHARG r4
    CALL Process.send
    RET r4
.end

.function main
    CALL Process.self
    MOV r1, r0
    LDI r2, "worker"
    PUSHARG r2
    PUSHARG r1
    CALL Process.spawn
    MOV r8, r0
    LDI r2, 1
    PUSHARG r2
    CALL Process.receive_timeout
    CALL create_object
    MOV r3, r0
    LDI r4, "k"
    LDI r5, 5
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL set_field
    PUSHARG r1
    PUSHARG r3
    CALL Process.send
    LDI r3, 0
    LDI r5, 0
    LDI r6, 300000
    LDI r9, 1
garbage:
    CALL create_object
    PUSHARG r0
    PUSHARG r4
    PUSHARG r3
    CALL set_field
    ADD r3, r3, r9
    CMP r3, r6
    JMPLT garbage
    LDI r2, 35
    PUSHARG r8
    PUSHARG r2
    CALL Process.send
    CALL Process.receive
    PUSHARG r0
    PUSHARG r4
    CALL get_field
    MOV r10, r0
    CALL Process.receive
    PUSHARG r0
    PUSHARG r10
    CALL print
    LDI r0, 0
    RET r0
.end
