# AND of strings (spec §1.5).
# expect-error: Execution error in 'main': Type error in AND operation
# expect-error: at main, instruction 2
.function main
    LDI r1, "a"
    LDI r2, "b"
    AND r3, r1, r2
    RET r3
.end
