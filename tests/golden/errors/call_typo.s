# A call to a misspelt builtin fails with a suggestion, and stoffel-run
# warns at load time, before anything runs (tests/run.py cli/typo-warning).
# expect-error: Function 'array_lenght' not found; did you mean 'array_length'?
.function main
    CALL create_array
    PUSHARG r0
    CALL array_lenght
    RET r0
.end
