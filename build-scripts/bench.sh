#!/bin/bash
# The performance ratios this project promises (the README's Performance section, which
# this script writes), measured in one call and printed as one table: metric, A, B, the
# median of the ratios A/B, their spread (min-max), the goal, and whether the median meets
# it. Not part of `make check`: ratios are measured here, not asserted (a loaded machine
# moves them). Not here: the vendor's sw64 UEFI shell against the vendor's own QEMU
# (docs/measurements.md), which needs the vendor's files and QEMU, not part of this project.
#
# Usage: build-scripts/bench.sh [--pairs N] [--only ROW[,ROW...]] [--readme]
#
#   x86-boot     Linux x86_64 boot to its first check and power-off under TCG (guest
#                linux-x86_64:probe, -M pc), this build's qemu-system-x86_64 (A) against
#                upstream 10.0.x built from the pinned source with this build's configure
#                options (B; built into BUILD_DIR/bench/upstream, x86_64 only, again when
#                the base or the options change, with the one build fix Debian's "+ds"
#                source needs). Both get this build's option ROMs and Debian's SeaBIOS
#                (-L); `pc` is the stack's pc-i440fx-10.0-kvmport1 on A and upstream's
#                pc-i440fx-10.0 on B, what each gives a user. Goal <= 1.02.
#   arm-boot     the arm64 kernel's boot under TCG (linux-aarch64:smoke): `-M virt`, the
#                stack's type with its default CPU (A), against `-M virt-10.0 -cpu
#                cortex-a57` (B). Goal <= 1.05.
#   sw64-loop    guest instructions per second of one integer loop, qemu-system-sw64 (A)
#                against qemu-system-x86_64 (B), both under TCG in the same run
#                (sw64-tcg-test's perf test "bench"). Goal >= 0.5.
#   ppin-cap     cycles per guest rdmsr of PPIN served by KVM_CAP_PPIN (A) against MSR
#                0x1b, which KVM serves in the kernel (B): bench.elf under KVM in L2 of the
#                nested-KVM rig with patches/linux's modules (on every host). Goal <= 1.1.
#   ppin-filter  the same through the user-space MSR filter (cap-ppin=off; Debian's KVM:
#                the host's where it runs that guest, else the rig) against MSR 0x35, an
#                MSR QEMU serves in user space too (B). Goal <= 1.1.
#
# Boots and loops are paired runs, --pairs times (default 5), each pair giving one ratio;
# boots alternate the order (A B, then B A). bench.elf pairs its own rounds (31 rounds of 5,000 reads of each MSR, back to
# back) and reports the median and spread of the rounds' ratios, so a PPIN row is one run.
# --readme replaces what lies between the bench.sh markers of README.md with this run's
# table, date, machine and run time. Expects a build (`make`); takes about 3 minutes on a
# 2-core machine, plus about 5 minutes the first time for the upstream build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
for a in "$@"; do want_help "$a"; done
shopt -s inherit_errexit    # a failed run inside $(...) stops the benchmark

PAIRS=5 ONLY=x86-boot,arm-boot,sw64-loop,ppin-cap,ppin-filter README=
while [ $# -gt 0 ]; do
    case $1 in
    --pairs | --only)
        [ $# -ge 2 ] || die "$1 needs a value"
        if [ "$1" = --pairs ]; then PAIRS=$2; else ONLY=$2; fi
        shift 2
        ;;
    --readme) README=1; shift ;;
    *) usage >&2; die "unknown argument '$1'" ;;
    esac
done
[[ $PAIRS =~ ^[1-9][0-9]*$ ]] || die "--pairs '$PAIRS': expected a number >= 1"
ALL="arm-boot ppin-cap ppin-filter sw64-loop x86-boot"
rows=$(tr ',' '\n' <<<"$ONLY" | sort -u | tr '\n' ' ')
[ -n "${rows// /}" ] || die "--only: no row named"
for row in $rows; do
    case " $ALL " in *" $row "*) ;; *) die "--only: unknown row '$row' ($ALL)" ;; esac
