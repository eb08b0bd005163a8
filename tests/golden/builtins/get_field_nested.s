# Two get_field calls in a row, the second on the first's result (t[i][j],
# as a compiler emits it for 2-D arrays and objects of arrays), run as one
# fused instruction where both are plain reads.  Every mix of arrays and
# objects, a missing key, a non-container in the middle, and an index out
# of range in the second lookup, whose error names the second CALL.
# expect: 6 7 () () 5
# expect-error: Execution error in 'main': Foreign function get_field failed: array index 9 out of range (length 3)
# expect-error: at main, instruction 85
.function main
    CALL create_array
    MOV r1, r0              # rows = [[4, 5, 6], {"k": 7}, 3]
    CALL create_array
    MOV r2, r0
    LDI r3, 4
    PUSHARG r2
    PUSHARG r3
    CALL array_push
    LDI r3, 5
    PUSHARG r2
    PUSHARG r3
    CALL array_push
    LDI r3, 6
    PUSHARG r2
    PUSHARG r3
    CALL array_push
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    CALL create_object
    MOV r4, r0
    LDI r5, "k"
    LDI r3, 7
    PUSHARG r4
    PUSHARG r5
    PUSHARG r3
    CALL set_field
    PUSHARG r1
    PUSHARG r4
    CALL array_push
    LDI r3, 3
    PUSHARG r1
    PUSHARG r3
    CALL array_push
    LDI r6, 0
    LDI r7, 1
    LDI r8, 2
    LDI r9, 9
    LDI r10, "none"
    PUSHARG r1
    PUSHARG r6
    CALL get_field
    PUSHARG r0
    PUSHARG r8
    CALL get_field          # rows[0][2] = 6
    MOV r11, r0
    PUSHARG r1
    PUSHARG r7
    CALL get_field
    PUSHARG r0
    PUSHARG r5
    CALL get_field          # rows[1]["k"] = 7
    MOV r12, r0
    PUSHARG r1
    PUSHARG r7
    CALL get_field
    PUSHARG r0
    PUSHARG r10
    CALL get_field          # rows[1]["none"] = ()
    MOV r13, r0
    PUSHARG r1
    PUSHARG r8
    CALL get_field
    PUSHARG r0
    PUSHARG r6
    CALL get_field          # rows[2][0]: 3 is no container, ()
    MOV r14, r0
    PUSHARG r1
    PUSHARG r6
    CALL get_field
    PUSHARG r0
    PUSHARG r7
    CALL get_field          # rows[0][1] = 5
    MOV r15, r0
    PUSHARG r11
    PUSHARG r12
    PUSHARG r13
    PUSHARG r14
    PUSHARG r15
    CALL print
    PUSHARG r1
    PUSHARG r6
    CALL get_field
    PUSHARG r0
    PUSHARG r9
    CALL get_field          # rows[0][9]: out of bounds
    RET r0
.end
