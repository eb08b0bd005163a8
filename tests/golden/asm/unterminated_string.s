# A string constant without its closing quote.
# exit: 2
# expect-error: unterminated_string.s:6:13: error:
# expect-error: string
.function main
    LDI r1, "abc
    RET r1
.end
