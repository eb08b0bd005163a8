# Ffi.open takes exactly one argument.
# expect-error: Foreign function Ffi.open failed: Ffi.open expects 1 argument: library path or ()
# expect-error: at main, instruction 0
.function main
    CALL Ffi.open
    RET r0
.end
