# The register stack is capped in bytes, not only in frames (issue 16): a
# function with 65,535 registers (1 MiB a frame) recursing 10,000 deep took
# 16.8 GB before the depth error; it now stops at the 64 MiB stack cap.
# max-rss-mb: 250
# expect-error: Register stack limit exceeded (67108864 bytes, at 64 frames)
.function down params=n regs=65535
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
    LDI r1, 10000
    PUSHARG r1
    CALL down
    RET r0
.end
