# Spec §15: type(42), type("hello"), type(true), type(object).
# expect: int64
# expect: string
# expect: boolean
# expect: object
# expect: Program returned: "object"
.function main
    LDI r1, 42
    PUSHARG r1
    CALL type
    PUSHARG r0
    CALL print
    LDI r1, "hello"
    PUSHARG r1
    CALL type
    PUSHARG r0
    CALL print
    LDI r1, true
    PUSHARG r1
    CALL type
    PUSHARG r0
    CALL print
    CALL create_object
    PUSHARG r0
    CALL type
    MOV r2, r0
    PUSHARG r2
    CALL print
    RET r2
.end
