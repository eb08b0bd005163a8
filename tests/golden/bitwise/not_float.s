# NOT accepts only integers and Bool (spec §1.5).
# expect-error: Execution error in 'main': Type error in NOT operation
# expect-error: at main, instruction 1
.function main
    LDI r1, 1.5
    NOT r2, r1
    RET r2
.end
