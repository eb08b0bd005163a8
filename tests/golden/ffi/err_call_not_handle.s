# Ffi.call needs a function handle first.
# expect-error: Foreign function Ffi.call failed: first argument must be a function handle from Ffi.bind, got int64
# expect-error: at main, instruction 2
.function main
    LDI r1, 42
    PUSHARG r1
    CALL Ffi.call
    RET r0
.end
