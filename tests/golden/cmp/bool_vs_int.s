# Bool compares only with Bool (spec §1.6).
# expect-error: Execution error in 'main': Cannot compare true and 1
# expect-error: at main, instruction 2
.function main
    LDI r1, true
    LDI r2, 1
    CMP r1, r2
    RET r1
.end
