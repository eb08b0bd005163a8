# A wait for another party that lasts 2.5 s (party 1 never broadcasts):
# progress lines appear on stderr with --progress, none with --quiet.
# Used by tests/usability/usability_tests.py.
.function main
    LDI r1, 1
    LDI r2, 2500
    PUSHARG r1
    PUSHARG r2
    CALL Rbc.receive
    RET r0
.end
