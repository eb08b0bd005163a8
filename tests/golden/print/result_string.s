# strings are quoted (CLI result formatter, spec §12).
# expect: Program returned: "hi"
.function main
    LDI r0, "hi"
    RET r0
.end
