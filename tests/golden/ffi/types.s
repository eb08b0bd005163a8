# Ffi: integer widths, float, void returns, pointers and NULL.
# abs returns an int32 (5i32); llabs takes any integer value that fits
# int64 (here a U8); sqrtf works in single precision; malloc returns a
# foreign pointer that free takes back (void -> ()); getenv of an unset
# variable returns NULL, which becomes ().
# expect: 5i32
# expect: 200
# expect: 1.4142135381698608f64
# expect: cffi_function
# expect: ()
# expect: ()
# expect: Program returned: ()
.function main
    LDI r1, "libc.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r10, r0
    LDI r1, "libm.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r11, r0
    # abs(-5)
    LDI r3, "abs"
    LDI r4, "int(int)"
    PUSHARG r10
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    LDI r6, -5
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    PUSHARG r0
    CALL print
    # llabs(200u8)
    LDI r3, "llabs"
    LDI r4, "int64(int64)"
    PUSHARG r10
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    LDI r6, 200u8
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    PUSHARG r0
    CALL print
    # sqrtf(2)
    LDI r3, "sqrtf"
    LDI r4, "float(float)"
    PUSHARG r11
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    LDI r6, 2.0
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    PUSHARG r0
    CALL print
    # p = malloc(16); free(p)
    LDI r3, "malloc"
    LDI r4, "pointer(size_t)"
    PUSHARG r10
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    LDI r6, 16
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    MOV r7, r0
    PUSHARG r7
    CALL type
    PUSHARG r0
    CALL print
    LDI r3, "free"
    LDI r4, "void(pointer)"
    PUSHARG r10
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    PUSHARG r5
    PUSHARG r7
    CALL Ffi.call
    PUSHARG r0
    CALL print
    # getenv of an unset variable: NULL
    LDI r3, "getenv"
    LDI r4, "string(string)"
    PUSHARG r10
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    LDI r6, "STOFFEL_FFI_TEST_SURELY_UNSET_VARIABLE"
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    PUSHARG r0
    CALL print
    # close both; a function bound earlier keeps working afterwards
    PUSHARG r10
    CALL Ffi.close
    PUSHARG r11
    CALL Ffi.close
    LDI r6, "PATH_SURELY_UNSET_TOO_STOFFEL"
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    RET r0
.end
