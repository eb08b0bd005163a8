# Spec §15: create_array(5) (capacity hint only), array_push 42, get_field 0.
# expect: Program returned: 42
.function main
    LDI r1, 5
    PUSHARG r1
    CALL create_array
    MOV r2, r0
    LDI r3, 42
    PUSHARG r2
    PUSHARG r3
    CALL array_push
    LDI r4, 0
    PUSHARG r2
    PUSHARG r4
    CALL get_field
    RET r0
.end
