# Shared helpers for the build scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPTS="$ROOT/build-scripts"
QEMU_DIR=${QEMU_DIR:-$ROOT/qemu}
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
CACHE_DIR=${CACHE_DIR:-$ROOT/cache}
PREFIX=${PREFIX:-$ROOT/install}
PATCHES_DIR=${PATCHES_DIR:-$ROOT/patches}
PROG=$(basename "$0")

# shellcheck source=qemu.pin
. "$SCRIPTS/qemu.pin"

_t0=${_KP_T0:-$(date +%s)}
export _KP_T0=$_t0

# progress line: "[prog +12s] message"
step() { printf '[%s +%ss] %s\n' "$PROG" "$(( $(date +%s) - _t0 ))" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# usage_from_header: print the leading comment block of the calling script.
usage() {
    sed -n '2,/^[^#]/{/^#/!q;s/^# \{0,1\}//;p}' "$0"
}

# copy_module SRC DEST: a kernel module as Debian ships it (.ko, or .ko.xz/.zst/.gz,
# decompressed) to DEST, a plain .ko (for insmod in the busybox guests)
copy_module() {
    case "$1" in
    *.ko) cp "$1" "$2" ;;
    *.ko.xz) xz -dc "$1" >"$2" ;;
    *.ko.zst) zstd -qdc "$1" >"$2" ;;
    *.ko.gz) gzip -dc "$1" >"$2" ;;
    *) die "unknown module format: $1" ;;
    esac
}

# meson_qtests DIR LOG TESTLOG [MESON-TEST-ARGS...] -- NAME...: run the qtests NAME
# (qtest-ARCH/PROG, already built) of build tree DIR through meson test, output to LOG,
# and copy meson's testlog.json to TESTLOG for meson-tap.py; fails (with LOG's tail) when
# meson wrote no testlog. The stack's identification is in the environment of the tests.
meson_qtests() {
    local dir=$1 log=$2 testlog=$3 args=()
    shift 3
    while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
    shift
    rm -f "$dir/meson-logs/testlog.json" "$testlog"
    KVMPORT_STACK_ID=$(cat "$dir/stack-id") KVMPORT_QEMU_VERSION=$QEMU_VERSION \
        KVMPORT_RELEASE=$KVMPORT_RELEASE \
        "$dir/pyvenv/bin/meson" test -C "$dir" --no-rebuild --print-errorlogs \
        "${args[@]}" "$@" >"$log" 2>&1 || true
    if [ ! -f "$dir/meson-logs/testlog.json" ]; then
        tail -n 30 "$log" >&2
        return 1
    fi
    cp "$dir/meson-logs/testlog.json" "$testlog"
}

# apt_src_index SUITE...: a private apt state under CACHE_DIR/apt whose only entries are
# deb-src for SUITEs on the mirror this machine's apt uses (/etc/apt is not touched), and
# its index, fresh; APT_OPTS then makes apt-get/apt-cache use it
apt_src_index() {
    local apt="$CACHE_DIR/apt"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc"
    "$SCRIPTS/apt-backports.sh" --print deb-src "$*" >"$apt/etc/src.sources"
    : >"$apt/etc/empty.list"
    APT_OPTS=(-o "Dir::Etc::SourceList=$apt/etc/empty.list"
              -o "Dir::Etc::SourceParts=$apt/etc"
              -o "Dir::State::Lists=$apt/lists"
              -o "Dir::Cache=$apt/cache"
              -o "Debug::NoLocking=1")
    step "apt source index ($(sed -n 's/^URIs: //p' "$apt/etc/src.sources"): $*)"
    apt-get "${APT_OPTS[@]}" -qq update >&2 || die "apt-get update of the deb-src index failed"
}

# ppin_bench_args BASE: PPIN_BENCH = the run-guest.py arguments of the PPIN rdmsr benchmark
# (bench.elf under KVM on qemu64 with the AMD pair: 31 rounds of 5,000 reads of PPIN, of
# MSR BASE and of the other base, 0x1b or 0x35, back to back), which guest-test.sh checks
# and bench.sh reports
ppin_bench_args() {
    PPIN_BENCH=(--accel kvm --bench --guest baremetal:bench --cpu qemu64,amd-ppin=on
                --param "msrs=0xc00102f1,$1,$([ "$1" = 0x1b ] && echo 0x35 || echo 0x1b)"
                --param ppin_ctl=0xc00102f0 --param iters=5000 --param rounds=31)
}

# A sanitizer report's first line (ASan, LSan, TSan, UBSan), as an extended regex
SANITIZER_REPORT='ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|runtime error:'

# run_sanitized PREFIX CMD...: run CMD (a QEMU of a sanitizer build, or a runner starting
# one) with every ASan/UBSan report written to its own file PREFIX.<pid> and fatal
run_sanitized() {
    local prefix=$1
    shift
    ASAN_OPTIONS="log_path=$prefix:abort_on_error=1:detect_leaks=0" \
    UBSAN_OPTIONS="log_path=$prefix:halt_on_error=1:abort_on_error=1:print_stacktrace=1" \
        "$@"
}

want_help() {
    case "${1:-}" in -h|--help) usage; exit 0 ;; esac
}
