# TAP helpers for the shell tests. Source it after lib.sh.
# shellcheck shell=bash
_tap_n=0 _tap_fail=0
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() {
    local desc=$1; shift
    _tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1))
    echo "not ok $_tap_n - $desc"
    [ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/# /'
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
# check DESC CMD...: ok when CMD succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d" "command failed: $*"; fi; }
# expect_fail DESC PATTERN CMD...: CMD must fail and print PATTERN (grep -E)
expect_fail() {
    local d=$1 pat=$2 out rc=0; shift 2
    out=$("$@" 2>&1) || rc=$?
    if [ $rc -eq 0 ]; then not_ok "$d" "succeeded but should have failed: $*" "$out"
    elif ! grep -qE -- "$pat" <<<"$out"; then not_ok "$d" "exit $rc, but no /$pat/ in:" "$out"
    else ok "$d"; fi
}
tap_done() { echo "1..$_tap_n"; [ $_tap_fail -eq 0 ]; }
# relay FILE: the un-numbered TAP lines of FILE (run-guest.py's) as numbered ones here;
# comments as they are, anything else as a comment
relay() {
    local line d
    while IFS= read -r line; do
        case $line in
        'not ok - '*) not_ok "${line#not ok - }" ;;
        'ok - '*' # SKIP '*) d=${line#ok - }; skip "${d%% # SKIP *}" "${d#* # SKIP }" ;;
        'ok - '*) ok "${line#ok - }" ;;
        '#'*) echo "$line" ;;
        *) [ -z "$line" ] || echo "# $line" ;;
        esac
    done <"$1"
}
# run_verdict NAME OUT RC T0: after a run-guest.py run whose TAP is OUT.tap (relayed) and
# stderr OUT.err, exit status RC, started at T0 (date +%s%N): a `not ok` when it gave no
# result, or failed without a failed check; then the case's wall time
run_verdict() {
    local name=$1 out=$2 rc=$3 t0=$4
    if ! grep -qE '^(not )?ok ' "$out.tap"; then
        not_ok "$name: run-guest.py exited $rc without a result" "$(tail -n 15 "$out.err")"
    elif [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$out.tap"; then
        not_ok "$name: run-guest.py exited $rc" "$(tail -n 15 "$out.err")"
    fi
    echo "# $name: wall time $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}
