# --max-call-depth N lowers the frame limit; the error names the limit.
# args: main --max-call-depth 50
# expect-error: Execution error in 'main': Call depth limit exceeded (50 frames)
# expect-error: at down, instruction 6
.function down params=n
    LDI r1, 0
    CMP r0, r1
    JMPEQ bottom
    LDI r1, 1
    SUB r2, r0, r1
    PUSHARG r2
    CALL down
    MOV r3, r0          # not a tail call
    RET r3
bottom:
    RET r0
.end

.function main
    LDI r1, 100
    PUSHARG r1
    CALL down
    RET r0
.end
