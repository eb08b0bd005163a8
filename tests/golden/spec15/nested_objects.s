# Spec §15: parent.child.value = 42, read back through parent.
# expect: Program returned: 42
.function main
    CALL create_object
    MOV r1, r0              ; parent
    CALL create_object
    MOV r2, r0              ; child
    LDI r3, "value"
    LDI r4, 42
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL set_field          ; child.value = 42
    LDI r5, "child"
    PUSHARG r1
    PUSHARG r5
    PUSHARG r2
    CALL set_field          ; parent.child = child
    PUSHARG r1
    PUSHARG r5
    CALL get_field          ; parent.child
    MOV r6, r0
    PUSHARG r6
    PUSHARG r3
    CALL get_field          ; .value
    RET r0
.end
