# LD below the bottom of the argument stack (spec §4.3: offset printed
# after a literal '+').
# expect-error: Execution error in 'main': Stack address [sp+-5] out of bounds
# expect-error: at main, instruction 4
.function main
    LDI r1, 1
    PUSHARG r1
    PUSHARG r1
    LD r2, -1
    LD r2, -5
    RET r2
.end
