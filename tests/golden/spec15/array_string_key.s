# Spec §15: an array with a string key "key" = "value"; the named field does
# not change the length (spec §6.2).
# expect: 0
# expect: Program returned: "value"
.function main
    CALL create_array
    MOV r1, r0
    LDI r2, "key"
    LDI r3, "value"
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    PUSHARG r1
    CALL array_length
    PUSHARG r0
    CALL print
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    RET r0
.end
