# range(start, stop [, step]) with Python semantics (spec §7.1).
# expect: [0, 1, 2, 3, 4]
# expect: [5, 3, 1]
# expect: []
# expect: [-3, -1, 1]
# expect: [0, 3, 6, 9]
# expect: []
# expect: Program returned: [0, 3, 6, 9]
.function range3 params=a,b,c
    PUSHARG r0
    PUSHARG r1
    PUSHARG r2
    CALL range
    MOV r5, r0
    PUSHARG r5
    CALL print
    RET r5
.end

.function main
    LDI r1, 0
    LDI r2, 5
    PUSHARG r1
    PUSHARG r2
    CALL range
    PUSHARG r0
    CALL print
    LDI r1, 5
    LDI r2, 0
    LDI r3, -2
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL range3
    LDI r1, 0
    LDI r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL range
    PUSHARG r0
    CALL print
    LDI r1, -3
    LDI r2, 3
    LDI r3, 2
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL range3
    LDI r1, 0
    LDI r2, 10
    LDI r3, 3
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL range3
    MOV r9, r0
    LDI r1, 0
    LDI r2, 10
    LDI r3, -1
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL range3
    RET r9
.end
