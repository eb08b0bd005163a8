# LDI stores a fresh value each time; overwriting a register does not
# affect a copy made by MOV.
# expect: 1 2
# expect: Program returned: 1
.function main
    LDI r1, 1
    MOV r2, r1
    LDI r1, 2
    PUSHARG r2
    PUSHARG r1
    CALL print
    RET r2
.end
