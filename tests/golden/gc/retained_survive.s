# Objects that stay reachable survive many collections: every 1000th of a
# million arrays is kept (in an array held in a register, and in a spill
# slot), everything else is garbage.  Afterwards the kept arrays still hold
# their values: sum of 1000*k for k < 1000 = 499500000.
# max-rss-mb: 64
# timeout: 300
# expect: 1000 1000
# expect: Program returned: 499500000
.function main
    CALL create_array
    MOV r10, r0             ; keep
    STS 0, r10
    LDI r1, 0               ; i
    LDI r2, 1000000
    LDI r3, 1
    LDI r6, 1000
    LDI r7, 0
loop:
    CALL create_array
    MOV r5, r0
    PUSHARG r5
    PUSHARG r1
    CALL array_push
    MOD r8, r1, r6
    CMP r8, r7
    JMPNEQ skip
    PUSHARG r10
    PUSHARG r5
    CALL array_push
skip:
    ADD r1, r1, r3
    CMP r1, r2
    JMPLT loop
    LDI r10, ()             ; only the spill slot keeps it now
    CALL create_array       ; a little more garbage
    LDS r10, 0
    PUSHARG r10
    CALL len
    MOV r11, r0
    LDI r1, 0               ; sum over keep[k][0]
    LDI r4, 0               ; k
sum:
    PUSHARG r10
    PUSHARG r4
    CALL get_field
    MOV r5, r0
    PUSHARG r5
    PUSHARG r7
    CALL get_field
    ADD r1, r1, r0
    ADD r4, r4, r3
    CMP r4, r11
    JMPLT sum
    PUSHARG r11
    PUSHARG r4
    CALL print
    RET r1
.end
