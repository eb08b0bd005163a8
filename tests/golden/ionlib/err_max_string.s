# Math.max rejects bad input with an error naming the problem.
# expect-error: Foreign function Math.max failed: Math.max expects a number, got string
# expect-error: at main, instruction 4
.function main
    LDI r1, 1
    LDI r2, "a"
    PUSHARG r1
    PUSHARG r2
    CALL Math.max
    RET r0
.end
