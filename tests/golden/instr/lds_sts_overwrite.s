# STS overwrites a slot; slots can hold any value (here a string, then an
# array reference).
# expect: s
# expect: [1, 2]
# expect: Program returned: [1, 2]
.function main
    LDI r1, "s"
    STS 0, r1
    LDS r2, 0
    PUSHARG r2
    CALL print
    CALL create_array
    MOV r3, r0
    LDI r4, 1
    LDI r5, 2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL array_push
    STS 0, r3
    LDS r6, 0
    PUSHARG r6
    CALL print
    RET r6
.end
