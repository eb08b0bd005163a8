# A worker doubles every number it receives and sends it back; main
# spawns it by name, sends 3 requests and prints the replies in order.
# expect: 2
# expect: 4
# expect: 6
# expect: Program returned: 3
.function worker params=parent
    MOV r7, r0
loop:
    CALL Process.receive
    MOV r1, r0
    LDI r2, 0
    CMP r1, r2
    JMPEQ done
    ADD r1, r1, r1
    PUSHARG r7
    PUSHARG r1
    CALL Process.send
    JMP loop
done:
    RET r1
.end

.function main
    CALL Process.self
    MOV r1, r0
    LDI r2, "worker"
    PUSHARG r2
    PUSHARG r1
    CALL Process.spawn
    MOV r3, r0
    LDI r4, 1
    LDI r5, 4
next:
    CMP r4, r5
    JMPEQ finish
    PUSHARG r3
    PUSHARG r4
    CALL Process.send
    CALL Process.receive
    PUSHARG r0
    CALL print
    LDI r6, 1
    ADD r4, r4, r6
    JMP next
finish:
    LDI r6, 0
    PUSHARG r3
    PUSHARG r6
    CALL Process.send
    CALL Process.count
    LDI r6, 1
    ADD r0, r0, r6
    RET r0
.end
