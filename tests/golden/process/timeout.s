# receive_timeout returns the default when nothing arrives in time, and
# the message when one does (the sender runs while main waits).
# expect: none
# expect: hi
# expect: Unit
# expect: Program returned: "done"
.function sender params=to
    LDI r1, "hi"
    PUSHARG r0
    PUSHARG r1
    CALL Process.send
    RET r0
.end

.function main
    LDI r1, 20
    LDI r2, "none"
    PUSHARG r1
    PUSHARG r2
    CALL Process.receive_timeout
    PUSHARG r0
    CALL print
    CALL Process.self
    LDI r3, "sender"
    PUSHARG r3
    PUSHARG r0
    CALL Process.spawn
    LDI r1, 5000
    PUSHARG r1
    PUSHARG r2
    CALL Process.receive_timeout
    PUSHARG r0
    CALL print
    LDI r1, 0
    PUSHARG r1
    CALL Process.receive_timeout
    PUSHARG r0
    CALL type
    LDI r4, "nil"
    CMP r0, r4
    JMPNEQ bad
    LDI r4, "Unit"
    PUSHARG r4
    CALL print
    LDI r0, "done"
    RET r0
bad:
    RET r0
.end
