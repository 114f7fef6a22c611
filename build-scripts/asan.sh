#!/bin/bash
# ASan+UBSan: a sanitizer build of qemu-system-x86_64 and the qtests that must run clean on it.
#
# Usage: build-scripts/asan.sh [build|check]   (default: both)
#
# build: a second, lean build tree, BUILD_DIR/asan: x86_64-softmmu only, configured as
#   build.sh does but with --enable-asan --enable-ubsan and without the optional features
#   the tests do not use (slirp, VNC, pixman, fdt), on the same qemu/ tree and ccache.
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
TESTS="stack-id-test x86-boot-serial-test x86-ppin-test kvm-caps-test qom-test
       device-introspect-test"

build() {
    BUILD_DIR="$ASAN_DIR" TARGETS=x86_64-softmmu FEATURES= \
        EXTRA_CONFIGURE="--enable-asan --enable-ubsan ${EXTRA_CONFIGURE:-}" \
        "$SCRIPTS/build.sh" compile
}

check() {
    local names=() t log="$BUILD_DIR/check/asan.log"
    [ -f "$ASAN_DIR/build.ninja" ] || die "no ASan build: run build-scripts/asan.sh build"
    mkdir -p "$BUILD_DIR/check"
    for t in $TESTS; do names+=("qtest-x86_64/$t"); done
    rm -f "$ASAN_DIR/meson-logs/testlog.json"
    # Reports abort the process that makes them (QEMU or the test), so they fail the test;
    # the log is searched for them as well.
    ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:print_summary=1 \
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
    KVMPORT_STACK_ID=$(cat "$ASAN_DIR/stack-id") KVMPORT_QEMU_VERSION=$QEMU_VERSION \
        "$ASAN_DIR/pyvenv/bin/meson" test -C "$ASAN_DIR" --no-rebuild --print-errorlogs \
        --timeout-multiplier 4 "${names[@]}" >"$log" 2>&1 || true
    [ -f "$ASAN_DIR/meson-logs/testlog.json" ] || { tail -n 30 "$log" >&2; die "meson test did not run"; }
    {
        "$SCRIPTS/tests/meson-tap.py" "$ASAN_DIR/meson-logs/testlog.json" "${names[@]}"
        sanitizer_reports "$ASAN_DIR/meson-logs/testlog.json" "${names[@]}"
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
