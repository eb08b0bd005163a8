# An entry function that needs captured upvalues is rejected (spec §5.4).
# args: f
# expect-error: Execution error in 'f': Cannot execute function f as an entry point because it requires captured upvalues: ["x"]
.function f upvalues=x
    RET r0
.end
