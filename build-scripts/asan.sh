#!/bin/bash
# ASan+UBSan: a sanitizer build of qemu-system-x86_64 and the qtests that must run clean on it.
#
# Usage: build-scripts/asan.sh [build|check]   (default: both)
#
# build: a second, lean build tree, BUILD_DIR/asan: x86_64-softmmu only, configured as
#   build.sh does but with --enable-asan --enable-ubsan and without the optional features
#   the tests do not use (slirp, VNC, pixman, fdt), on the same qemu/ tree and ccache;
#   only qemu-system-x86_64, the option ROMs, the qtests below and the shim are built
#   (1,341 of the 2,634 compilations `make` would run there: no tools, unit tests or
#   other qtests), at -O1 and without debug info (reports name functions, not lines:
#   EXTRA_CONFIGURE=--enable-debug-info for those).
# check: runs, on that build, this stack's x86 qtests (stack-id-test, x86-boot-serial-test,
#   x86-ppin-test, kvm-caps-test), qom-test and device-introspect-test through meson, with
#   every sanitizer report fatal, and prints TAP: one line per subtest (meson-tap.py), then
#   one line per test program saying that its log has no AddressSanitizer,
#   LeakSanitizer or UBSan report (QEMU's stderr goes to the same log). Log:
#   BUILD_DIR/check/asan.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"
WHAT=${1:-all}
ASAN_DIR="$BUILD_DIR/asan"
LEAN="--disable-debug-info --extra-cflags=-O1"
TESTS="stack-id-test x86-boot-serial-test x86-ppin-test kvm-caps-test qom-test
       device-introspect-test"

build() {
    # recurse-all: the x86 option ROMs built from source (-kernel needs linuxboot_dma.bin)
    local targets=(recurse-all qemu-system-x86_64 tests/qtest/stack/kvmport-cap-shim.so) t
    for t in $TESTS; do targets+=("tests/qtest/$t"); done
    BUILD_DIR="$ASAN_DIR" TARGETS=x86_64-softmmu FEATURES= BUILD_TARGETS="${targets[*]}" \
        EXTRA_CONFIGURE="--enable-asan --enable-ubsan $LEAN ${EXTRA_CONFIGURE:-}" \
        "$SCRIPTS/build.sh" compile
}

check() {
    local names=() t log="$BUILD_DIR/check/asan.log" testlog="$BUILD_DIR/check/asan-testlog.json"
    [ -f "$ASAN_DIR/build.ninja" ] || die "no ASan build: run build-scripts/asan.sh build"
    mkdir -p "$BUILD_DIR/check"
    for t in $TESTS; do names+=("qtest-x86_64/$t"); done
    # Reports abort the process that makes them (QEMU or the test), so they fail the test;
    # the log is searched for them as well. verify_asan_link_order=0: kvm-caps-test's KVM
    # subtests (where /dev/kvm works) preload the ioctl shim ahead of the ASan runtime,
    # which ASan otherwise refuses at QEMU's start ("ASan runtime does not come first").
    ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:print_summary=1:verify_asan_link_order=0 \
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
        meson_qtests "$ASAN_DIR" "$log" "$testlog" --timeout-multiplier 4 -- "${names[@]}" ||
        die "meson test did not run"
    {
        "$SCRIPTS/tests/meson-tap.py" "$testlog" "${names[@]}"
        sanitizer_reports "$testlog" "${names[@]}"
    } | awk '/^1\.\./ { next }
             /^(ok|not ok) [0-9]+ / { n++; sub(/ [0-9]+ /, " " n " ") }
             { print } END { print "1.." n }'
}

# sanitizer_reports TESTLOG NAME...: TAP, one line per test: no sanitizer report in its log
sanitizer_reports() {
    python3 - "$@" <<'EOF'
import json, re, sys
REPORT = re.compile(r'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:')
logs = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    logs[e['name']] = (e.get('stdout') or '') + (e.get('stderr') or '')
n = 0
for name in sys.argv[2:]:
    hits = [l for l in logs.get(name, '').splitlines() if REPORT.search(l)]
    n += 1
    if hits:
        print(f'not ok {n} {name}: sanitizer reports')
        print('\n'.join('# ' + h for h in hits[:10]))
    else:
        print(f'ok {n} {name}: no sanitizer report')
EOF
}

case $WHAT in
build) build ;;
check) check ;;
all) build; check ;;
*) die "unknown step '$WHAT' (build or check)" ;;
esac
