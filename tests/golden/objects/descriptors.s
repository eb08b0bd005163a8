# Object.define_property: flags by mask (1 writable, 2 enumerable,
# 4 configurable) or by an object of booleans; non-enumerable keys are
# left out of Object.keys; Object.describe reports the flags.
# expect: [a, c]
# expect: {writable: false, enumerable: false, configurable: true}
# expect: {writable: true, enumerable: true, configurable: false}
# expect: true 9
# expect-error: Foreign function set_field failed: Cannot assign to read-only property 'b'
# expect-error: at main, instruction 72
.function main
    CALL create_object
    MOV r1, r0
    LDI r2, "a"
    LDI r3, 1
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    LDI r2, "b"
    LDI r3, 2
    LDI r4, 4
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Object.define_property
    CALL create_object
    MOV r5, r0
    LDI r6, "writable"
    LDI r7, true
    PUSHARG r5
    PUSHARG r6
    PUSHARG r7
    CALL set_field
    LDI r6, "enumerable"
    PUSHARG r5
    PUSHARG r6
    PUSHARG r7
    CALL set_field
    LDI r2, "c"
    LDI r3, 3
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r5
    CALL Object.define_property
    PUSHARG r1
    CALL Object.keys
    PUSHARG r0
    CALL print
    LDI r2, "b"
    PUSHARG r1
    PUSHARG r2
    CALL Object.describe
    PUSHARG r0
    CALL print
    LDI r2, "c"
    PUSHARG r1
    PUSHARG r2
    CALL Object.describe
    PUSHARG r0
    CALL print
    LDI r3, 9
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    MOV r8, r0
    LDI r2, "a"
    PUSHARG r1
    PUSHARG r2
    CALL Object.delete
    PUSHARG r0
    PUSHARG r8
    CALL print
    LDI r2, "b"
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    RET r0
.end
