# A runtime error names the entry, the message, and the function and 0-based
# instruction index where it happened (here the DIV in f, not main).
# expect: before
# expect-error: Execution error in 'main': Division by zero
# expect-error:   at f, instruction 3
.function main
    LDI r1, "before"
    PUSHARG r1
    CALL print
    LDI r1, 10
    PUSHARG r1
    CALL f
    LDI r1, "after"
    PUSHARG r1
    CALL print
    RET r0
.end

.function f params=x
    LDI r1, 0
    NOP
    NOP
    DIV r2, r0, r1
    RET r2
.end
