# arrays are expanded, elements formatted the same way (strings quoted) (CLI result formatter, spec §12).
# expect: Program returned: [1, "x", 2.5, [], ()]
.function main
    CALL create_array
    MOV r1, r0
    CALL create_array
    MOV r2, r0
    LDI r3, 1
    LDI r4, "x"
    LDI r5, 2.5
    LDI r6, ()
    PUSHARG r1
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    PUSHARG r2
    PUSHARG r6
    CALL array_push
    RET r1
.end
