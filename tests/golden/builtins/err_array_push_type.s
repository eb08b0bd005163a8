# array_push onto a non-array (spec §7.1).
# expect-error: Execution error in 'main': Foreign function array_push failed: First argument must be an array
.function main
    LDI r1, 5
    PUSHARG r1
    PUSHARG r1
    CALL array_push
    RET r0
.end
