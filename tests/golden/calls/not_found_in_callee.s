# An unknown name inside a callee: the location is the callee's CALL.
# expect-error: Execution error in 'main': Function 'missing' not found
# expect-error: at helper, instruction 1
.function helper
    NOP
    CALL missing
    RET r0
.end

.function main
    CALL helper
    RET r0
.end
