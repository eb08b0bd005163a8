# create_array with a negative capacity (spec §7.1).
# expect-error: Execution error in 'main': Foreign function create_array failed: array capacity must be a non-negative integer
.function main
    LDI r1, -1
    PUSHARG r1
    CALL create_array
    RET r0
.end
