# A busy loop does not starve the others: it is preempted after its slice
# of reductions (backward jumps count), so the talker runs and main hears
# from it while the busy process is still counting.
# expect: hello true
# expect: Program returned: 2
.function busy
    LDI r1, 0
    LDI r2, 1
    LDI r3, 20000000
loop:
    ADD r1, r1, r2
    CMP r1, r3
    JMPLT loop
    RET r1
.end

.function talker params=to
    LDI r1, "hello"
    PUSHARG r0
    PUSHARG r1
    CALL Process.send
    RET r1
.end

.function main
    LDI r1, "busy"
    PUSHARG r1
    CALL Process.spawn
    MOV r2, r0
    CALL Process.self
    LDI r1, "talker"
    PUSHARG r1
    PUSHARG r0
    CALL Process.spawn
    CALL Process.receive
    MOV r3, r0
    PUSHARG r2
    CALL Process.alive
    PUSHARG r3
    PUSHARG r0
    CALL print
    CALL Process.count
    RET r0
.end
