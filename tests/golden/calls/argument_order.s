# The whole argument stack, in push order, becomes the argument list:
# argument i goes to register i (spec §4.8).
# expect: Program returned: 123
.function f params=a,b,c
    LDI r5, 100
    MUL r3, r0, r5
    LDI r5, 10
    MUL r4, r1, r5
    ADD r3, r3, r4
    ADD r3, r3, r2
    RET r3
.end

.function main
    LDI r1, 1
    LDI r2, 2
    LDI r3, 3
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL f
    RET r0
.end
