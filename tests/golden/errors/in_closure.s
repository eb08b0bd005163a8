# An error inside a closure body names the closure's function and the index
# of the failing instruction there.
# expect-error: Execution error in 'main': Division by zero
# expect-error: at divide_by_x, instruction 4
.function make params=x
    LDI r1, "divide_by_x"
    PUSHARG r1
    LDI r1, "x"
    PUSHARG r1
    CALL create_closure
    RET r0
.end

.function divide_by_x params=y upvalues=x
    MOV r5, r0
    LDI r1, "x"
    PUSHARG r1
    CALL get_upvalue
    DIV r0, r5, r0
    RET r0
.end

.function main
    LDI r1, 0
    PUSHARG r1
    CALL make
    MOV r2, r0
    LDI r1, 10
    PUSHARG r2
    PUSHARG r1
    CALL call_closure
    RET r0
.end
