# A call whose result is returned at once reuses the caller's frame: ten
# million tail-recursive calls run far past the call-depth limit
# (10,000 frames) in constant memory.
# max-rss-mb: 40
# timeout: 120
# expect: Program returned: 10000000
.function countdown params=n,acc
    LDI r2, 0
    CMP r0, r2
    JMPEQ done
    LDI r2, 1
    SUB r3, r0, r2
    ADD r4, r1, r2
    PUSHARG r3
    PUSHARG r4
    CALL countdown
    RET r0
done:
    RET r1
.end

.function main
    LDI r1, 10000000
    LDI r2, 0
    PUSHARG r1
    PUSHARG r2
    CALL countdown
    RET r0
.end
