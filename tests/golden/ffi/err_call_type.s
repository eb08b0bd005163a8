# Ffi.call with an argument of the wrong type (a double wants a Float).
# expect-error: Foreign function Ffi.call failed: cos: argument 1 must be a float (double), got string
# expect-error: at main, instruction 14
.function main
    LDI r1, "libm.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    LDI r3, "cos"
    LDI r4, "double(double)"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    LDI r6, "x"
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    RET r0
.end
