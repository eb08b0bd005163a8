# Program for installed_api.c (assembled by run_installed.sh with the
# installed stoffel-asm).
.function main
    LDI r0, 42
    RET r0
.end
.function add params=a,b
    ADD r0, r0, r1
    RET r0
.end
.function echo params=x
    RET r0
.end
.function use_host params=x
    PUSHARG r0
    CALL host_double
    RET r0
.end
.function make_closure
    LDI r1, "seven"
    PUSHARG r1
    CALL create_closure
    RET r0
.end
.function seven
    LDI r0, 7
    RET r0
.end
.function run_closure params=c
    PUSHARG r0
    CALL call_closure
    RET r0
.end
