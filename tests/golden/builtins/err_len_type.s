# len (alias of array_length) of a bool (spec §7.1).
# expect-error: Execution error in 'main': Foreign function len failed: First argument must be an array or string
.function main
    LDI r1, true
    PUSHARG r1
    CALL len
    RET r0
.end
