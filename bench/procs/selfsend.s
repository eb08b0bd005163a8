# One process sends itself a message and takes it back, 1,000,000 times:
# the cost of a send plus a receive with no switch between them.  Prints
# and returns the sum of the messages (0 + 1 + ... + 999,999).
.function main
    CALL Process.self
    MOV r1, r0
    LDI r3, 0
    LDI r4, 1000000
    LDI r5, 0
    LDI r6, 1
loop:
    PUSHARG r1
    PUSHARG r3
    CALL Process.send
    CALL Process.receive
    ADD r5, r5, r0
    ADD r3, r3, r6
    CMP r3, r4
    JMPLT loop
    PUSHARG r5
    CALL print
    RET r5
.end
