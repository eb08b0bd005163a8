# OR of Bool and I64 (spec §1.5).
# expect-error: Execution error in 'main': Type error in OR operation
# expect-error: at main, instruction 2
.function main
    LDI r1, true
    LDI r2, 1
    OR r3, r1, r2
    RET r3
.end
