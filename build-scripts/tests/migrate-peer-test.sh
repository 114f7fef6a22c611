#!/bin/bash
# Live migration between this build and Debian's own QEMU 10.0 on upstream's 10.0 machine
# types (TAP): the stack leaves them unchanged, as an independent binary sees it.
#
# Usage: build-scripts/tests/migrate-peer-test.sh
#
# Debian's QEMU is bookworm-backports' qemu-system-x86 and qemu-system-arm 10.0 (bookworm's
# 7.2 has no 10.0 types), installed when missing (deps.sh --debian-qemu, as root); without
# it every case is skipped, with the reason. Under TCG, the Linux guest (Debian's kernel,
# the guest-tools initramfs) runs linux-ARCH:migrate-hops with hops=2 through
# `run-guest.py --migrate-peer` (live, over a unix socket); before each hop it writes new
# markers (tmpfs, a shell variable, the hostname) and 8 MiB of random data, and after the
# hop checks them (the guest's checks are this script's TAP lines, per hop); it then
# powers off on the last destination, which must exit with status 0.
#
#   x86_64   pc-i440fx-10.0, pc-q35-10.0 (-cpu qemu64)
#   aarch64  virt-10.0 (-cpu cortex-a57)
#   each     build-debian-build: boots on this build, hops to Debian's, back to this build
#            debian-build-debian: boots on Debian's, hops to this build, back to Debian's
#
# Two runs per type rather than one of three hops: the QEMU a guest boots on builds what
# the guest keeps for its lifetime (ACPI tables and fw_cfg files in RAM blocks, the
# device tree, the option ROM copies), so each binary is proven both as the one the guest
# booted on and as the one it came from and went to, in both directions.
#
# Both sides must present the same machine, and the command line only names what each
# binary finds by itself identically: run-guest.py passes -nodefaults (no NIC, so no iPXE
# ROM whose size could differ, no VGA), both binaries load SeaBIOS from Debian's
# /usr/share/seabios (this build's --firmwarepath, Debian's own package); the x86 option
# ROM for -kernel is Debian's /usr/share/qemu/linuxboot_dma.bin there and this build's
# (built from source) here. CPU models are ones whose definition is fixed per machine type
# (x86 `max` follows the host and the build by design; on aarch64 virt-10.0's default
# cortex-a15 is 32-bit). A hop that fails is a `not ok` with QEMU's own message: a
# difference on upstream's types is a bug of the stack, not a reason to skip.
#
# One difference is upstream's own: QEMU 10.0.3 changed the register list of every TCG Arm
# CPU ("target/arm: Correct encoding of Debug Communications Channel registers", QEMU
# issue 2986: AArch64 DBGDTR_EL0 and AArch32 DBGDTRTX added, the wrong AArch32 encoding
# p14,3,c0,c5,0 dropped), so aarch64 TCG guests do not migrate between 10.0.2 (Debian's
# backports package) and 10.0.3 or later (this build, as upstream's own 10.0.13): QEMU
# refuses the vCPU's state in both directions. An aarch64 case whose hop fails loading the
# 'cpu' section is a skip with QEMU's message only when the register lists of a new vCPU
# of both binaries (each migrated to a file at start, analyze-migration.py) differ by
# exactly those registers and nothing else; any other difference is a `not ok` naming it.
# Logs per case: build/check/migrate-peer/.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tap.sh"
want_help "${1:-}"

RUN="$ROOT/guest-tools/run-guest.py"
LOGDIR="$BUILD_DIR/check/migrate-peer"
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"

# "ARCH MACHINE CPU"
TYPES=("x86_64 pc-i440fx-10.0 qemu64" "x86_64 pc-q35-10.0 qemu64" "aarch64 virt-10.0 cortex-a57")
DIRECTIONS="build-debian-build debian-build-debian"
# the register list change of upstream 10.0.3 (above): +this build only, -Debian's only
DCC_10_0_3="+0x40200000200e0280 +0x6030000000139820 -0x40200000200e0298"

