# A registered method called with an empty argument stack (spec §4.12).
# expect-error: Execution error in 'main': Method 'Share.add' requires a receiver argument
# expect-error: at main, instruction 0
.function main
    CALL Share.add
    RET r0
.end
