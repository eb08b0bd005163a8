# Ffi.call with the wrong number of arguments for the signature.
# expect-error: Foreign function Ffi.call failed: cos expects 1 argument but got 0
# expect-error: at main, instruction 12
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
    PUSHARG r5
    CALL Ffi.call
    RET r0
.end
