# get_field followed by an ADD or SUB of its result runs in one dispatch
# when both are plain I64 operations; anything else runs as written: a
# string field (concatenation), a Float, r0 as the right operand, and an
# overflow, whose error names the ADD.
# expect: 11 -9 ab 3.5f64 9
# expect-error: Execution error in 'main': Integer overflow in ADD operation
# expect-error: at main, instruction 53
.function main
    CALL create_object
    MOV r1, r0
    LDI r2, "n"
    LDI r3, 10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    LDI r4, "s"
    LDI r3, "a"
    PUSHARG r1
    PUSHARG r4
    PUSHARG r3
    CALL set_field
    LDI r5, "f"
    LDI r3, 2.5
    PUSHARG r1
    PUSHARG r5
    PUSHARG r3
    CALL set_field
    LDI r6, 1
    LDI r7, "b"
    LDI r14, 1.0
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    ADD r8, r0, r6          # n + 1 = 11
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    SUB r9, r6, r0          # 1 - n = -9
    PUSHARG r1
    PUSHARG r4
    CALL get_field
    ADD r10, r0, r7         # "a" + "b"
    PUSHARG r1
    PUSHARG r5
    CALL get_field
    ADD r11, r0, r14        # 2.5 + 1.0
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    SUB r12, r0, r6         # n - 1 = 9
    PUSHARG r8
    PUSHARG r9
    PUSHARG r10
    PUSHARG r11
    PUSHARG r12
    CALL print
    LDI r13, 9223372036854775807
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    ADD r13, r0, r13        # overflow
    RET r13
.end
