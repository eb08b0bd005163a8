# A raised value no pcall catches ends the run like any VM error.
# expect-error: Execution error in 'main': Foreign function Error.raise failed: boom
# expect-error: at main, instruction 2
.function main
    LDI r1, "boom"
    PUSHARG r1
    CALL Error.raise
    RET r0
.end
