# get_field on a string: integer key of any width, negative from the end,
# result is a one-character string (Unicode scalar) (spec §6.3).
# expect: h é o l
# expect: Program returned: "é"
.function main
    LDI r10, "héllo"
    LDI r1, 0
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    MOV r2, r0
    LDI r1, 1
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    MOV r3, r0
    LDI r1, -1
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    MOV r4, r0
    LDI r1, 2u8
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    MOV r5, r0
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL print
    RET r3
.end
