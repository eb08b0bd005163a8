# __getattr__(obj, key) answers reads of keys found nowhere on the chain
# (inherited from a prototype here); __setattr__(obj, key, value) takes
# every write, and stores through Object.raw_set.
# expect: real missing:foo
# expect: 84 ()
# expect: Program returned: 2
.function getattr params=o,k
    LDI r2, "missing:"
    PUSHARG r2
    PUSHARG r1
    CALL String.concat
    RET r0
.end

.function setattr params=o,k,v
    ADD r2, r2, r2
    PUSHARG r0
    PUSHARG r1
    PUSHARG r2
    CALL Object.raw_set
    RET r0
.end

.function main
    CALL create_object
    MOV r1, r0
    LDI r2, "__getattr__"
    LDI r3, "getattr"
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    CALL create_object
    MOV r4, r0
    PUSHARG r4
    PUSHARG r1
    CALL Object.set_prototype
    LDI r5, "x"
    LDI r6, "real"
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    CALL set_field
    PUSHARG r4
    PUSHARG r5
    CALL get_field
    MOV r7, r0
    LDI r5, "foo"
    PUSHARG r4
    PUSHARG r5
    CALL get_field
    PUSHARG r7
    PUSHARG r0
    CALL print
    CALL create_object
    MOV r8, r0
    LDI r2, "__setattr__"
    LDI r3, "setattr"
    PUSHARG r8
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    LDI r5, "n"
    LDI r6, 42
    PUSHARG r8
    PUSHARG r5
    PUSHARG r6
    CALL set_field
    PUSHARG r8
    PUSHARG r5
    CALL get_field
    MOV r7, r0
    LDI r5, "other"
    PUSHARG r8
    PUSHARG r5
    CALL get_field
    PUSHARG r7
    PUSHARG r0
    CALL print
    PUSHARG r8
    CALL Object.keys
    PUSHARG r0
    CALL len
    RET r0
.end
