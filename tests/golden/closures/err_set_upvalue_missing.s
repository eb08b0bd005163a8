# set_upvalue of a name the frame did not capture (spec §5.3).
# expect-error: Execution error in 'main': Foreign function set_upvalue failed: Upvalue 'x' not found for writing
# expect-error: at main, instruction 4
.function main
    LDI r1, "x"
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    CALL set_upvalue
    RET r0
.end
