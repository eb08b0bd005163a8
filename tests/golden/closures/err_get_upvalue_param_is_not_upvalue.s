# A parameter is not an upvalue of its own frame: get_upvalue("x") inside
# f(x) fails (spec §5.3).
# expect-error: Execution error in 'main': Foreign function get_upvalue failed: Upvalue 'x' not found
# expect-error: at f, instruction 2
.function f params=x
    LDI r1, "x"
    PUSHARG r1
    CALL get_upvalue
    RET r0
.end

.function main
    LDI r1, 1
    PUSHARG r1
    CALL f
    RET r0
.end
