# Ffi.bind on a closed library.
# expect-error: Foreign function Ffi.bind failed: library 'libm.so.6' is closed
# expect-error: at main, instruction 11
.function main
    LDI r1, "libm.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    PUSHARG r2
    CALL Ffi.close
    LDI r3, "cos"
    LDI r4, "double(double)"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    RET r0
.end
