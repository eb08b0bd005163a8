# Spec §15: CALL of an unknown name (quoted form of the CALL error).
# expect-error: Execution error in 'main': Function 'nonexistent_function' not found
# expect-error: at main, instruction 0
.function main
    CALL nonexistent_function
    RET r0
.end
