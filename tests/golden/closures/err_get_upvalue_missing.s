# get_upvalue looks only at the current frame's upvalues (spec §5.3).
# expect-error: Execution error in 'main': Foreign function get_upvalue failed: Upvalue 'x' not found
# expect-error: at main, instruction 2
.function main
    LDI r1, "x"
    PUSHARG r1
    CALL get_upvalue
    RET r0
.end
