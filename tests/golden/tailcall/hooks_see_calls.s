# With a tracer on, tail calls stay plain calls, so every call and return
# is seen (here: the instruction trace of a 3-deep tail recursion).
# args: main --trace-instr
# exit: 0
# expect-error: [instr][depth 5][down][pc 0] BEFORE LDI(1, 0)
# expect-error: [instr][depth 2][down][pc 7] BEFORE RET(0)
# expect: Program returned: 0
.function down params=n
    LDI r1, 0
    CMP r0, r1
    JMPEQ done
    LDI r1, 1
    SUB r0, r0, r1
    PUSHARG r0
    CALL down
    RET r0
done:
    RET r0
.end

.function main
    LDI r1, 3
    PUSHARG r1
    CALL down
    RET r0
.end
