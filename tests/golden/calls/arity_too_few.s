# A VM function call checks the argument count (spec §4.8).
# expect-error: Execution error in 'main': Function f expects 2 arguments but got 1
# expect-error: at main, instruction 2
.function f params=a,b
    ADD r0, r0, r1
    RET r0
.end

.function main
    LDI r1, 1
    PUSHARG r1
    CALL f
    RET r0
.end
