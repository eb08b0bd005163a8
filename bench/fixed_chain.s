# Fixed-point chain for issue 20's cost figures (docs/benchmarks.md): 50
# dependent fixed x fixed products, each truncated and wrapped before the next.
.version 2
.client 0 inputs=fixed:64:16
.client 1 inputs=fixed:64:16
.function main regs=24
    LDI r1, 0
    LDI r2, 0
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r16, r0
    LDI r2, 1
    PUSHARG r2
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r17, r0
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MUL r16, r16, r17
    MOV r3, r16
    RET r3
.end
