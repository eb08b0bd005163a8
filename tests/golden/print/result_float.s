# floats without the f64 suffix (CLI result formatter, spec §12).
# expect: Program returned: 1.5
.function main
    LDI r0, 1.5
    RET r0
.end
