# The destination may be one of the sources (spec §4.5).
# expect: Program returned: 16
.function main
    LDI r0, 2
    MUL r0, r0, r0
    MUL r0, r0, r0
    RET r0
.end
