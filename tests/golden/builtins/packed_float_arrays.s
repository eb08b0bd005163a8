# Arrays of floats only are stored packed as integers' are (8 bytes per
# element) and boxed on the first store of anything else; programs cannot
# tell.  The fused push, get and set, the list builtins on a packed float
# array (pop, insert, reverse, sort, copy), an integer stored into it (no
# conversion: 1 stays 1, not 1.0) and -0.0 kept as such.
# expect: [0f64, 0.5f64, 1f64, 1.5f64, 2f64, 2.5f64]
# expect: 2.5f64 [-3f64, 0f64, 0.5f64, 9.75f64, 1.5f64, 2f64]
# expect: [2f64, 1.5f64, 9.75f64, 0.5f64, 0f64, -3f64] [-3f64, 0f64, 0.5f64, 1.5f64, 2f64, 9.75f64]
# expect: [-3f64, 1, 0.5f64, 1.5f64, 2f64, 9.75f64] 1 -0f64
# expect: Program returned: 6
.function main
    CALL create_array
    MOV r10, r0             ; a = [0.0, 0.5, ..., 2.5] by the fused push
    LDI r1, 0.0
    LDI r2, 3.0
    LDI r3, 0.5
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
    LDI r1, 2               ; a[2] = 9.75 stays packed (fused set_field)
    LDI r2, 9.75
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    PUSHARG r10
    CALL pop
    MOV r4, r0              ; 2.5
    LDI r1, 0
    LDI r2, -3.0
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL insert
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
    LDI r1, 1               ; a[1] = 1 boxes a (fused set_field)
    LDI r2, 1
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    LDI r1, 1
    PUSHARG r10
    PUSHARG r1
    CALL get_field
    MOV r5, r0
    CALL create_array
    MOV r12, r0             ; [-0.0]: the sign survives the packed form
    LDI r2, -0.0
    PUSHARG r12
    PUSHARG r2
    CALL array_push
    LDI r1, 0
    PUSHARG r12
    PUSHARG r1
    CALL get_field
    MOV r6, r0
    PUSHARG r10
    PUSHARG r5
    PUSHARG r6
    CALL print
    PUSHARG r10
    CALL len
    RET r0
.end
