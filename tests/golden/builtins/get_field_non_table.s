# get_field on something that is neither a table nor a string returns ()
# without error (spec §6.3).
# expect: () ()
# expect: Program returned: ()
.function main
    LDI r1, 5
    LDI r2, "k"
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    MOV r3, r0
    LDI r1, ()
    PUSHARG r1
    PUSHARG r2
    CALL get_field
    PUSHARG r3
    PUSHARG r0
    CALL print
    RET r3
.end
