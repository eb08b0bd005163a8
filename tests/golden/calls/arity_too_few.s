# A call whose pushes are straight-line code before it has a known argument
# count: the loader rejects a mismatch with the callee's parameters.
# exit: 3
# expect-error: Function main instruction 2 (line 13): call to f passes 1 arguments but it takes 2
.function f params=a,b
    ADD r0, r0, r1
    RET r0
.end

.function main
    LDI r1, 1
    PUSHARG r1
    CALL f
    RET r0
.end
