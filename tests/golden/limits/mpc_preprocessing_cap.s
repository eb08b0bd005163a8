# The MPC engine's buffers count against --max-heap-mb (issue 16): 200,000
# triples asked for by the manifest need about 70 MB per party, so under a
# 20 MB cap preprocessing stops with the limit: a generation run (16,384
# triples) fits, the triple pool that collects them outgrows the cap.
# args: main --local-mpc --n-parties 4 --threshold 1 --max-heap-mb 20
# max-rss-mb: 200
# expect-error: Heap limit exceeded (20971520 bytes): the triple pool needs
.version 8
.preprocessing triples=200000
.function main
    LDI r0, 1
    RET r0
.end
