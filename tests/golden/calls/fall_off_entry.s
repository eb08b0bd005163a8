# The entry function falling off its end returns r0.
# expect: Program returned: 7
.function main
    LDI r0, 7
.end
