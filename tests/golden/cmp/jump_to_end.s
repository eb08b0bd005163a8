# A label may point at the instruction count: jumping there falls off the
# end, which returns r0 (spec §3, §4.11).
# expect: Program returned: 5
.function main
    LDI r0, 5
    JMP end
    LDI r0, 6
end:
.end
