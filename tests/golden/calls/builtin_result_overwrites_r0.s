# A builtin's result also lands in r0: print returns (), so r0 = ().
# expect: x
# expect: Program returned: ()
.function main
    LDI r0, 7
    LDI r1, "x"
    PUSHARG r1
    CALL print
    RET r0
.end
