# A function without parameters called with one argument.
# expect-error: Execution error in 'main': Function g expects 0 arguments but got 1
# expect-error: at main, instruction 2
.function g
    RET r0
.end

.function main
    LDI r1, 1
    PUSHARG r1
    CALL g
    RET r0
.end
