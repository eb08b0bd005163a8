# narrow integers print without the width suffix (CLI result formatter, spec §12).
# expect: Program returned: 7
.function main
    LDI r0, 7u8
    RET r0
.end
