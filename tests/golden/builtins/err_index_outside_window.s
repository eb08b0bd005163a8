# index only searches [start, stop) (spec §7.1).
# expect-error: Execution error in 'main': Foreign function index failed: value is not in list
.function main
    LDI r1, 0
    LDI r2, 3
    PUSHARG r1
    PUSHARG r2
    CALL range
    MOV r3, r0
    LDI r4, 0
    LDI r5, 1
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL index
    RET r0
.end
