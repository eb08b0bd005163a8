# assert(false) without a message (spec §7.1).
# expect-error: Execution error in 'main': Foreign function assert failed: assertion failed
.function main
    LDI r1, false
    PUSHARG r1
    CALL assert
    RET r0
.end
