# When the pushes are not straight-line before the CALL (here a label lies
# between, so other paths could push too), the count is checked at run time
# (spec §4.8).
# expect-error: Execution error in 'main': Function f expects 2 arguments but got 1
# expect-error: at main, instruction 3
.function f params=a,b
    ADD r0, r0, r1
    RET r0
.end

.function main
    LDI r1, 1
    PUSHARG r1
join:
    NOP
    CALL f
    RET r0
.end
