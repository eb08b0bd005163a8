# an empty array is not a byte array (CLI result formatter, spec §12).
# expect: Program returned: []
.function main
    CALL create_array
    RET r0
.end
