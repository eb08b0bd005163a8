# Startup baseline: load, verify and run a program that returns 0 at once.
# Peer: bench-peers/empty.lua (an empty chunk).  The runner checks the
# output line "Program returned: 0".
.function main
    LDI     r0, 0
    RET     r0
.end
