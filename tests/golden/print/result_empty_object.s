# an empty object (CLI result formatter, spec §12).
# expect: Program returned: {}
.function main
    CALL create_object
    RET r0
.end
