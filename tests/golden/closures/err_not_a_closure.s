# call_closure's first argument must be a closure; the error names the
# type() of what was passed and is wrapped as a builtin error (spec §5.3, §9.2).
# expect-error: Execution error in 'main': Foreign function call_closure failed: First argument must be a closure, but got int64
# expect-error: at main, instruction 2
.function main
    LDI r1, 5
    PUSHARG r1
    CALL call_closure
    RET r0
.end
