# create_closure's function name must be a string (spec §5.3).
# expect-error: Execution error in 'main': Foreign function create_closure failed: First argument must be a string
# expect-error: at main, instruction 2
.function main
    LDI r1, 5
    PUSHARG r1
    CALL create_closure
    RET r0
.end
