# Bytes.from_hex: upper and lower case digits, two per byte; "" is empty.
# expect: Program returned: [[0, 255, 171, 205], []]
.function main
    LDI r1, "00ffAbcD"
    PUSHARG r1
    CALL Bytes.from_hex
    MOV r2, r0
    LDI r1, ""
    PUSHARG r1
    CALL Bytes.from_hex
    MOV r3, r0
    CALL create_array
    MOV r4, r0
    PUSHARG r4
    PUSHARG r2
    CALL array_push
    PUSHARG r4
    PUSHARG r3
    CALL array_push
    RET r4
.end
