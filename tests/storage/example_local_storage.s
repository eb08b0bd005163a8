# StoffelLang's examples/local_storage/main.stfl by hand: 1121 on a fresh
# store (spec/stoffellang.md), and again on the next run (it deletes its key).
.function main
    LDI r1, "examples:local-storage:job-cursor"
    LDI r2, 0
    PUSHARG r1
    CALL LocalStorage.exists
    LDI r3, true
    CMP r0, r3
    JMPNEQ fresh
    PUSHARG r1
    CALL LocalStorage.load
    LDI r3, 10
    ADD r2, r2, r3
    JMP stored
fresh:
    LDI r4, "phase:ingested"
    PUSHARG r1
    PUSHARG r4
    CALL LocalStorage.store
    LDI r3, true
    CMP r0, r3
    JMPNEQ stored
    LDI r3, 20
    ADD r2, r2, r3
stored:
    PUSHARG r1
    CALL LocalStorage.retrieve
    PUSHARG r1
    CALL LocalStorage.exists
    LDI r3, true
    CMP r0, r3
    JMPNEQ deleted
    LDI r3, 1
    ADD r2, r2, r3
deleted:
    PUSHARG r1
    CALL LocalStorage.delete
    LDI r3, true
    CMP r0, r3
    JMPNEQ gone
    LDI r3, 100
    ADD r2, r2, r3
gone:
    PUSHARG r1
    CALL LocalStorage.exists
    LDI r3, false
    CMP r0, r3
    JMPNEQ end
    LDI r3, 1000
    ADD r2, r2, r3
end:
    RET r2
.end
