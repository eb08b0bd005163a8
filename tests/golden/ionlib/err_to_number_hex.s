# to_number rejects bad input with an error naming the problem.
# expect-error: Foreign function to_number failed: to_number: "0x10" is not a number
# expect-error: at main, instruction 2
.function main
    LDI r1, "0x10"
    PUSHARG r1
    CALL to_number
    RET r0
.end
