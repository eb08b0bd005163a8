# Deep equality compares nested arrays element-wise (50 levels, below the
# recursion limit of 64, spec §1.7).
# expect: true false
# expect: Program returned: true
.function chain params=depth,leaf
    MOV r6, r0              ; levels still to build
    MOV r4, r1              ; current innermost value
    LDI r2, 0
    LDI r3, 1
loop:
    CMP r6, r2
    JMPEQ done
    CALL create_array
    MOV r5, r0
    PUSHARG r5
    PUSHARG r4
    CALL array_push
    MOV r4, r5
    SUB r6, r6, r3
    JMP loop
done:
    RET r4
.end

.function main
    LDI r1, 50
    LDI r2, "leaf"
    LDI r3, "other"
    PUSHARG r1
    PUSHARG r2
    CALL chain
    MOV r10, r0
    PUSHARG r1
    PUSHARG r2
    CALL chain
    MOV r11, r0
    PUSHARG r1
    PUSHARG r3
    CALL chain
    MOV r12, r0
    PUSHARG r10
    PUSHARG r11
    CALL array_equals
    MOV r4, r0
    PUSHARG r10
    PUSHARG r12
    CALL array_equals
    PUSHARG r4
    PUSHARG r0
    CALL print
    RET r4
.end
