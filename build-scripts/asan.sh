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
#   BUILD_DIR/check/asan.log. Then one Linux guest on that build: pci-remap
#   (guest-tools/linux/tests/common/pci-remap.sh), 30 s of PCI remapping on one vCPU while
#   the other runs, under MTTCG with -smp 2: its checks, and a line saying that QEMU made no
#   sanitizer report (10.0.2's use-after-free in the TLB fill shows here in most runs; see
#   docs/measurements.md). Needs the guest images (build-scripts/build.sh guest-tools); its
#   console and reports: BUILD_DIR/check/asan-guest/.
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
        remap_guest
    } | awk '/^1\.\./ { next }
             /^(not )?ok[ -]/ {
                 s = /^not/ ? "not ok" : "ok"; rest = substr($0, length(s) + 1)
                 sub(/^ [0-9]+/, "", rest); sub(/^ -/, "", rest)
                 n++; print s " " n rest; next }
             { print } END { print "1.." n }'
}

# remap_guest: the pci-remap Linux guest on the ASan build (TAP lines, unnumbered)
remap_guest() {
    local dir="$BUILD_DIR/check/asan-guest" name=asan/linux-x86_64/pci-remap rc=0 reports
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ ! -f "$BUILD_DIR/guest-tools/linux/x86_64/initramfs.cpio.gz" ]; then
        echo "not ok - $name: no Linux guest image (build-scripts/build.sh guest-tools)"
        return
    fi
    run_sanitized "$dir/sanitizer" "$ROOT/guest-tools/run-guest.py" \
        --qemu "$ASAN_DIR/qemu-system-x86_64" --name "$name" --guest linux-x86_64:pci-remap --cpu qemu64 --smp 2 --timeout 300 \
        --param seconds=30 --param device=0000:00:05.0 --console-log "$dir/console.log" \
        -- -device pci-testdev,addr=05 2>"$dir/run-guest.err" || rc=$?
    # (the files also get ASan's warning at QEMU's first coroutine switch: not a report)
    reports=$(cat "$dir"/sanitizer.* 2>/dev/null |
        grep -E "$SANITIZER_REPORT|^    #[0-9] " | head -12 || true)
    if [ -z "$reports" ]; then
        echo "ok - $name: QEMU made no sanitizer report (run-guest.py exit $rc)"
    else
        echo "not ok - $name: QEMU's sanitizer report ($dir/sanitizer.*)"
        printf '%s\n' "$reports" | sed 's/^/# /'
    fi
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
