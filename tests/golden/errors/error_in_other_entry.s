# The error line names the entry that was run, not the failing function.
# args: start
# expect-error: Execution error in 'start': Modulo by zero
# expect-error: at helper, instruction 2
.function start
    CALL helper
    RET r0
.end

.function helper
    LDI r1, 1
    LDI r2, 0
    MOD r3, r1, r2
    RET r3
.end
