# MOV clear -> secret shares the value: needs the engine (spec §4.4).
# expect-error: Execution error in 'main':
# expect-error: MPC engine not configured
# expect-error: at main, instruction 1
.function main regs=18
    LDI r1, 5
    MOV r17, r1
    RET r1
.end
