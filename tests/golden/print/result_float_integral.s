# integral floats without .0 (CLI result formatter, spec §12).
# expect: Program returned: 1
.function main
    LDI r0, 1.0
    RET r0
.end
