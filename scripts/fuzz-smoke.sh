#!/usr/bin/env bash
# Runs libFuzzer targets (built in build-fuzz/) for TIME seconds each, JOBS
# at a time: a target is one single-threaded process, so on a machine with
# JOBS free cores each still gets its whole TIME of CPU.  Prints every
# target's summary in the listed order; exits 1 if any target failed.
#   usage: scripts/fuzz-smoke.sh TIME JOBS TARGET...
set -u
if [ $# -lt 3 ]; then
    echo "usage: $0 TIME JOBS TARGET..." >&2
    exit 2
fi
time=$1
jobs=$2
shift 2
case $time$jobs in *[!0-9]*) echo "$0: TIME and JOBS must be whole numbers" >&2; exit 2;; esac
[ "$jobs" -ge 1 ] || jobs=1
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

corpus() {
    case $1 in
        *asm*) echo build-fuzz/corpus-asm ;;
        *lang*) echo build-fuzz/corpus-lang ;;
        *) echo build-fuzz/corpus-bin ;;
    esac
}

run_one() {
    build-fuzz/"$1" -max_total_time="$time" -print_final_stats=1 -rss_limit_mb=4096 "$(corpus "$1")" \
        >"$logs/$1.log" 2>&1
    echo $? >"$logs/$1.rc"
}

running=0
for t in "$@"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
    run_one "$t" &
    running=$((running + 1))
done
wait

status=0
for t in "$@"; do
    echo "== $t ($time s)"
    grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|crash-' "$logs/$t.log"
    rc=$(cat "$logs/$t.rc" 2>/dev/null || echo 1)
    if [ "$rc" -ne 0 ]; then
        echo "== $t FAILED (exit $rc); its log ends:"
        tail -n 40 "$logs/$t.log"
        status=1
    fi
done
exit $status
