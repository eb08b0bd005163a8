# After a runtime error no "Program returned" line is printed and stdout
# holds only what print wrote.
# expect: partial
# expect-error: Execution error in 'main': Type error in ADD operation
.function main
    LDI r1, "partial"
    PUSHARG r1
    CALL print
    LDI r2, true
    ADD r3, r1, r2
    RET r3
.end
