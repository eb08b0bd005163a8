# A process that fails dies alone: main, which monitors it, gets a "down"
# notice with the error as reason and runs on; a linked process that
# returns gives an "exit" notice with reason "normal"; a monitor of a pid
# that is not alive answers "noproc" at once.
# expect-error: Process 2 failed: Division by zero (at crasher, instruction 2)
# exit: 0
# expect: down true Division by zero (at crasher, instruction 2)
# expect: exit true normal
# expect: down noproc
# expect: alive false false
# expect: Program returned: 1
.function crasher
    LDI r0, 1
    LDI r1, 0
    DIV r2, r0, r1
    RET r2
.end

.function quiet
    LDI r0, 7
    RET r0
.end

.function main
    LDI r1, "crasher"
    PUSHARG r1
    CALL Process.spawn
    MOV r10, r0
    PUSHARG r10
    CALL Process.monitor
    CALL Process.receive
    MOV r5, r0
    LDI r1, "type"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    MOV r2, r0
    LDI r1, "pid"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    LDI r3, false
    CMP r0, r10
    JMPNEQ l1
    LDI r3, true
l1:
    LDI r1, "reason"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    PUSHARG r2
    PUSHARG r3
    PUSHARG r0
    CALL print
    LDI r1, "quiet"
    PUSHARG r1
    CALL Process.spawn
    MOV r11, r0
    PUSHARG r11
    CALL Process.link
    CALL Process.receive
    MOV r5, r0
    LDI r1, "type"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    MOV r2, r0
    LDI r1, "pid"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    LDI r3, false
    CMP r0, r11
    JMPNEQ l2
    LDI r3, true
l2:
    LDI r1, "reason"
    PUSHARG r5
    PUSHARG r1
    CALL get_field
    PUSHARG r2
    PUSHARG r3
    PUSHARG r0
    CALL print
    PUSHARG r10
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
    PUSHARG r10
    CALL Process.alive
    MOV r2, r0
    PUSHARG r11
    CALL Process.alive
    LDI r1, "alive"
    PUSHARG r1
    PUSHARG r2
    PUSHARG r0
    CALL print
    CALL Process.count
    RET r0
.end
