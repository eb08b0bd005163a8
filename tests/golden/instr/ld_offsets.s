# LD reads the argument stack without popping: offset 0 is the last value
# pushed, -1 the one below (spec §4.3).  CALL passes the whole stack, in push
# order, so print sees the three original values and the four copies.
# expect: 1 2 3 3 2 1 3
# expect: Program returned: 3
.function main
    LDI r1, 1
    PUSHARG r1
    LDI r1, 2
    PUSHARG r1
    LDI r1, 3
    PUSHARG r1
    LD r2, 0
    LD r3, -1
    LD r4, -2
    LD r5, 0
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL print
    RET r5
.end
