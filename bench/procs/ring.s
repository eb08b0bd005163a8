# Ring of 10,000 processes (plus main) passing a token 100 laps: 1,000,100
# sends and receives.  Each node forwards what it gets to the next and
# stops after forwarding -1.  Prints and returns the laps done.
.function node params=next
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
    LDI r2, "node"
    LDI r3, 0
    LDI r4, 10000
    LDI r6, 1
spawn:
    PUSHARG r2
    PUSHARG r1
    CALL Process.spawn
    MOV r1, r0
    ADD r3, r3, r6
    CMP r3, r4
    JMPLT spawn
    LDI r3, 0
    LDI r4, 100
lap:
    PUSHARG r1
    PUSHARG r3
    CALL Process.send
    CALL Process.receive
    ADD r3, r3, r6
    CMP r3, r4
    JMPLT lap
    LDI r7, -1
    PUSHARG r1
    PUSHARG r7
    CALL Process.send
    CALL Process.receive
    PUSHARG r3
    CALL print
    RET r3
.end
