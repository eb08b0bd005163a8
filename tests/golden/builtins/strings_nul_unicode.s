# Strings are byte-exact UTF-8: an embedded NUL (\x00) does not end them;
# length, indexing and slicing count Unicode scalars (spec §6.3, §7.1).
# expect: 3 6 b
# expect: 1 3 😀 b😀
# expect: Program returned: 3
.function main
    LDI r1, "a\x00b"
    PUSHARG r1
    CALL len
    MOV r2, r0
    ADD r3, r1, r1
    PUSHARG r3
    CALL len
    MOV r4, r0
    LDI r5, 2
    PUSHARG r1
    PUSHARG r5
    CALL get_field
    PUSHARG r2
    PUSHARG r4
    PUSHARG r0
    CALL print
    LDI r6, "😀"
    PUSHARG r6
    CALL len
    MOV r7, r0
    LDI r8, "a😀b😀"
    PUSHARG r8
    CALL len
    MOV r9, r0
    LDI r5, 1
    PUSHARG r8
    PUSHARG r5
    CALL get_field
    MOV r10, r0
    LDI r5, 2
    LDI r11, ()
    PUSHARG r8
    PUSHARG r5
    PUSHARG r11
    CALL slice
    MOV r12, r0
    LDI r13, 1
    SUB r9, r9, r13         ; 4 - 1
    PUSHARG r7
    PUSHARG r9
    PUSHARG r10
    PUSHARG r12
    CALL print
    RET r2
.end
