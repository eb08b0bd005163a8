# negative zero (CLI result formatter, spec §12).
# expect: Program returned: -0
.function main
    LDI r0, -0.0
    RET r0
.end
