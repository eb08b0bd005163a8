# count/index (deep equality, Python start/stop), pop, remove, insert
# (Python clamping), delete, reverse, clear (spec §1.7, §7.1).
# expect: 2 1 0
# expect: 1 3 3 0
# expect: 4 1 3 [2]
# expect: () [2, 1]
# expect: [s, a, 1, 2, 3, y, z]
# expect: [a, 1, 2, 3, y]
# expect: [y, 3, 2, 1, a]
# expect: () [] 0
# expect: Program returned: 0
.function main
    ; count
    CALL create_array
    MOV r10, r0
    CALL create_array
    MOV r11, r0             ; [1]
    CALL create_array
    MOV r12, r0             ; another [1]
    LDI r1, 1
    LDI r2, 2
    PUSHARG r11
    PUSHARG r1
    CALL array_push
    PUSHARG r12
    PUSHARG r1
    CALL array_push
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r1
    PUSHARG r11
    CALL array_push         ; [1, 2, 1, [1]]
    PUSHARG r10
    PUSHARG r1
    CALL count
    MOV r3, r0
    PUSHARG r10
    PUSHARG r12
    CALL count
    MOV r4, r0
    LDI r5, 1i32
    PUSHARG r10
    PUSHARG r5
    CALL count
    PUSHARG r3
    PUSHARG r4
    PUSHARG r0
    CALL print
    ; index
    CALL create_array
    MOV r10, r0
    LDI r1, 10
    LDI r2, 20
    LDI r3, 30
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r2
    CALL array_push         ; [10, 20, 30, 20]
    PUSHARG r10
    PUSHARG r2
    CALL index
    MOV r4, r0
    LDI r5, 2
    PUSHARG r10
    PUSHARG r2
    PUSHARG r5
    CALL index
    MOV r6, r0
    LDI r5, -1
    PUSHARG r10
    PUSHARG r2
    PUSHARG r5
    CALL index
    MOV r7, r0
    LDI r5, 0
    LDI r8, 1
    PUSHARG r10
    PUSHARG r1
    PUSHARG r5
    PUSHARG r8
    CALL index
    PUSHARG r4
    PUSHARG r6
    PUSHARG r7
    PUSHARG r0
    CALL print
    ; pop
    CALL create_array
    MOV r10, r0
    LDI r1, 1
    LDI r2, 2
    LDI r3, 3
    LDI r4, 4
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL array_push
    PUSHARG r10
    CALL pop
    MOV r4, r0
    LDI r5, 0
    PUSHARG r10
    PUSHARG r5
    CALL pop
    MOV r5, r0
    LDI r6, -1
    PUSHARG r10
    PUSHARG r6
    CALL pop
    PUSHARG r4
    PUSHARG r5
    PUSHARG r0
    PUSHARG r10
    CALL print
    ; remove
    CALL create_array
    MOV r10, r0
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r1
    CALL array_push         ; [1, 2, 1]
    PUSHARG r10
    PUSHARG r1
    CALL remove
    PUSHARG r0
    PUSHARG r10
    CALL print
    ; insert
    CALL create_array
    MOV r10, r0
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL array_push         ; [1, 2, 3]
    LDI r4, 0
    LDI r5, "a"
    PUSHARG r10
    PUSHARG r4
    PUSHARG r5
    CALL insert             ; [a, 1, 2, 3]
    LDI r4, 100
    LDI r5, "z"
    PUSHARG r10
    PUSHARG r4
    PUSHARG r5
    CALL insert             ; [a, 1, 2, 3, z]
    LDI r4, -1
    LDI r5, "y"
    PUSHARG r10
    PUSHARG r4
    PUSHARG r5
    CALL insert             ; [a, 1, 2, 3, y, z]
    LDI r4, -100
    LDI r5, "s"
    PUSHARG r10
    PUSHARG r4
    PUSHARG r5
    CALL insert             ; [s, a, 1, 2, 3, y, z]
    PUSHARG r10
    CALL print
    ; delete
    LDI r4, 0
    PUSHARG r10
    PUSHARG r4
    CALL delete
    LDI r4, -1
    PUSHARG r10
    PUSHARG r4
    CALL delete
    PUSHARG r10
    CALL print
    ; reverse, clear
    PUSHARG r10
    CALL reverse
    PUSHARG r10
    CALL print
    PUSHARG r10
    CALL clear
    MOV r4, r0
    PUSHARG r10
    CALL len
    MOV r5, r0
    PUSHARG r4
    PUSHARG r10
    PUSHARG r5
    CALL print
    RET r5
.end
