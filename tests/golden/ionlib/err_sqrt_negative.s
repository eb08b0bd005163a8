# Math.sqrt rejects bad input with an error naming the problem.
# expect-error: Foreign function Math.sqrt failed: Math.sqrt of a negative number
# expect-error: at main, instruction 2
.function main
    LDI r1, -1.0
    PUSHARG r1
    CALL Math.sqrt
    RET r0
.end
