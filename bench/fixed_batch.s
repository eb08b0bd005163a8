# Fixed-point batch for issue 20's cost figures (docs/benchmarks.md): 50
# independent fixed x fixed products, truncated and wrapped in one batch.
.version 2
.client 0 inputs=fixed:64:16
.client 1 inputs=fixed:64:16
.function main regs=70
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
    MUL r18, r16, r17
    MUL r19, r16, r17
    MUL r20, r16, r17
    MUL r21, r16, r17
    MUL r22, r16, r17
    MUL r23, r16, r17
    MUL r24, r16, r17
    MUL r25, r16, r17
    MUL r26, r16, r17
    MUL r27, r16, r17
    MUL r28, r16, r17
    MUL r29, r16, r17
    MUL r30, r16, r17
    MUL r31, r16, r17
    MUL r32, r16, r17
    MUL r33, r16, r17
    MUL r34, r16, r17
    MUL r35, r16, r17
    MUL r36, r16, r17
    MUL r37, r16, r17
    MUL r38, r16, r17
    MUL r39, r16, r17
    MUL r40, r16, r17
    MUL r41, r16, r17
    MUL r42, r16, r17
    MUL r43, r16, r17
    MUL r44, r16, r17
    MUL r45, r16, r17
    MUL r46, r16, r17
    MUL r47, r16, r17
    MUL r48, r16, r17
    MUL r49, r16, r17
    MUL r50, r16, r17
    MUL r51, r16, r17
    MUL r52, r16, r17
    MUL r53, r16, r17
    MUL r54, r16, r17
    MUL r55, r16, r17
    MUL r56, r16, r17
    MUL r57, r16, r17
    MUL r58, r16, r17
    MUL r59, r16, r17
    MUL r60, r16, r17
    MUL r61, r16, r17
    MUL r62, r16, r17
    MUL r63, r16, r17
    MUL r64, r16, r17
    MUL r65, r16, r17
    MUL r66, r16, r17
    MUL r67, r16, r17
    MOV r18, r18
    ADD r18, r18, r19
    ADD r18, r18, r20
    ADD r18, r18, r21
    ADD r18, r18, r22
    ADD r18, r18, r23
    ADD r18, r18, r24
    ADD r18, r18, r25
    ADD r18, r18, r26
    ADD r18, r18, r27
    ADD r18, r18, r28
    ADD r18, r18, r29
    ADD r18, r18, r30
    ADD r18, r18, r31
    ADD r18, r18, r32
    ADD r18, r18, r33
    ADD r18, r18, r34
    ADD r18, r18, r35
    ADD r18, r18, r36
    ADD r18, r18, r37
    ADD r18, r18, r38
    ADD r18, r18, r39
    ADD r18, r18, r40
    ADD r18, r18, r41
    ADD r18, r18, r42
    ADD r18, r18, r43
    ADD r18, r18, r44
    ADD r18, r18, r45
    ADD r18, r18, r46
    ADD r18, r18, r47
    ADD r18, r18, r48
    ADD r18, r18, r49
    ADD r18, r18, r50
    ADD r18, r18, r51
    ADD r18, r18, r52
    ADD r18, r18, r53
    ADD r18, r18, r54
    ADD r18, r18, r55
    ADD r18, r18, r56
    ADD r18, r18, r57
    ADD r18, r18, r58
    ADD r18, r18, r59
    ADD r18, r18, r60
    ADD r18, r18, r61
    ADD r18, r18, r62
    ADD r18, r18, r63
    ADD r18, r18, r64
    ADD r18, r18, r65
    ADD r18, r18, r66
    ADD r18, r18, r67
    MOV r3, r18
    RET r3
.end
