# A plain CALL of a function whose upvalue cannot be found by name in the
# call stack (spec §4.8).
# expect-error: Execution error in 'main': Could not find upvalue x when calling function
# expect-error: at main, instruction 0
.function main
    CALL needs_x
    RET r0
.end

.function needs_x upvalues=x
    RET r0
.end
