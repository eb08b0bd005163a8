# An error three frames deep is reported for the innermost function; output
# printed before the error stays on stdout.
# expect: in a
# expect: in b
# expect-error: Execution error in 'main': Integer overflow in MUL operation
# expect-error: at b, instruction 5
.function main
    CALL a
    RET r0
.end

.function a
    LDI r1, "in a"
    PUSHARG r1
    CALL print
    CALL b
    RET r0
.end

.function b
    LDI r1, "in b"
    PUSHARG r1
    CALL print
    LDI r1, 9223372036854775807
    LDI r2, 2
    MUL r3, r1, r2
    RET r3
.end
