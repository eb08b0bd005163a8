# An unknown mnemonic is an assembly error at the mnemonic.
# exit: 2
# expect-error: unknown_mnemonic.s:7:5: error:
# expect-error: FROB
.function main
    LDI r1, 1
    FROB r1, r2
    RET r1
.end
