#!/bin/bash
# The TCG benchmark: guest instructions per second of one integer loop (add, compare,
# store, load, decrement, branch: 6 instructions per iteration) on qemu-system-sw64 and,
# in the same run, on qemu-system-x86_64 (guest-tools/baremetal/intloop.elf). Each is the
# best of 3 differences between a 200M-iteration and a 1000-iteration run, timed from
# 'cont' to the loop's done word (tests-qtest/sw64-tcg-test, its perf-mode test "bench").
# Fails if sw64 is below half of x86_64. Not part of `make check` (timing-dependent).
#
# Usage: build-scripts/bench-tcg.sh
#
# Expects a build (`make`). Prints the KVMPORT-BENCH lines (insns/s, ratio x100).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"
[ $# -eq 0 ] || { usage >&2; exit 2; }

for b in qemu-system-sw64 qemu-system-x86_64; do
    [ -x "$BUILD_DIR/$b" ] || die "$BUILD_DIR/$b not found (run make first)"
done
step "bench-tcg: building intloop.elf and sw64-tcg-test"
make -s -C "$ROOT/guest-tools/baremetal" O="$BUILD_DIR/guest-tools/baremetal" \
    "$BUILD_DIR/guest-tools/baremetal/intloop.elf"
ninja -C "$BUILD_DIR" tests/qtest/sw64-tcg-test >/dev/null
step "bench-tcg: running (about 10 s)"
out=$(cd "$BUILD_DIR" &&
      QTEST_QEMU_BINARY=./qemu-system-sw64 \
      KVMPORT_BENCH_X86_QEMU=./qemu-system-x86_64 \
      KVMPORT_BENCH_X86_ELF=guest-tools/baremetal/intloop.elf \
      KVMPORT_BENCH_X86_ROMDIR=pc-bios/optionrom \
      tests/qtest/sw64-tcg-test -m perf -p /sw64/sw64-tcg/bench --tap 2>&1) || {
    printf '%s\n' "$out" >&2
    die "the benchmark failed"
}
printf '%s\n' "$out" | sed -n 's/^# KVMPORT-BENCH /KVMPORT-BENCH /p'
printf '%s\n' "$out" | grep -q '^ok 1 ' || { printf '%s\n' "$out" >&2; die "no result"; }
