# The compare flag belongs to the frame: a callee starts with flag 0 even
# when the caller's flag is -1, and the callee's CMP does not change the
# caller's flag (spec §1.6, §4.8).
# expect: callee-eq
# expect: Program returned: "caller-lt"
.function callee
    JMPEQ eq
    LDI r1, "callee-ne"
    JMP out
eq:
    LDI r1, "callee-eq"
out:
    PUSHARG r1
    CALL print
    LDI r2, 9
    LDI r3, 1
    CMP r2, r3              ; flag +1 in this frame
    RET r0
.end

.function main
    LDI r1, 1
    LDI r2, 2
    CMP r1, r2              ; flag -1
    CALL callee
    JMPLT lt
    LDI r0, "caller-other"
    RET r0
lt:
    LDI r0, "caller-lt"
    RET r0
.end
