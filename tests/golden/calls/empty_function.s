# A function without instructions returns r0, which starts as ().
# expect: Program returned: ()
.function main
.end
