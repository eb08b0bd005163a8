# Ffi.open wants a path string or ().
# expect-error: Foreign function Ffi.open failed: library path must be a string without NUL bytes or (), got int64
# expect-error: at main, instruction 2
.function main
    LDI r1, 3
    PUSHARG r1
    CALL Ffi.open
    RET r0
.end
