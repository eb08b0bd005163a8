# call_closure checks the closure function's parameter count (spec §5.3).
# expect-error: Function add1 expects 1 arguments but got 0
# expect-error: at main, instruction 5
.function add1 params=y
    RET r0
.end

.function main
    LDI r1, "add1"
    PUSHARG r1
    CALL create_closure
    MOV r2, r0
    PUSHARG r2
    CALL call_closure
    RET r0
.end
