# Ffi: cos from libm through Ffi.open / Ffi.bind / Ffi.call (docs/ffi.md).
# cos(0) = 1 and cos(pi) = -1 exactly in binary64.
# expect: 1f64
# expect: Program returned: -1
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
    LDI r6, 0.0
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    PUSHARG r0
    CALL print
    LDI r6, 3.141592653589793
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    RET r0
.end
