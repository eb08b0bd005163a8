# The smallest program: print one line, return the unit value of print.
# expect: Hello, world!
# expect: Program returned: ()
.function main
    LDI r1, "Hello, world!"
    PUSHARG r1
    CALL print
    RET r0
.end
