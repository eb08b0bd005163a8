# create_closure with a name that no frame has as parameter or upvalue
# (spec §5.2, §5.3).
# expect-error: Execution error in 'main': Foreign function create_closure failed: Could not find upvalue x when creating closure
# expect-error: at main, instruction 4
.function main
    LDI r1, "f"
    LDI r2, "x"
    PUSHARG r1
    PUSHARG r2
    CALL create_closure
    RET r0
.end
