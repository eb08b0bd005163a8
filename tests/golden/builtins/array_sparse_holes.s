# Writing far past the end extends the array; every hole reads as (), also
# above index 32 (docs/compat.md: upstream errors there).
# expect: 41 () () x
# expect: Program returned: 41
.function main
    CALL create_array
    MOV r10, r0
    LDI r1, 40
    LDI r2, "x"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    PUSHARG r10
    CALL len
    MOV r3, r0
    LDI r1, 5
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    MOV r4, r0
    LDI r1, 35
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    MOV r5, r0
    LDI r1, -1
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    PUSHARG r0
    CALL print
    RET r3
.end
