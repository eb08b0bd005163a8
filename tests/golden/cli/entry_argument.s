# The second positional argument selects the entry function (spec §12).
# args: other
# expect: Program returned: "other"
.function main
    LDI r0, "main"
    RET r0
.end

.function other
    LDI r0, "other"
    RET r0
.end
