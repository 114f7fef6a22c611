# Helpers for the Linux guests' test scripts: the KVMPORT result protocol.
# Sourced by /init before a test runs; the tests are sourced in a subshell.
#
#   plan N                         KVMPORT-PLAN N (the number of checks that follow)
#   pass NAME [DETAIL]             KVMPORT-CHECK NAME PASS DETAIL
#   fail NAME DETAIL               KVMPORT-CHECK NAME FAIL DETAIL
#   skip NAME DETAIL               KVMPORT-CHECK NAME SKIP DETAIL
#   check NAME EXPECTED ACTUAL [DETAIL]
#                                  PASS when ACTUAL = EXPECTED (strings), else FAIL saying both
#   hex_num VALUE                  VALUE as 0x<hex, lower case, no leading zeros>; nothing
#                                  when VALUE is not a hex number below 2^64 (0x optional)
#   check_hex NAME EXPECTED ACTUAL [DETAIL]
#                                  PASS when ACTUAL is the number EXPECTED (hex, 0x optional,
#                                  any case, leading zeros or not: Linux prints 0x123, rdmsr
#                                  123), else FAIL saying both
#   run CMD...                     run CMD; its output (stdout and stderr) in $out, status in $rc
#   check_cmd NAME STATUS OUTPUT CMD...
#                                  run CMD; PASS when it exits STATUS and prints exactly OUTPUT
#   check_hex_cmd NAME EXPECTED CMD...
#                                  run CMD; PASS when it exits 0 and prints the number EXPECTED
#                                  (as check_hex)
#   check_true NAME DETAIL CMD...  PASS when CMD succeeds
#   need KEY WHAT                  parameter KEY must be given; else the test's only check is
#                                  param.KEY FAIL (missing, naming WHAT) and the status is 1
#   need_count KEY WHAT            parameter KEY must be a number >= 1 (it becomes its decimal
#                                  form: 02 is 2); else the test's only
#                                  check is param.KEY FAIL (naming WHAT) and the status is 1
#   need_hex KEY WHAT              parameter KEY must be a 64-bit hex number, 0x...; else the
#                                  test's only check is param.KEY FAIL (missing or not a
#                                  number, naming WHAT) and the status is 1
#   bench KEY=VALUE...             KVMPORT-BENCH line
#   ready [DETAIL]                 KVMPORT-READY line (the harness may migrate the guest now)
# DETAIL is one line: newlines become " | ".

_kp_line() {
    # one protocol line; the detail is folded onto it
    printf '%s\n' "$*" | awk 'NR > 1 { printf " | " } { printf "%s", $0 } END { print "" }'
}

plan() { echo "KVMPORT-PLAN $1"; }
pass() { _kp_line "KVMPORT-CHECK $1 PASS ${2:-}"; }
fail() { _kp_line "KVMPORT-CHECK $1 FAIL ${2:-}"; }
skip() { _kp_line "KVMPORT-CHECK $1 SKIP ${2:-}"; }
bench() { _kp_line "KVMPORT-BENCH $*"; }
ready() { _kp_line "KVMPORT-READY $*"; }

check() {
    if [ "$2" = "$3" ]; then
        pass "$1" "${4:-$3}"
    else
        fail "$1" "expected '$2', got '$3'${4:+ ($4)}"
    fi
}

hex_num() {
    local v="${1#0[xX]}"
    case $v in '' | *[!0-9a-fA-F]*) return 0 ;; esac
    v=$(printf '%s' "$v" | tr 'A-F' 'a-f')
    while [ "${#v}" -gt 1 ] && [ "${v#0}" != "$v" ]; do v=${v#0}; done
    [ "${#v}" -le 16 ] && echo "0x$v"
    return 0
}

check_hex() {
    local want got
    want=$(hex_num "$2")
    got=$(hex_num "$3")
    if [ -n "$want" ] && [ "$want" = "$got" ]; then
        pass "$1" "${4:+$4: }$3"
    else
        fail "$1" "expected $2, got '$3'${4:+ ($4)}"
    fi
}

need_hex() {
    local val why
    eval "val=\${$1:-}"
    case $val in
    '') why="missing parameter $1" ;;
    0[xX]*) [ -n "$(hex_num "$val")" ] && return 0; why="$1='$val' is not a 64-bit hex number" ;;
    *) why="$1='$val' is not a hex number 0x..." ;;
    esac
    plan 1
    fail "param.$1" "$why: $2 (kvmport.$1=0x...)"
    return 1
}

run() {
    rc=0
    out=$("$@" 2>&1) || rc=$?
}

check_cmd() {
    local name="$1" want_rc="$2" want_out="$3"
    shift 3
    run "$@"
    if [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ]; then
        pass "$name" "$* -> exit $rc, '$out'"
    else
        fail "$name" "$* -> exit $rc, '$out'; expected exit $want_rc, '$want_out'"
    fi
}

need() {
    local val
    eval "val=\${$1:-}"
    [ -n "$val" ] && return 0
    plan 1
    fail "param.$1" "missing parameter $1: $2 (kvmport.$1=...)"
    return 1
}

need_count() {
    local val
    eval "val=\${$1:-}"
    # leading zeros off (02 is 2; busybox's sh has no 10#)
    while [ "${#val}" -gt 1 ] && [ "${val#0}" != "$val" ]; do val=${val#0}; done
    case $val in
    '' | *[!0-9]* | 0) ;;
    *) eval "$1=$val"; return 0 ;;
    esac
    plan 1
    fail "param.$1" "$1='$val': $2 (kvmport.$1=N, N >= 1)"
    return 1
}

check_hex_cmd() {
    local name="$1" want="$2"
    shift 2
    run "$@"
    if [ "$rc" = 0 ]; then
        check_hex "$name" "$want" "$out" "$*"
    else
        fail "$name" "$* -> exit $rc, '$out'"
    fi
}

check_true() {
    local name="$1" detail="$2"
    shift 2
    if "$@"; then pass "$name" "$detail"; else fail "$name" "$detail: failed: $*"; fi
}
