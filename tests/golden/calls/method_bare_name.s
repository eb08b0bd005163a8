# A bare name that is not a function but is a registered method name is
# dispatched on the receiver's runtime type; int64 has no such method
# (spec §4.12).
# expect-error: Execution error in 'main': Method 'open' not found for receiver type 'int64'
# expect-error: at main, instruction 2
.function main
    LDI r1, 1
    PUSHARG r1
    CALL open
    RET r0
.end
