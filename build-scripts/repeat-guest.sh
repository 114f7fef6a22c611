#!/bin/bash
# Run one guest case many times and count how the runs end: a maintainer's tool for rare
# failures, such as a crash seen once in a hundred runs (not part of `make check`).
#
# Usage: build-scripts/repeat-guest.sh --runs N [--jobs J] [--qemu BIN] [--log DIR] -- RUN-GUEST-ARGS...
#
# Each run is `guest-tools/run-guest.py RUN-GUEST-ARGS` (with `--qemu BIN` when given, e.g.
# the ASan build's qemu-system-x86_64, build/asan/ from build-scripts/asan.sh); J runs at a
# time (default 1; more load the machine, which is when races show). QEMU gets
# ASAN_OPTIONS/UBSAN_OPTIONS that write each sanitizer report to its own file and abort.
# One line per finished run, then the totals: passed, failed, crashed (QEMU killed by a
# signal) and with a sanitizer report, and the first line of each distinct report.
# Exit status 0 when every run passed. Logs: DIR (default BUILD_DIR/repeat/; emptied
# first): one .tap, .err and the sanitizer reports per run.
#
# Example (the Linux guest under multi-threaded TCG that guest-test.sh runs):
#   build-scripts/repeat-guest.sh --runs 60 --jobs 2 --qemu build/asan/qemu-system-x86_64 -- \
#       --guest linux-x86_64:msr-topology --cpu qemu64,-x2apic --smp 4,cores=2,threads=2 \
#       --param expect35=20004 --param ncpus=4 --timeout 300
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"

RUNS= JOBS=1 QEMU= LOG=$BUILD_DIR/repeat
while [ $# -gt 0 ]; do
    case $1 in
    --runs) RUNS=${2:-}; shift 2 ;;
    --jobs) JOBS=${2:-}; shift 2 ;;
    --qemu) QEMU=${2:-}; shift 2 ;;
    --log) LOG=${2:?--log needs a directory}; shift 2 ;;
    --) shift; break ;;
    *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs '$RUNS': expected a positive number"
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "--jobs '$JOBS': expected a positive number"
[ $# -gt 0 ] || die "no run-guest.py arguments after -- (see --help)"
if [ -n "$QEMU" ]; then
    [ -x "$QEMU" ] || die "--qemu '$QEMU': not an executable"
    set -- --qemu "$(realpath "$QEMU")" "$@"
fi
rm -rf "$LOG"
mkdir -p "$LOG"

# one I ARGS...: run I, its verdict in LOG/I.verdict
one() {
    local i=$1 rc=0 v
    shift
    run_sanitized "$LOG/$i.sanitizer" "$ROOT/guest-tools/run-guest.py" --name "run$i" "$@" \
        >"$LOG/$i.tap" 2>"$LOG/$i.err" || rc=$?
    # (the files also get ASan's warning at QEMU's first coroutine switch: not a report)
    if cat "$LOG/$i".sanitizer.* 2>/dev/null | grep -qE "$SANITIZER_REPORT"; then v=sanitizer
    elif grep -q '^not ok .*QEMU was killed by signal' "$LOG/$i.tap"; then v=crashed
    elif [ $rc -eq 0 ]; then v=passed
    else v=failed
    fi
    echo "$v" >"$LOG/$i.verdict"
    step "run $i/$RUNS: $v"
}

step "repeat: $RUNS runs, $JOBS at a time: run-guest.py $*"
for i in $(seq 1 "$RUNS"); do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    one "$i" "$@" &
done
wait
declare -A n=([passed]=0 [failed]=0 [crashed]=0 [sanitizer]=0)
for i in $(seq 1 "$RUNS"); do
    v=$(cat "$LOG/$i.verdict")
    n[$v]=$((n[$v] + 1))
done
echo "runs $RUNS: passed ${n[passed]}, failed ${n[failed]}, crashed ${n[crashed]}," \
     "sanitizer report ${n[sanitizer]} (logs: $LOG)"
if [ "${n[sanitizer]}" -gt 0 ]; then
    cat "$LOG"/*.sanitizer.* | grep -hE "$SANITIZER_REPORT" |
        sed -E 's/ on address 0x[0-9a-f]+.*//; s/^==[0-9]+==//' | sort | uniq -c | sed 's/^/  /'
fi
[ "${n[passed]}" -eq "$RUNS" ]
