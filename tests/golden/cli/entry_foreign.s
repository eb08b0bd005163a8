# A builtin cannot be the entry function (spec §9.1).
# args: print
# expect-error: Execution error in 'print': Cannot execute foreign function print
.function main
    RET r0
.end
