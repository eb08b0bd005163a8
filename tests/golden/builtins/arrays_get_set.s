# Arrays: get/set by I64 index, negative indices count from the end,
# writing past the end extends the array and leaves () holes, non-I64 keys
# are named fields that do not change the length (spec §6.2, §6.3).
# expect: [10, 20, 30] 3
# expect: 30 10 20
# expect: [10, 20, 99]
# expect: [10, 20, 99, (), (), x] 6
# expect: () () 6
# expect: Program returned: 6
.function main
    CALL create_array
    MOV r10, r0
    LDI r1, 10
    LDI r2, 20
    LDI r3, 30
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL array_push
    MOV r4, r0
    PUSHARG r10
    PUSHARG r4
    CALL print
    LDI r1, -1
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    MOV r4, r0
    LDI r1, -3
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    MOV r5, r0
    LDI r1, 1
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    MOV r6, r0
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    CALL print
    LDI r1, -1
    LDI r2, 99
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    PUSHARG r10
    CALL print
    LDI r1, 5
    LDI r2, "x"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    PUSHARG r10
    CALL array_length
    MOV r4, r0
    PUSHARG r10
    PUSHARG r4
    CALL print
    LDI r1, "name"
    LDI r2, "v"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    LDI r1, 1i32
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    LDI r1, 3
    PUSHARG r10
    PUSHARG r1
    CALL get_field          ; a hole
    MOV r5, r0
    LDI r1, "missing"
    PUSHARG r10
    PUSHARG r1
    CALL get_field          ; missing non-integer key
    MOV r6, r0
    PUSHARG r10
    CALL array_length
    MOV r7, r0
    PUSHARG r5
    PUSHARG r6
    PUSHARG r7
    CALL print
    RET r7
.end
