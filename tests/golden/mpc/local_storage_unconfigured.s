# LocalStorage needs --local-store (spec §7.1).
# expect-error: Execution error in 'main': Foreign function LocalStorage.store failed: Local storage is not configured
.function main
    LDI r1, "k"
    LDI r2, 1
    PUSHARG r1
    PUSHARG r2
    CALL LocalStorage.store
    RET r0
.end
