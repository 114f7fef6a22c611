#!/bin/bash
# Run every test and end with the line "N passed, N failed, N skipped".
#
# Usage: build-scripts/check.sh [stack|pipeline|install|qtest|sw64-kvm|msr-tools|guest|migrate-peer|libvirt|examples|asan]...
#        (default: all)
#
#   stack     every patch applies with fuzz 0, apply/export round trip, checkpatch.pl
#   pipeline  refusals of fetch/apply (checksum, bad patch, dirty tree), export, rebase
#   install   installed binaries: identification, firmware and option ROMs without -L
#   qtest     upstream qtests and tests-qtest/, through QEMU's meson test (TAP); the KVM
#             subtests also in L1 of the nested-KVM rig on patches/linux's KVM modules,
#             whose results replace this host's skips (all of them without /dev/kvm)
#   sw64-kvm  target/sw64/kvm.c compiled against linux-headers/asm-sw64 (x86_64 host)
#   msr-tools host unit tests of guest-tools/msr (fake device files, no root)
#   guest     end-to-end: test guests booted on the patched binary (guest-tools/run-guest.py)
#   migrate-peer live migration between this build and Debian's own QEMU 10.0 on upstream's
#             10.0 machine types, both directions, a Linux guest's state checked after each
#             hop (installs Debian's QEMU from backports when missing; before libvirt, whose
#             QEMU driver it then satisfies; tests/migrate-peer-test.sh)
#   libvirt   the installed binaries as libvirt's <emulator>, under a private embedded
#             libvirt (installs Debian's libvirt 11 when missing; tests/libvirt-test.sh)
#   examples  every command example of the README, docs/ and guest-tools/**/README.md run as
#             written, its documented output checked (tests/examples-test.py; after
#             libvirt and migrate-peer, which install what some examples use)
#   asan      x86 qtests on an ASan+UBSan build, no sanitizer report (build-scripts/asan.sh
#             builds it first: a lean second build tree, build/asan)
# Expects a build (`make`). Logs go to build/check/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"

# Upstream qtests run for every target, and per target. (Upstream 10.0.x has no x86
# boot-serial-test since sgabios was removed: tests-qtest/x86-boot-serial-test is its
# x86 counterpart.)
QTESTS_ALL="qom-test device-introspect-test qmp-cmd-test machine-none-test"
QTESTS_x86_64="test-x86-cpuid-compat"
QTESTS_aarch64="boot-serial-test arm-cpu-features"
QTESTS_sw64="test-hmp"
# This project's own qtests (tests-qtest/meson.build).
QTESTS_STACK="stack-id-test"
QTESTS_STACK_x86_64="x86-boot-serial-test x86-ppin-test"
QTESTS_STACK_aarch64="arm-virt-test"
QTESTS_STACK_sw64="sw64-board-test sw64-tcg-test sw64-hmcode-test sw64-fp-test
    sw64-firmware-test"
# sw64-firmware-test runs the vendor's own SW64 firmware, which is not part of the project
# (docs/sw64.md says where it is public): from $SW64_FIRMWARE_DIR, by default
# cache/sw64-firmware when that exists; without it the test is skipped, saying so.
if [ -z "${SW64_FIRMWARE_DIR:-}" ] && [ -d "$ROOT/cache/sw64-firmware" ]; then
    export SW64_FIRMWARE_DIR=$ROOT/cache/sw64-firmware
fi
# kvm-caps-test runs for the host's own target (the one KVM can run)
host_stack="QTESTS_STACK_$(uname -m)"
printf -v "$host_stack" '%s kvm-caps-test' "${!host_stack:-}"
ARCHES="x86_64 aarch64 sw64"

LOG="$BUILD_DIR/check"
mkdir -p "$LOG"
passed=0 failed=0 skipped=0

