# Ffi.open of a library that does not exist: the dlerror text is in the message.
# expect-error: Execution error in 'main': Foreign function Ffi.open failed: cannot load library 'libstoffel-no-such-library.so': libstoffel-no-such-library.so: cannot open shared object file
# expect-error: at main, instruction 2
.function main
    LDI r1, "libstoffel-no-such-library.so"
    PUSHARG r1
    CALL Ffi.open
    RET r0
.end
