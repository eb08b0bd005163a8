# Recursion through call_closure is limited the same way.
# expect-error: Execution error in 'main':
# expect-error: Call depth limit exceeded (10000 frames)
.function again params=self
    MOV r1, r0
    PUSHARG r1
    PUSHARG r1
    CALL call_closure
    RET r0
.end

.function main
    LDI r1, "again"
    PUSHARG r1
    CALL create_closure
    MOV r2, r0
    PUSHARG r2
    PUSHARG r2
    CALL call_closure
    RET r0
.end
