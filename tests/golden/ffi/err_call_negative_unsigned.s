# Ffi.call: a negative value for an unsigned parameter.
# expect-error: Foreign function Ffi.call failed: malloc: argument 1 (-1) does not fit uint64
# expect-error: at main, instruction 14
.function main
    LDI r1, "libc.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    LDI r3, "malloc"
    LDI r4, "pointer(size_t)"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    LDI r6, -1
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    RET r0
.end
