# Ffi.close twice on the same library.
# expect-error: Foreign function Ffi.close failed: library 'libm.so.6' is already closed
# expect-error: at main, instruction 7
.function main
    LDI r1, "libm.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    PUSHARG r2
    CALL Ffi.close
    PUSHARG r2
    CALL Ffi.close
    RET r0
.end
