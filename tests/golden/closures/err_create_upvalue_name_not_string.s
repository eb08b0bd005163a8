# create_closure's upvalue names must be strings (spec §5.3).
# expect-error: Execution error in 'main': Foreign function create_closure failed: Upvalue names must be strings
# expect-error: at main, instruction 4
.function main
    LDI r1, "f"
    LDI r2, 5
    PUSHARG r1
    PUSHARG r2
    CALL create_closure
    RET r0
.end
