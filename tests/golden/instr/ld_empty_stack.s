# LD 0 on an empty argument stack.
# expect-error: Execution error in 'main': Stack address [sp+0] out of bounds
# expect-error: at main, instruction 0
.function main
    LD r1, 0
    RET r1
.end
