# --flag=value sets the flag (docs/compat.md: upstream ignores the value).
# args: main --max-instructions=100
# expect-error: Execution error in 'main': Instruction budget exhausted (100 instructions)
.function main
loop:
    JMP loop
.end
