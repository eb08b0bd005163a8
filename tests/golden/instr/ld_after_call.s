# CALL empties the caller's argument stack, so a later LD 0 fails.
# expect: 7
# expect-error: Execution error in 'main': Stack address [sp+0] out of bounds
# expect-error: at main, instruction 3
.function main
    LDI r1, 7
    PUSHARG r1
    CALL print
    LD r2, 0
    RET r2
.end
