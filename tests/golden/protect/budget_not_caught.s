# The instruction budget the host set is not catchable by the program.
# args: main --max-instructions 1000
# expect-error: Instruction budget exhausted (1000 instructions)
.function spin
loop:
    JMP loop
.end

.function main
    LDI r1, "spin"
    PUSHARG r1
    CALL Error.pcall
    LDI r0, "caught"
    RET r0
.end
