# objects print {k: v} with quoted string keys (CLI result formatter, spec §12).
# expect: Program returned: {"k": "v"}
.function main
    CALL create_object
    MOV r1, r0
    LDI r2, "k"
    LDI r3, "v"
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL set_field
    RET r1
.end
