# A callee frame starts with an empty argument stack: it cannot LD the
# values its caller pushed (they became its parameters).
# expect-error: Execution error in 'main': Stack address [sp+0] out of bounds
# expect-error: at f, instruction 0
.function f params=x
    LD r1, 0
    RET r1
.end

.function main
    LDI r1, 7
    PUSHARG r1
    CALL f
    RET r0
.end
