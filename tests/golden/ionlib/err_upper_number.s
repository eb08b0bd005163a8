# String.upper rejects bad input with an error naming the problem.
# expect-error: Foreign function String.upper failed: String.upper expects its argument to be a string, got int64
# expect-error: at main, instruction 2
.function main
    LDI r1, 5
    PUSHARG r1
    CALL String.upper
    RET r0
.end
