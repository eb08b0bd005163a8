# array_length of a number (spec §7.1).
# expect-error: Execution error in 'main': Foreign function array_length failed: First argument must be an array or string
.function main
    LDI r1, 5
    PUSHARG r1
    CALL array_length
    RET r0
.end
