# Spec §15: create_object; set_field "name"="test"; get_field "name".
# expect: Program returned: "test"
.function main
    CALL create_object
    MOV r1, r0
    LDI r2, "name"
    LDI r3, "test"
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    RET r0
.end
