# Ffi.bind needs a library handle first.
# expect-error: Foreign function Ffi.bind failed: first argument must be a library handle from Ffi.open, got string
# expect-error: at main, instruction 6
.function main
    LDI r2, "libm.so.6"
    LDI r3, "cos"
    LDI r4, "double(double)"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    RET r0
.end
