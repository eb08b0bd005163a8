# --max-instructions N stops an endless loop with a clear error.
# args: main --max-instructions 1000
# expect-error: Execution error in 'main': Instruction budget exhausted (1000 instructions)
.function main
    LDI r1, 0
loop:
    JMP loop
.end
