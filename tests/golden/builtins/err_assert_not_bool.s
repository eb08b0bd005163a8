# assert requires a Bool; there is no truthiness (spec §1.7) (spec §7.1).
# expect-error: Execution error in 'main': Foreign function assert failed: assert condition must be a bool, found int64
.function main
    LDI r1, 1
    PUSHARG r1
    CALL assert
    RET r0
.end
