# the empty string (CLI result formatter, spec §12).
# expect: Program returned: ""
.function main
    LDI r0, ""
    RET r0
.end
