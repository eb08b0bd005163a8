# `t.k = t.k + v` and `u.k2 = t.k - v` run as one fused instruction when the
# store goes to an existing field of a plain object; every other case (a new
# key, an array, an object with a prototype, a float) must give the same
# results as the unfused instructions, and set_field still leaves nil in r0.
# expect: 4 3 5 5 4 2.5f64 ()
# expect: Program returned: 4
.function main
    CALL create_object
    MOV r1, r0
    LDI r2, "x"
    LDI r3, "w"
    LDI r5, "f"
    LDI r8, 1
    PUSHARG r1
    PUSHARG r2
    PUSHARG r8
    CALL set_field          # obj.x = 1
    LDI r14, 1.5
    PUSHARG r1
    PUSHARG r5
    PUSHARG r14
    CALL set_field          # obj.f = 1.5
    LDI r7, 0
loop:
    LDI r10, 3
    CMP r7, r10
    JMPEQ after
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    ADD r9, r0, r8
    PUSHARG r1
    PUSHARG r2
    PUSHARG r9
    CALL set_field          # obj.x = obj.x + 1 (existing field: fused store)
    ADD r7, r7, r8
    JMP loop
after:
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    SUB r9, r0, r8
    PUSHARG r1
    PUSHARG r3
    PUSHARG r9
    CALL set_field          # obj.w = obj.x - 1 (a new key)
    CALL create_array
    MOV r4, r0
    PUSHARG r4
    PUSHARG r8
    CALL array_push
    LDI r11, 0
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    ADD r9, r0, r8
    PUSHARG r4
    PUSHARG r11
    PUSHARG r9
    CALL set_field          # arr[0] = obj.x + 1 (an array)
    CALL create_object
    MOV r6, r0
    PUSHARG r6
    PUSHARG r1
    CALL Object.set_prototype
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    ADD r9, r0, r8
    PUSHARG r6
    PUSHARG r2
    PUSHARG r9
    CALL set_field          # child.x = obj.x + 1 (a prototype: own field)
    PUSHARG r1
    PUSHARG r5
    CALL get_field
    ADD r9, r0, r8
    PUSHARG r1
    PUSHARG r5
    PUSHARG r9
    CALL set_field          # obj.f = obj.f + 1 (a float)
    MOV r12, r0
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    MOV r13, r0
    PUSHARG r1
    PUSHARG r3
    CALL get_field
    MOV r14, r0
    PUSHARG r4
    PUSHARG r11
    CALL get_field
    MOV r15, r0
    PUSHARG r6
    PUSHARG r2
    CALL get_field
    MOV r10, r0
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    MOV r9, r0
    PUSHARG r1
    PUSHARG r5
    CALL get_field
    MOV r7, r0
    PUSHARG r13
    PUSHARG r14
    PUSHARG r15
    PUSHARG r10
    PUSHARG r9
    PUSHARG r7
    PUSHARG r12
    CALL print
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    RET r0
.end
