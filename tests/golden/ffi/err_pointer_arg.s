# A library handle is not a pointer argument.
# expect-error: Foreign function Ffi.call failed: free: argument 1 must be a foreign pointer or (), got a library handle
# expect-error: at main, instruction 13
.function main
    LDI r1, "libc.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    LDI r3, "free"
    LDI r4, "void(pointer)"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    PUSHARG r5
    PUSHARG r2
    CALL Ffi.call
    RET r0
.end