# cpregs BIN MACHINE CPU: the register list (KVM-style ids) a new vCPU of BIN migrates
cpregs() {
    local f="$LOGDIR/cpregs-$2-$3${1//\//_}"
    printf 'migrate file:%s\nquit\n' "$f.state" |
        timeout 60 "$1" -nodefaults -display none -S -accel tcg -M "$2" -cpu "$3" \
            -monitor stdio >"$f.log" 2>&1 || { echo "QEMU: $(tail -n 1 "$f.log")"; return; }
    python3 "$QEMU_DIR/scripts/analyze-migration.py" -f "$f.state" 2>&1 | python3 -c '
import json, sys
for k, v in json.load(sys.stdin).items():
    if k.startswith("cpu "):
        print("\n".join(v["cpreg_vmstate_indexes"]))' | sort
}

# cpreg_diff BUILD DEBIAN MACHINE CPU: "+ID" for each register only BUILD's vCPU has,
# "-ID" for each only DEBIAN's has, one line
cpreg_diff() {
    comm -3 <(cpregs "$1" "$3" "$4") <(cpregs "$2" "$3" "$4") |
        sed 's/^\t/-/; t; s/^/+/' | sort | tr '\n' ' ' | sed 's/ $//'
}

# deps.sh's own lines go to stderr; its last line is the skip reason
step "migrate-peer: Debian's QEMU 10.0 (build-scripts/deps.sh --debian-qemu)"
deps_log=$(mktemp)
rc=0
"$SCRIPTS/deps.sh" --debian-qemu >"$deps_log" 2>&1 || rc=$?
sed 's/^/  /' "$deps_log" >&2
reason=$(tail -n 1 "$deps_log")
rm -f "$deps_log"
if [ $rc -ne 0 ]; then
    for t in "${TYPES[@]}"; do
        read -r arch machine _ <<<"$t"
        for dir in $DIRECTIONS; do
            skip "$arch/$machine/$dir" "Debian's QEMU 10.0 not installed: $reason"
        done
    done
    tap_done
    exit
fi

for t in "${TYPES[@]}"; do
    read -r arch machine cpu <<<"$t"
    diff=
    build=$BUILD_DIR/qemu-system-$arch debian=/usr/bin/qemu-system-$arch
    [ -x "$build" ] || die "$build missing: build first (make)"
    echo "# $arch: this build: $("$build" --version | head -n 1); Debian's:" \
         "$("$debian" --version | head -n 1)"
    for dir in $DIRECTIONS; do
        name=$arch/$machine/$dir out=$LOGDIR/$arch-$machine-$dir
        case $dir in
        build-*) first=$build peers=("$debian" "$build") ;;
        *) first=$debian peers=("$build" "$debian") ;;
        esac
        step "migrate-peer: $name"
        t0=$(date +%s%N) rc=0
        "$RUN" --name "$name" --console-log "$out.console" --accel tcg \
            --guest "linux-$arch:migrate-hops" --machine "$machine" --cpu "$cpu" \
            --param hops=2 --timeout 120 --qemu "$first" \
            --migrate-peer "${peers[0]}" --migrate-peer "${peers[1]}" \
            </dev/null >"$out.tap" 2>"$out.err" || rc=$?
        # upstream 10.0.3's register list change (above), and only that, is a skip
        run="not ok - $name: run # "
        if [ "$arch" = aarch64 ] && grep -F "$run" "$out.tap" |
                grep -qF "error while loading state for instance 0x0 of device 'cpu'"; then
            if [ -z "$diff" ]; then
                diff=$(cpreg_diff "$build" "$debian" "$machine" "$cpu")
                echo "# $arch/$machine -cpu $cpu: vCPU registers only in this build (+)" \
                     "or only in Debian's (-): ${diff:-none}"
            fi
            if [ "$diff" = "$DCC_10_0_3" ]; then
                why="upstream 10.0.3 changed the register list of TCG Arm CPUs (DCC"
                why+=" registers, QEMU issue 2986; they, and only they, differ: $diff),"
                why+=" Debian's QEMU is older: QEMU:"
                while IFS= read -r line; do
                    case $line in
                    "$run"*) line="ok - $name: run # SKIP $why ${line#"$run"}" ;;
                    esac
                    printf '%s\n' "$line"
                done <"$out.tap" >"$out.tap.skip"
                mv "$out.tap.skip" "$out.tap"
                rc=0
            fi
        fi
        relay "$out.tap"
        run_verdict "$name" "$out" "$rc" "$t0"
    done
done

tap_done
