# Arrays of I64 values only are stored packed (8 bytes per element) and
# boxed on the first store of anything else; programs cannot tell.  Each
# transition keeps every element: a float through the fused set_field, a
# string through array_push, a hole, a narrow integer through insert, and
# the list builtins on a packed array (pop, insert, reverse, sort, copy).
# expect: [0, 3, 6, 9, 12, 15, 18, 21]
# expect: 21 [-5, 0, 3, 100, 9, 12, 15, 18]
# expect: [18, 15, 12, 9, 100, 3, 0, -5] [-5, 0, 3, 9, 12, 15, 18, 100]
# expect: [-5, 2.5f64, 3, 9, 12, 15, 18, 100] 2.5f64
# expect: [1, 2, x] [1, 2, (), 7] [true, 4] [9, 8]
# expect: [7, 3, 1] [7, 3, 1] true
# expect: Program returned: 8
.function main
    CALL create_array
    MOV r10, r0             ; a = [0, 3, ..., 21], pushed by the fused push
    LDI r1, 0
    LDI r2, 24
    LDI r3, 3
fill:
    CMP r1, r2
    JMPEQ filled
    PUSHARG r10
    PUSHARG r1
    CALL array_push
    ADD r1, r1, r3
    JMP fill
filled:
    PUSHARG r10
    CALL print
    LDI r1, 2               ; a[2] = 100 stays packed (fused set_field)
    LDI r2, 100
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    PUSHARG r10
    CALL pop
    MOV r4, r0              ; 21
    LDI r1, 0
    LDI r2, -5
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL insert             ; [-5, 0, 3, 100, ...]
    PUSHARG r4
    PUSHARG r10
    CALL print
    PUSHARG r10
    CALL copy
    MOV r11, r0             ; a copy, reversed; a sorted
    PUSHARG r11
    CALL reverse
    PUSHARG r10
    CALL sort
    PUSHARG r11
    PUSHARG r10
    CALL print
    LDI r1, 1               ; a[1] = 2.5 boxes a (fused set_field)
    LDI r2, 2.5
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    LDI r1, 1
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    PUSHARG r10
    PUSHARG r0
    CALL print
    CALL create_array
    MOV r12, r0             ; [1, 2] then a string pushed
    LDI r1, 1
    LDI r2, 2
    PUSHARG r12
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    LDI r3, "x"
    PUSHARG r12
    PUSHARG r3
    CALL array_push
    CALL create_array
    MOV r13, r0             ; [1, 2] then c[3] = 7 leaves a hole
    PUSHARG r13
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    LDI r1, 3
    LDI r2, 7
    PUSHARG r13
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    CALL create_array
    MOV r14, r0             ; [4] then true inserted in front
    LDI r1, 4
    PUSHARG r14
    PUSHARG r1
    CALL array_push
    LDI r1, 0
    LDI r2, true
    PUSHARG r14
    PUSHARG r1
    PUSHARG r2
    CALL insert
    CALL create_array
    MOV r15, r0             ; [9, 8] from the builtin push (not fused)
    LDI r1, 9
    LDI r2, 8
    PUSHARG r15
    NOP
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    PUSHARG r12
    PUSHARG r13
    PUSHARG r14
    PUSHARG r15
    CALL print
    CALL create_array
    MOV r12, r0             ; packed [7, 3, 1] equals a boxed [7, 3, 1]
    LDI r1, 7
    LDI r2, 3
    PUSHARG r12
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    PUSHARG r12
    CALL copy
    MOV r13, r0
    LDI r3, "y"
    PUSHARG r13
    PUSHARG r3
    CALL array_push
    PUSHARG r13
    CALL pop
    LDI r3, 1
    PUSHARG r13
    PUSHARG r3
    CALL array_push
    PUSHARG r12
    PUSHARG r3
    CALL array_push
    PUSHARG r13
    PUSHARG r12
    CALL array_equals
    MOV r5, r0
    PUSHARG r12
    PUSHARG r13
    PUSHARG r5
    CALL print
    PUSHARG r10
    CALL len
    RET r0
.end
