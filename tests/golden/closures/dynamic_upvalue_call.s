# A plain CALL of a function that declares upvalues looks them up by name
# in the call stack (dynamic scoping over parameters, spec §4.8, §5.2).
# expect: Program returned: 42
.function outer params=x
    CALL inner
    RET r0
.end

.function inner upvalues=x
    LDI r1, "x"
    PUSHARG r1
    CALL get_upvalue
    RET r0
.end

.function main
    LDI r1, 42
    PUSHARG r1
    CALL outer
    RET r0
.end
