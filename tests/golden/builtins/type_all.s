# type() of every value a local program can make (spec §1.1).
# expect: int64 int32 int16 int8 uint8 uint16 uint32 uint64
# expect: float boolean string nil object array function
# expect: Program returned: "nil"
.function ty params=v
    PUSHARG r0
    CALL type
    RET r0
.end

.function main
    LDI r1, 42
    PUSHARG r1
    CALL ty
    MOV r2, r0
    LDI r1, 1i32
    PUSHARG r1
    CALL ty
    MOV r3, r0
    LDI r1, 1i16
    PUSHARG r1
    CALL ty
    MOV r4, r0
    LDI r1, 1i8
    PUSHARG r1
    CALL ty
    MOV r5, r0
    LDI r1, 1u8
    PUSHARG r1
    CALL ty
    MOV r6, r0
    LDI r1, 1u16
    PUSHARG r1
    CALL ty
    MOV r7, r0
    LDI r1, 1u32
    PUSHARG r1
    CALL ty
    MOV r8, r0
    LDI r1, 1u64
    PUSHARG r1
    CALL ty
    MOV r9, r0
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    PUSHARG r7
    PUSHARG r8
    PUSHARG r9
    CALL print
    LDI r1, 1.5
    PUSHARG r1
    CALL ty
    MOV r2, r0
    LDI r1, false
    PUSHARG r1
    CALL ty
    MOV r3, r0
    LDI r1, "s"
    PUSHARG r1
    CALL ty
    MOV r4, r0
    LDI r1, ()
    PUSHARG r1
    CALL ty
    MOV r5, r0
    CALL create_object
    PUSHARG r0
    CALL ty
    MOV r6, r0
    CALL create_array
    PUSHARG r0
    CALL ty
    MOV r7, r0
    LDI r1, "ty"
    PUSHARG r1
    CALL create_closure
    PUSHARG r0
    CALL ty
    MOV r8, r0
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    PUSHARG r7
    PUSHARG r8
    CALL print
    RET r5
.end