done
[ -z "$README" ] || [ "$rows" = "$ALL " ] || die "--readme needs every row"
need_bin() { [ -x "$BUILD_DIR/$1" ] || die "$BUILD_DIR/$1 not found (run make first)"; }
need_bin qemu-system-x86_64
case $rows in *arm-boot*) need_bin qemu-system-aarch64 ;; esac
case $rows in *sw64-loop*) need_bin qemu-system-sw64 ;; esac
T0=$(date +%s)

BENCH_DIR=$BUILD_DIR/bench
RUNGUEST=$ROOT/guest-tools/run-guest.py
# the x86 firmware both x86_64 binaries load: Debian's SeaBIOS and this build's option ROMs
# (upstream's binary finds neither from its build tree: a +ds source has no blobs)
ROMS=(-L "$BUILD_DIR/pc-bios/optionrom" -L /usr/share/seabios)
mkdir -p "$BENCH_DIR"
ROWS=()

wants() { case " $rows " in *" $1 "*) return 0 ;; esac; return 1; }

# upstream_qemu: BENCH_DIR/upstream/qemu-system-x86_64, upstream QEMU from the tag
# stack-base of qemu/ (the pinned source, before any patch) plus the build fix of
# patches/build that Debian's "+ds" source needs to configure, built by build.sh with the
# options this build was configured with (BUILD_DIR/.kvmport-options: FEATURES,
# EXTRA_CONFIGURE, CC); rebuilt when the base or those change
upstream_qemu() {
    local src=$BENCH_DIR/upstream-src out=$BENCH_DIR/upstream base stamp o t
    local fix=$PATCHES_DIR/build/pc-bios-only-unpack-and-install-the-firmware-the-source.patch
    base=$(git -C "$QEMU_DIR" rev-parse stack-base) ||
        die "qemu/ has no tag stack-base (run build-scripts/apply.sh)"
    [ -f "$BUILD_DIR/.kvmport-options" ] ||
        die "$BUILD_DIR/.kvmport-options not found (build-scripts/build.sh configure writes it)"
    mapfile -t o <"$BUILD_DIR/.kvmport-options"
    stamp="$base ${o[*]}"
    if [ -x "$out/qemu-system-x86_64" ] && [ "$(cat "$out/.bench-base" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    t=$(date +%s)
    step "bench: upstream $QEMU_VERSION (x86_64 only) into $out"
    rm -rf "$src" "$out"
    mkdir -p "$src"
    git -C "$QEMU_DIR" archive stack-base | tar -x -C "$src"
    patch -s -d "$src" -p1 <"$fix" || die "$fix does not apply to upstream"
    KVMPORT_PKGVERSION="upstream $QEMU_VERSION" QEMU_DIR=$src BUILD_DIR=$out \
        TARGETS=x86_64-softmmu BUILD_TARGETS=qemu-system-x86_64 \
        FEATURES=${o[0]} EXTRA_CONFIGURE=${o[1]:-} CC=${o[2]:-cc} "$SCRIPTS/build.sh" compile
    echo "$stamp" >"$out/.bench-base"
    UPSTREAM_BUILT=$(($(date +%s) - t))
}
UPSTREAM_BUILT=

# boot_ms LOG RUN-GUEST-ARGS...: one guest run with --bench; prints QEMU's wall time in
# ms; the run's TAP goes to LOG; fails when the guest's checks did not pass
boot_ms() {
    local log=$1 ms
    shift
    "$RUNGUEST" --bench "$@" >"$log" 2>&1 || { cat "$log" >&2; die "the guest run failed: $*"; }
    ms=$(sed -n 's/^# KVMPORT-BENCH .*: wall ms=\([0-9]*\)$/\1/p' "$log")
    [ -n "$ms" ] || { cat "$log" >&2; die "no wall time from run-guest.py"; }
    echo "$ms"
}

# stats: "A B" pairs on stdin -> "medianA medianB median-ratio min-ratio max-ratio"
stats() {
    awk '
    function med(v, n,   i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) {
            t = v[j]; v[j] = v[j-1]; v[j-1] = t
        }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    { n++; a[n] = $1; b[n] = $2; r[n] = $1 / $2
      if (n == 1 || r[n] < lo) lo = r[n]; if (n == 1 || r[n] > hi) hi = r[n] }
    END { if (!n) exit 1
          printf "%.0f %.0f %.3f %.3f %.3f\n", med(a, n), med(b, n), med(r, n), lo, hi }'
}

# row METRIC A-LABEL B-LABEL UNIT GOAL-OP GOAL "medA medB ratio lo hi"
row() {
    local metric=$1 alabel=$2 blabel=$3 unit=$4 op=$5 goal=$6 met
    read -r ma mb ratio lo hi <<<"$7"
    if awk -v r="$ratio" -v g="$goal" -v op="$op" \
        'BEGIN { exit !(op == "<=" ? r <= g : r >= g) }'; then met=yes; else met=no; fi
    ROWS+=("| $metric | $alabel: $ma $unit | $blabel: $mb $unit | $ratio | $lo-$hi | $op $goal | $met |")
    step "bench: $metric: $ratio ($lo-$hi), goal $op $goal: $met"
}

# pairs NAME A-ARGS == B-ARGS: PAIRS paired boots (run-guest.py arguments), "A-ms B-ms"
# per line
pairs() {
    local name=$1 i ta tb a=() b=()
    shift
    while [ "$1" != == ]; do a+=("$1"); shift; done
    shift
    b=("$@")
    for i in $(seq "$PAIRS"); do
        step "bench: $name, pair $i of $PAIRS"
        if [ $((i % 2)) = 1 ]; then
            ta=$(boot_ms "$BENCH_DIR/$name-a.log" "${a[@]}")
            tb=$(boot_ms "$BENCH_DIR/$name-b.log" "${b[@]}")
        else
            tb=$(boot_ms "$BENCH_DIR/$name-b.log" "${b[@]}")
            ta=$(boot_ms "$BENCH_DIR/$name-a.log" "${a[@]}")
        fi
        echo "$ta $tb"
    done
}

if wants x86-boot; then
    upstream_qemu
    r=$(pairs x86-boot --guest linux-x86_64:probe -- "${ROMS[@]}" == \
        --guest linux-x86_64:probe --qemu "$BENCH_DIR/upstream/qemu-system-x86_64" -- "${ROMS[@]}" |
        stats)
    row "x86_64 Linux boot, TCG, -M pc" "kvmport" "upstream $QEMU_VERSION" ms "<=" 1.02 "$r"
fi

if wants arm-boot; then
    r=$(pairs arm-boot --guest linux-aarch64:smoke --cpu none --param ncpus=1 == \
        --guest linux-aarch64:smoke --machine virt-10.0 --cpu cortex-a57 --param ncpus=1 | stats)
    row "aarch64 Linux boot, TCG" "-M virt" "-M virt-10.0 -cpu cortex-a57" ms "<=" 1.05 "$r"
fi

if wants sw64-loop; then
    step "bench: sw64-loop: building intloop.elf and sw64-tcg-test"
    make -s -C "$ROOT/guest-tools/baremetal" O="$BUILD_DIR/guest-tools/baremetal" \
        "$BUILD_DIR/guest-tools/baremetal/intloop.elf"
    ninja -C "$BUILD_DIR" tests/qtest/sw64-tcg-test >/dev/null
    r=$(for i in $(seq "$PAIRS"); do
        step "bench: sw64-loop, pair $i of $PAIRS"
        # (the test itself fails below the goal, after printing its figures)
        out=$(cd "$BUILD_DIR" &&
              QTEST_QEMU_BINARY=./qemu-system-sw64 \
              KVMPORT_BENCH_X86_QEMU=./qemu-system-x86_64 \
              KVMPORT_BENCH_X86_ELF=guest-tools/baremetal/intloop.elf \
              KVMPORT_BENCH_X86_ROMDIR=pc-bios/optionrom \
              tests/qtest/sw64-tcg-test -m perf -p /sw64/sw64-tcg/bench --tap 2>&1) || true
        sw=$(printf '%s\n' "$out" | sed -n 's/^# KVMPORT-BENCH sw64-tcg insns\/s=\([0-9]*\)$/\1/p')
        x86=$(printf '%s\n' "$out" | sed -n 's/^# KVMPORT-BENCH x86_64-tcg insns\/s=\([0-9]*\)$/\1/p')
        if [ -z "$sw" ] || [ -z "$x86" ]; then
            printf '%s\n' "$out" >&2
            die "no result from the sw64 benchmark"
        fi
        awk -v a="$sw" -v b="$x86" 'BEGIN { printf "%.3f %.3f\n", a / 1e6, b / 1e6 }'
    done | stats)
    row "integer loop, TCG, guest insns/s" "sw64" "x86_64" M ">=" 0.5 "$r"
fi

# ppin NAME MSR-BASE RUN-GUEST-ARGS...: one bench.elf run, its row
ppin() {
    local name=$1 base=$2 log line a b x100 lo hi
    shift 2
    log=$BENCH_DIR/$name.log
    step "bench: $name: bench.elf under KVM (with the rig, whose L1 boots under TCG: about 40 s)"
    ppin_bench_args "$base"
    "$RUNGUEST" "${PPIN_BENCH[@]}" --timeout 300 "$@" >"$log" 2>&1 ||
        { cat "$log" >&2; die "the $name run failed"; }
    # the fastest round's cycles of each MSR
    a=$(sed -n "s/^# KVMPORT-BENCH .*: msr=0xc00102f1 cycles=\([0-9]*\) .*$/\1/p" "$log")
    b=$(sed -n "s/^# KVMPORT-BENCH .*: msr=$base cycles=\([0-9]*\) .*$/\1/p" "$log")
    line=$(grep -m1 "KVMPORT-BENCH .*: ratio msr=0xc00102f1 base=$base " "$log") ||
        { cat "$log" >&2; die "bench.elf reported no ratio"; }
    x100=${line##*x100=} x100=${x100%% *}
    lo=${line##*min=} lo=${lo%% *}
    hi=${line##*max=}
    echo "$a $b $(awk -v x="$x100" -v l="$lo" -v h="$hi" \
        'BEGIN { printf "%.3f %.3f %.3f", x / 100, l / 100, h / 100 }')"
}
if wants ppin-cap; then
    r=$(ppin ppin-cap 0x1b --rig-kvm ppin --accel-opt cap-ppin=on)
    row "PPIN rdmsr, KVM_CAP_PPIN, L2 in the rig" "PPIN" "MSR 0x1b" cycles "<=" 1.1 "$r"
fi
if wants ppin-filter; then
    r=$(ppin ppin-filter 0x35 --accel-opt cap-ppin=off)
    where=$(grep -q 'nested-KVM rig' "$BENCH_DIR/ppin-filter.log" && echo "L2 in the rig" || echo "host KVM")
    row "PPIN rdmsr, MSR filter, $where" "PPIN" "MSR 0x35" cycles "<=" 1.1 "$r"
fi

machine="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(nproc) CPUs"
took=$(($(date +%s) - T0 - ${UPSTREAM_BUILT:-0}))
took="$((took / 60)) min $((took % 60)) s${UPSTREAM_BUILT:+, plus $((UPSTREAM_BUILT / 60)) min $((UPSTREAM_BUILT % 60)) s to build upstream QEMU}"
table=$(printf '%s\n' "Measured by \`build-scripts/bench.sh --readme\` on $(date -u +%Y-%m-%d), $machine, in $took;" \
    "A/B: the median of $PAIRS paired runs' ratios (PPIN: of bench.elf's 31 paired rounds); A and B:" \
    "the medians of the runs (PPIN: the fastest round)." "" \
    "| metric | A | B | A/B | spread | goal | met |" "|---|---|---|---|---|---|---|" "${ROWS[@]}")
printf '%s\n' "$table"
if [ -n "$README" ]; then
    if ! grep -q '^<!-- bench.sh begin -->$' "$ROOT/README.md" ||
       ! grep -q '^<!-- bench.sh end -->$' "$ROOT/README.md"; then
        die "README.md has no <!-- bench.sh begin --> / <!-- bench.sh end --> lines"
    fi
    printf '%s\n' "$table" >"$BENCH_DIR/table.md"
    awk -v f="$BENCH_DIR/table.md" '
        /^<!-- bench.sh end -->$/ { skip = 0 }
        !skip { print }
        /^<!-- bench.sh begin -->$/ { while ((getline l < f) > 0) print l; skip = 1 }
    ' "$ROOT/README.md" >"$BENCH_DIR/README.md"
    mv "$BENCH_DIR/README.md" "$ROOT/README.md"
    step "bench: README.md's table replaced"
fi
