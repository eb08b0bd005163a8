# array_length/len (arrays and strings by character), array_push (variadic,
# returns the new length), append, extend, array_concat, array_repeat,
# array_equals (deep), copy (shallow) (spec §6.4, §7.1).
# expect: 3 3 5 0
# expect: 5 () ()
# expect: [1, 2, 3, 4, 5, 6, 7, 8, 9]
# expect: [1, 2, 3, x, y, z] [1, 2, 3]
# expect: [0, 1, 2, 0, 1, 2] []
# expect: true false false
# expect: 9 10 100
# expect: Program returned: 10
.function mk3 params=a,b,c
    MOV r5, r0
    CALL create_array
    MOV r6, r0
    PUSHARG r6
    PUSHARG r5
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    RET r6
.end

.function main
    LDI r1, 1
    LDI r2, 2
    LDI r3, 3
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL mk3
    MOV r10, r0             ; a = [1, 2, 3]
    PUSHARG r10
    CALL array_length
    MOV r4, r0
    PUSHARG r10
    CALL len
    MOV r5, r0
    LDI r1, "héllo"
    PUSHARG r1
    CALL len
    MOV r6, r0
    LDI r1, ""
    PUSHARG r1
    CALL array_length
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    PUSHARG r0
    CALL print
    LDI r1, 4
    LDI r2, 5
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    MOV r4, r0
    LDI r1, 6
    PUSHARG r10
    PUSHARG r1
    CALL append
    MOV r5, r0
    LDI r1, 7
    LDI r2, 8
    LDI r3, 9
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL mk3
    PUSHARG r10
    PUSHARG r0
    CALL extend
    MOV r6, r0
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    CALL print
    PUSHARG r10
    CALL print
    LDI r1, 1
    LDI r2, 2
    LDI r3, 3
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL mk3
    MOV r11, r0
    LDI r1, "x"
    LDI r2, "y"
    LDI r3, "z"
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL mk3
    PUSHARG r11
    PUSHARG r0
    CALL array_concat
    PUSHARG r0
    PUSHARG r11
    CALL print
    LDI r1, 0
    LDI r2, 1
    LDI r3, 2
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL mk3
    MOV r12, r0
    LDI r1, 2
    PUSHARG r12
    PUSHARG r1
    CALL array_repeat
    MOV r4, r0
    LDI r1, -1
    PUSHARG r12
    PUSHARG r1
    CALL array_repeat
    PUSHARG r4
    PUSHARG r0
    CALL print
    LDI r1, 3
    LDI r2, 4
    LDI r3, 5
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL mk3
    MOV r7, r0              ; [3, 4, 5]
    LDI r1, 3
    LDI r2, 4
    LDI r3, 5
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL mk3
    MOV r8, r0              ; another [3, 4, 5]
    LDI r1, 1
    LDI r2, 2
    PUSHARG r1
    PUSHARG r2
    PUSHARG r7
    CALL mk3
    MOV r13, r0             ; [1, 2, [3, 4, 5]]
    PUSHARG r1
    PUSHARG r2
    PUSHARG r8
    CALL mk3
    MOV r14, r0             ; [1, 2, [3, 4, 5]] (different ids)
    PUSHARG r13
    PUSHARG r14
    CALL array_equals
    MOV r4, r0
    LDI r3, 3i32
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL mk3
    MOV r9, r0              ; [1, 2, 3i32]
    PUSHARG r11
    PUSHARG r9
    CALL array_equals
    MOV r5, r0
    PUSHARG r11
    PUSHARG r12
    CALL array_equals
    PUSHARG r4
    PUSHARG r5
    PUSHARG r0
    CALL print
    PUSHARG r10
    CALL copy
    MOV r11, r0
    LDI r1, 100
    PUSHARG r11
    PUSHARG r1
    CALL array_push
    PUSHARG r10
    CALL len
    MOV r4, r0
    PUSHARG r11
    CALL len
    MOV r5, r0
    LDI r1, -1
    PUSHARG r11
    PUSHARG r1
    CALL get_field
    PUSHARG r4
    PUSHARG r5
    PUSHARG r0
    CALL print
    RET r5
.end
