# Positive LD offsets are always out of range (spec §4.3, §14).
# expect-error: Execution error in 'main': Stack address [sp+1] out of bounds
# expect-error: at main, instruction 2
.function main
    LDI r1, 1
    PUSHARG r1
    LD r2, 1
    RET r2
.end
