# a U64 amount above INT64_MAX reports amount 4294967295 (spec §1.5).
# expect-error: Execution error in 'main': Shift amount 4294967295 out of range in SHL operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1u64
    LDI r2, 18446744073709551615u64
    SHL r3, r1, r2
    RET r3
.end
