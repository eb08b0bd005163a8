# Runaway recursion hits the call-depth limit with a clear error instead of
# exhausting memory or crashing (design: resource limits; default 10 000).
# expect-error: Execution error in 'main': Call depth limit exceeded (10000 frames)
# (Not a tail call, which would run in constant space: the result is moved.)
# expect-error: at forever, instruction 0
.function forever
    CALL forever
    MOV r1, r0
    RET r1
.end

.function main
    CALL forever
    RET r0
.end
