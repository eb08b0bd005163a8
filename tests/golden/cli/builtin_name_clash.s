# A program may not define a function named like a builtin: registration
# fails before execution, CLI exit 3 (spec §2.1, §12).
# exit: 3
# expect-error: Function 'len' is already registered
.function len params=x
    RET r0
.end

.function main
    RET r0
.end
