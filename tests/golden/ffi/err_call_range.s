# Ffi.call with an integer that does not fit the declared C type.
# expect-error: Foreign function Ffi.call failed: abs: argument 1 (5000000000) does not fit int32
# expect-error: at main, instruction 14
.function main
    LDI r1, "libc.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    LDI r3, "abs"
    LDI r4, "int(int)"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    LDI r6, 5000000000
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    RET r0
.end
