# Before any CMP the flag is 0 (spec §2.2, §4.6): JMPNEQ/JMPLT/JMPGT are not
# taken, JMPEQ is.
# expect: Program returned: "ok"
.function main
    JMPNEQ fail
    JMPLT fail
    JMPGT fail
    JMPEQ ok
fail:
    LDI r0, "fail"
    RET r0
ok:
    LDI r0, "ok"
    RET r0
.end
