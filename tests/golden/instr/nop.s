# NOP does nothing (and counts as an instruction for error indices).
# expect: Program returned: 3
.function main
    NOP
    LDI r0, 3
    NOP
    NOP
    RET r0
.end
