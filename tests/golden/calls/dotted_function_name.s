# Function names may contain dots and are called as plain names.
# expect: Program returned: 25
.function Point.norm2 params=x,y
    MUL r2, r0, r0
    MUL r3, r1, r1
    ADD r0, r2, r3
    RET r0
.end

.function main
    LDI r1, 3
    LDI r2, 4
    PUSHARG r1
    PUSHARG r2
    CALL Point.norm2
    RET r0
.end
