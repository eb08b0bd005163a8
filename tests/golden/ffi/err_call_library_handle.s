# Ffi.call with a library handle instead of a function handle.
# expect-error: Foreign function Ffi.call failed: first argument must be a function handle from Ffi.bind, got a library handle
# expect-error: at main, instruction 5
.function main
    LDI r1, "libm.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    PUSHARG r2
    CALL Ffi.call
    RET r0
.end
