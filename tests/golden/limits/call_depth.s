# Runaway recursion hits the call-depth limit with a clear error instead of
# exhausting memory or crashing (design: resource limits; default 10 000).
# expect-error: Execution error in 'main': Call depth limit exceeded (10000 frames)
# expect-error: at forever, instruction 0
.function forever
    CALL forever
    RET r0
.end

.function main
    CALL forever
    RET r0
.end
