# assert(false, msg) reports msg (spec §7.1).
# expect-error: Execution error in 'main': Foreign function assert failed: boom: x was 3
.function main
    LDI r1, false
    LDI r2, "boom: x was 3"
    PUSHARG r1
    PUSHARG r2
    CALL assert
    RET r0
.end
