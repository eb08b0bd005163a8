# Two different functions with the same name are rejected (spec §10:
# conflicting duplicate definitions); a registration error, so exit 3
# (spec §11 classes duplicate names as conversion/registration errors, §12).
# exit: 3
# expect-error: duplicate function 'main' has conflicting definitions
.function main
    LDI r0, 1
    RET r0
.end

.function main
    LDI r0, 2
    RET r0
.end
