# --trace-regs and --trace-stack write register writes, argument pushes and
# pops, calls and returns to stderr in upstream's formats (spec §12);
# stdout and the exit code are unchanged.
# args: main --trace-regs --trace-stack
# expect: s
# expect: Program returned: 6
# exit: 0
# expect-error: [regs][depth 1][main] R1 (clear[1]): () -> 5
# expect-error: [stack][depth 1][main] PUSH 5
# expect-error: [stack][depth 1][main] POP  5
# expect-error: [stack][depth 1] CALL <function inc> with [5]
# expect-error: [regs][depth 2][inc] R0 (clear[0]): 5 -> 6
# expect-error: [stack][depth 1] RET  <function inc> => 6
# expect-error: [stack][depth 1] CALL <foreign function print> with ["s"]
.function inc params=x regs=2
    LDI r1, 1
    ADD r0, r0, r1
    RET r0
.end
.function main regs=3
    LDI r1, 5
    PUSHARG r1
    CALL inc
    MOV r2, r0
    LDI r0, "s"
    PUSHARG r0
    CALL print
    RET r2
.end
