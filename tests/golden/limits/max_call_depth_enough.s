# Recursion 40 deep (41 frames with main) stays below --max-call-depth 50.
# args: main --max-call-depth 50
# expect: Program returned: 0
.function down params=n
    LDI r1, 0
    CMP r0, r1
    JMPEQ bottom
    LDI r1, 1
    SUB r2, r0, r1
    PUSHARG r2
    CALL down
    RET r0
bottom:
    RET r0
.end

.function main
    LDI r1, 40
    PUSHARG r1
    CALL down
    RET r0
.end
