# Ffi.bind with a malformed signature string: the message names the column.
# expect-error: Foreign function Ffi.bind failed: malformed signature "double(double": expected ',' or ')' at column 14
# expect-error: at main, instruction 9
.function main
    LDI r1, "libm.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    LDI r3, "cos"
    LDI r4, "double(double"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    RET r0
.end
