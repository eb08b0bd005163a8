# get_field walks the prototype chain: own fields first, then the
# prototype's, then its prototype's; a key found nowhere reads as nil.
# A write goes to the object itself (shadowing the prototype).
# expect: 1 20 300 ()
# expect: 5 20
# expect: true ()
# expect: Program returned: 2
.function setf params=o,k,v
    PUSHARG r0
    PUSHARG r1
    PUSHARG r2
    CALL set_field
    RET r0
.end

.function main
    CALL create_object
    MOV r1, r0
    CALL create_object
    MOV r2, r0
    CALL create_object
    MOV r3, r0
    LDI r4, "a"
    LDI r5, "b"
    LDI r6, "c"
    LDI r7, 1
    PUSHARG r1
    PUSHARG r4
    PUSHARG r7
    CALL setf
    LDI r7, 20
    PUSHARG r2
    PUSHARG r5
    PUSHARG r7
    CALL setf
    LDI r7, 300
    PUSHARG r3
    PUSHARG r6
    PUSHARG r7
    CALL setf
    PUSHARG r1
    PUSHARG r2
    CALL Object.set_prototype
    PUSHARG r2
    PUSHARG r3
    CALL Object.set_prototype
    PUSHARG r1
    PUSHARG r4
    CALL get_field
    MOV r8, r0
    PUSHARG r1
    PUSHARG r5
    CALL get_field
    MOV r9, r0
    PUSHARG r1
    PUSHARG r6
    CALL get_field
    MOV r10, r0
    LDI r11, "zzz"
    PUSHARG r1
    PUSHARG r11
    CALL get_field
    PUSHARG r8
    PUSHARG r9
    PUSHARG r10
    PUSHARG r0
    CALL print
    LDI r7, 5
    PUSHARG r1
    PUSHARG r5
    PUSHARG r7
    CALL set_field
    PUSHARG r1
    PUSHARG r5
    CALL get_field
    MOV r8, r0
    PUSHARG r2
    PUSHARG r5
    CALL get_field
    PUSHARG r8
    PUSHARG r0
    CALL print
    PUSHARG r1
    CALL Object.get_prototype
    LDI r8, false
    PUSHARG r0
    PUSHARG r5
    CALL get_field
    LDI r12, 20
    CMP r0, r12
    JMPNEQ l1
    LDI r8, true
l1:
    PUSHARG r3
    CALL Object.get_prototype
    PUSHARG r8
    PUSHARG r0
    CALL print
    PUSHARG r1
    CALL Object.keys
    PUSHARG r0
    CALL len
    RET r0
.end
