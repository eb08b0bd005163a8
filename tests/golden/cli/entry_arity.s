# The entry is called with zero arguments; arity is checked (spec §9.1).
# args: f
# expect-error: Execution error in 'f': Function f expects 1 arguments but got 0
.function f params=x
    RET r0
.end