# tap NAME CMD...: run a TAP producer, count its results.
tap() {
    local name=$1 rc=0 p f s; shift
    step "check: $name"
    "$@" >"$LOG/$name.tap" 2>"$LOG/$name.err" || rc=$?
    p=$(grep -E '^ok ' "$LOG/$name.tap" | grep -vc '# SKIP' || true)
    s=$(grep -cE '^ok .*# SKIP' "$LOG/$name.tap" || true)
    f=$(grep -cE '^not ok ' "$LOG/$name.tap" || true)
    grep -E '^not ok |^# |# SKIP' "$LOG/$name.tap" | sed 's/^/    /' >&2 || true
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "    $name exited $rc without a failed test:" >&2
        tail -n 20 "$LOG/$name.err" | sed 's/^/    /' >&2
        f=1
    fi
    echo "$name: $p passed, $f failed, $s skipped" >&2
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

qtest() {
    local names=() targets=() a t
    for a in $ARCHES; do
        local per="QTESTS_$a" stack="QTESTS_STACK_$a"
        for t in $QTESTS_ALL ${!per} $QTESTS_STACK ${!stack:-}; do
            names+=("qtest-$a/$t")
            targets+=("tests/qtest/$t")
        done
    done
    step "check: building $(printf '%s\n' "${targets[@]}" | sort -u | wc -l) qtest programs"
    # kvm-caps-test preloads this shim into QEMU
    targets+=(tests/qtest/stack/kvmport-cap-shim.so)
    ninja -C "$BUILD_DIR" $(printf '%s\n' "${targets[@]}" | sort -u) >"$LOG/qtest-build.log" 2>&1 ||
        { tail -n 30 "$LOG/qtest-build.log" >&2; failed=$((failed + 1)); return; }
    step "check: meson test ${names[*]}"
    meson_qtests "$BUILD_DIR" "$LOG/qtest.log" "$LOG/qtest-testlog.json" -- "${names[@]}" ||
        { failed=$((failed + 1)); return; }
    grep -E '^ *[0-9]+/[0-9]+ ' "$LOG/qtest.log" | sed 's/^/    /' >&2 || true
    # Count subtests, not programs: a subtest skipped here (no /dev/kvm, or a kernel
    # without KVM_CAP_PPIN) shows as a skip, unless it ran in L1 of the nested-KVM rig
    # (below), whose result then counts.
    local rig=()
    if [ "$(uname -m)" = x86_64 ]; then
        qtest_rig
    fi
    tap qtest "$SCRIPTS/tests/meson-tap.py" "${rig[@]}" "$LOG/qtest-testlog.json" "${names[@]}"
}

# The x86 qtests that need KVM, in L1 of the nested-KVM rig (guest-tools/rig: the KVM
# modules of patches/linux, KVM_CAP_PPIN, on TCG's SVM; the build's QEMU and qtests in
# /rig), one L1 boot for all, on every x86_64 host: no host has that kernel, and a host
# without /dev/kvm has no KVM at all. Each program's TAP goes to meson-tap.py (rig=()),
# which takes an L1 result only where the host's was a skip.
# guest-tools/rig/qtests: the programs in the image and the subtests to run in L1
mapfile -t RIG_QTESTS < <(grep -E '^[^# ]+ +/' "$ROOT/guest-tools/rig/qtests")
qtest_rig() {
    # KVMPORT_EXPECT_KVM_CAP_PPIN: the tests that need the cap fail rather than skip
    local script="export QTEST_QEMU_BINARY=/rig/bin/qemu-system-x86_64" entry t p rc=0
    script+=" KVMPORT_EXPECT_KVM_CAP_PPIN=1"
    for entry in "${RIG_QTESTS[@]}"; do
        set -- $entry
        t=$1; shift
        script+="; echo '# rig-qtest $t'; /rig/qtest/$t --tap -k"
        for p; do script+=" -p $p"; done
        script+="; echo \"# rig-qtest-exit $t \$?\""
    done
    step "check: qtests that need KVM, in L1 of the nested-KVM rig (KVM of patches/linux)"
    # the rig carries the qtests just built: bring it up to date (a no-op when it is)
    "$SCRIPTS/build.sh" guest-tools >"$LOG/qtest-rig-build.log" 2>&1 ||
        { tail -n 20 "$LOG/qtest-rig-build.log" >&2; failed=$((failed + 1)); return; }
    "$ROOT/guest-tools/run-guest.py" --build-dir "$BUILD_DIR" --name qtest-rig --timeout 900 \
        --rig-kvm ppin --rig-exec -- sh -c "$script" >"$LOG/qtest-rig.out" 2>&1 || rc=$?
    # the script ends with an echo: anything but 0 means L1 or its shell did not finish
    if [ $rc -ne 0 ]; then
        echo "    the nested-KVM rig did not run the KVM qtests through (exit $rc;" \
             "$LOG/qtest-rig.out):" >&2
        grep -E '^not ok|^#' "$LOG/qtest-rig.out" | tail -n 20 | sed 's/^/    /' >&2
        failed=$((failed + 1))
        return
    fi
    for entry in "${RIG_QTESTS[@]}"; do
        set -- $entry
        t=$1; shift
        # a section without its end, or a program that failed without a failing subtest,
        # is one more failure; so is a requested path without any result
        awk -v t="$t" '$0 == "# rig-qtest " t { on = 1; seen = 1; next }
            on && index($0, "# rig-qtest-exit " t " ") == 1 {
                if ($NF != 0 && !failed) print "not ok 999 /exit-status-" $NF
                on = 0; next }
            on { print; if ($0 ~ /^not ok /) failed = 1 }
            END { if (!seen) print "not ok 999 /not-run-in-L1"
                  else if (on) print "not ok 999 /no-exit-status" }' \
            "$LOG/qtest-rig.out" >"$LOG/qtest-rig-$t.tap"
        for p; do
            grep -qE "^(not )?ok [0-9]+ (- )?$p(/| |\$)" "$LOG/qtest-rig-$t.tap" ||
                echo "not ok 999 $p/no-result-in-L1" >>"$LOG/qtest-rig-$t.tap"
        done
        rig+=(--rig "qtest-x86_64/$t=$LOG/qtest-rig-$t.tap")
    done
}

# sw64's KVM glue is built only on sw_64 hosts: compile it here against the stack's
# linux-headers/asm-sw64 so that it cannot rot unseen (it cannot run here).
sw64_kvm() {
    local out
    if out=$("$SCRIPTS/tests/sw64-kvm-glue.sh" "$BUILD_DIR" 2>&1); then
        echo "ok 1 - ${out#ok: }"
    else
        echo "not ok 1 - target/sw64/kvm.c compiles against linux-headers/asm-sw64"
        sed 's/^/# /' <<<"$out"
    fi
    echo "1..1"
}

WHAT=${*:-stack pipeline install qtest sw64-kvm msr-tools guest migrate-peer libvirt examples asan}
for w in $WHAT; do
    case $w in
    stack) tap stack "$SCRIPTS/tests/stack-test.sh" ;;
    pipeline) tap pipeline "$SCRIPTS/tests/pipeline-test.sh" ;;
    install) tap install "$SCRIPTS/tests/install-test.sh" ;;
    qtest) qtest ;;
    sw64-kvm) tap sw64-kvm sw64_kvm ;;
    msr-tools) tap msr-tools "$ROOT/guest-tools/msr/tests/msr-tools-test.sh" "$BUILD_DIR/guest-tools/msr" ;;
    guest) tap guest "$SCRIPTS/tests/guest-test.sh" ;;
    migrate-peer) tap migrate-peer "$SCRIPTS/tests/migrate-peer-test.sh" ;;
    libvirt) tap libvirt "$SCRIPTS/tests/libvirt-test.sh" ;;
    examples) tap examples "$SCRIPTS/tests/examples-test.py" ;;
    asan) tap asan "$SCRIPTS/asan.sh" ;;
    *) die "unknown test group '$w' (stack, pipeline, install, qtest, sw64-kvm, msr-tools, guest, migrate-peer, libvirt, examples, asan)" ;;
    esac
done
step "check: done"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
