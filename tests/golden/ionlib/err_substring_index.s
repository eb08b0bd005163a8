# String.substring rejects bad input with an error naming the problem.
# expect-error: Foreign function String.substring failed: start must be an integer
# expect-error: at main, instruction 4
.function main
    LDI r1, "abc"
    LDI r2, "x"
    PUSHARG r1
    PUSHARG r2
    CALL String.substring
    RET r0
.end
