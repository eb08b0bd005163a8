# Ffi: strlen from libc; size_t is uint64 on LP64, so the result is a U64.
# Also the running program itself (Ffi.open with ()) exports libc's symbols;
# strlen counts bytes: the two accented letters take two each.
# expect: 5u64
# expect: Program returned: 14
.function main
    LDI r1, "libc.so.6"
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    LDI r3, "strlen"
    LDI r4, "size_t(string)"
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    LDI r6, "hello"
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    PUSHARG r0
    CALL print
    LDI r1, ()
    PUSHARG r1
    CALL Ffi.open
    MOV r2, r0
    LDI r4, " size_t ( string ) "
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    CALL Ffi.bind
    MOV r5, r0
    LDI r6, "héllo, wörld"
    PUSHARG r5
    PUSHARG r6
    CALL Ffi.call
    RET r0
.end
