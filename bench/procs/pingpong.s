# Two processes bounce a counter 500,000 times each way: 1,000,000
# messages, each a send, a receive and a switch to the other process.
# The echo process stops after echoing -1.  Prints and returns the count.
.function echo params=parent
    MOV r5, r0
    LDI r2, 0
loop:
    CALL Process.receive
    MOV r1, r0
    PUSHARG r5
    PUSHARG r1
    CALL Process.send
    CMP r1, r2
    JMPGT loop
    JMPEQ loop
    RET r1
.end

.function main
    CALL Process.self
    MOV r1, r0
    LDI r2, "echo"
    PUSHARG r2
    PUSHARG r1
    CALL Process.spawn
    MOV r1, r0
    LDI r3, 0
    LDI r4, 499999
    LDI r6, 1
loop:
    PUSHARG r1
    PUSHARG r3
    CALL Process.send
    CALL Process.receive
    ADD r3, r3, r6
    CMP r3, r4
    JMPLT loop
    LDI r7, -1
    PUSHARG r1
    PUSHARG r7
    CALL Process.send
    CALL Process.receive
    ADD r3, r3, r6
    PUSHARG r3
    CALL print
    RET r3
.end
