# closures print Function(name) (CLI result formatter, spec §12).
# expect: Program returned: Function(f)
.function main
    LDI r1, "f"
    PUSHARG r1
    CALL create_closure
    RET r0
.end
