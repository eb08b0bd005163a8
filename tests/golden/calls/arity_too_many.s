# A function without parameters called with one argument: rejected at load.
# exit: 3
# expect-error: call to g passes 1 arguments but it takes 0
.function g
    RET r0
.end

.function main
    LDI r1, 1
    PUSHARG r1
    CALL g
    RET r0
.end
