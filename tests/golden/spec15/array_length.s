# Spec §15: three pushes then array_length.
# expect: Program returned: 3
.function main
    CALL create_array
    MOV r1, r0
    LDI r2, 10
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    PUSHARG r1
    PUSHARG r2
    CALL array_push
    PUSHARG r1
    CALL array_length
    RET r0
.end
