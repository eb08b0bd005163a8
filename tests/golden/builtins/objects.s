# Objects: any value is a key with structural equality (1, 1i32 and "1" are
# different keys; 0.0 and -0.0 are the same; NaN finds NaN), missing keys
# read as (), set_field returns () and overwrites (spec §1.2, §1.7, §6).
# expect: () a b c
# expect: z nan ()
# expect: second
# expect: {name: test}
# expect: Program returned: "second"
.function get params=o,k
    PUSHARG r0
    PUSHARG r1
    CALL get_field
    RET r0
.end

.function set params=o,k,v
    PUSHARG r0
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    RET r0
.end

.function main
    CALL create_object
    MOV r10, r0
    LDI r1, 1
    LDI r2, "a"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set                ; o[1] = "a", returns ()
    MOV r11, r0
    LDI r1, 1i32
    LDI r2, "b"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set
    LDI r1, "1"
    LDI r2, "c"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set
    LDI r1, 1
    PUSHARG r10
    PUSHARG r1
    CALL get
    MOV r3, r0
    LDI r1, 1i32
    PUSHARG r10
    PUSHARG r1
    CALL get
    MOV r4, r0
    LDI r1, "1"
    PUSHARG r10
    PUSHARG r1
    CALL get
    MOV r5, r0
    PUSHARG r11
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL print
    LDI r1, 0.0
    LDI r2, "z"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set
    LDI r1, nan
    LDI r2, "nan"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set
    LDI r1, -0.0
    PUSHARG r10
    PUSHARG r1
    CALL get
    MOV r3, r0
    LDI r1, nan
    PUSHARG r10
    PUSHARG r1
    CALL get
    MOV r4, r0
    LDI r1, 1u8
    PUSHARG r10
    PUSHARG r1
    CALL get                ; missing key
    MOV r5, r0
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL print
    LDI r1, "k"
    LDI r2, "first"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set
    LDI r2, "second"
    PUSHARG r10
    PUSHARG r1
    PUSHARG r2
    CALL set
    PUSHARG r10
    PUSHARG r1
    CALL get
    MOV r6, r0
    PUSHARG r6
    CALL print
    CALL create_object
    MOV r12, r0
    LDI r1, "name"
    LDI r2, "test"
    PUSHARG r12
    PUSHARG r1
    PUSHARG r2
    CALL set
    PUSHARG r12
    CALL print
    RET r6
.end
