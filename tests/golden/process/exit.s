# Process.exit ends the calling process from any depth; its monitor gets
# the reason.  In main, Process.exit(v) ends the program with result v.
# expect: down bye
# expect: Program returned: 42
.function deep
    LDI r1, "bye"
    PUSHARG r1
    CALL Process.exit
    LDI r1, "not reached"
    PUSHARG r1
    CALL print
    RET r1
.end

.function leaver
    CALL deep
    RET r0
.end

.function main
    LDI r1, "leaver"
    PUSHARG r1
    CALL Process.spawn
    PUSHARG r0
    CALL Process.monitor
    CALL Process.receive
    MOV r5, r0
    LDI r1, "type"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    MOV r2, r0
    LDI r1, "reason"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    PUSHARG r2
    PUSHARG r0
    CALL print
    LDI r1, 42
    PUSHARG r1
    CALL Process.exit
    LDI r0, 0
    RET r0
.end
