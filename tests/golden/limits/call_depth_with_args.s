# The depth limit also stops recursion that passes arguments and keeps
# registers live in every frame.
# expect-error: Execution error in 'main': Call depth limit exceeded (10000 frames)
# expect-error: at down, instruction 3
.function down params=n
    LDI r1, 1
    ADD r2, r0, r1
    PUSHARG r2
    CALL down
    MOV r3, r0          # not a tail call
    RET r3
.end

.function main
    LDI r1, 0
    PUSHARG r1
    CALL down
    RET r0
.end
