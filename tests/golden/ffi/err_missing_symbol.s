# Ffi.bind of a symbol the library does not export.
# expect-error: Foreign function Ffi.bind failed: symbol 'no_such_symbol_xyz' not found in 'libm.so.6': 
# expect-error: at main, instruction 9
.function main
    LDI r1, "libm.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    LDI r3, "no_such_symbol_xyz"
    LDI r4, "double(double)"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    RET r0
.end
