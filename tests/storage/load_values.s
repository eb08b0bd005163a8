# Loads what store_values.s stored and prints each with its type.
.function show params=k
    PUSHARG r0
    CALL LocalStorage.load
    MOV r1, r0
    PUSHARG r1
    CALL type
    PUSHARG r1
    PUSHARG r0
    CALL print
    RET r1
.end
.function main
    LDI r10, "v0"
    PUSHARG r10
    CALL show
    LDI r10, "v1"
    PUSHARG r10
    CALL show
    LDI r10, "v2"
    PUSHARG r10
    CALL show
    LDI r10, "v3"
    PUSHARG r10
    CALL show
    LDI r10, "v4"
    PUSHARG r10
    CALL show
    LDI r10, "v5"
    PUSHARG r10
    CALL show
    LDI r10, "v6"
    PUSHARG r10
    CALL show
    LDI r10, "v7"
    PUSHARG r10
    CALL show
    LDI r10, "never-stored"
    PUSHARG r10
    CALL show
    RET r0
.end
