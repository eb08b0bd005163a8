# An unknown entry function is an execution error with the unquoted name
# form of execute() (spec §9.1), exit 4.
# args: nosuch
# expect-error: Execution error in 'nosuch': Function nosuch not found
.function main
    RET r0
.end
