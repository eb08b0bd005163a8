# Math.abs rejects bad input with an error naming the problem.
# expect-error: Foreign function Math.abs failed: Math.abs overflows int64
# expect-error: at main, instruction 2
.function main
    LDI r1, -9223372036854775808
    PUSHARG r1
    CALL Math.abs
    RET r0
.end
