#!/bin/bash
# Host unit tests of rdmsr/wrmsr (TAP): every option's output byte for byte as Debian's
# msr-tools 1.3-5 prints it, the messages and exit codes, register names and --list, -a in
# ascending CPU order, the missing-driver hint, "No CPU N", and wrmsr's writes.
#
# Usage: guest-tools/msr/tests/msr-tools-test.sh BINDIR
#   BINDIR: where `make -C guest-tools msr` put rdmsr, wrmsr, test/rdmsr, test/wrmsr
#   (default build/guest-tools/msr). Needs no root and no msr driver.
#
# The tools read a fake device tree (MSR_CPU_DIR=TMP/cpu): cpu/N/msr are sparse regular
# files whose 8 bytes at offset REG hold the register's value; CPUs 0 1 2 3 5 10 12 (gaps,
# and 10 sorts before 2 as text). A regular file cannot fail like the msr driver (EIO when
# an MSR raises #GP, ENXIO for an absent CPU), so those cases use BINDIR/test/rdmsr and
# BINDIR/test/wrmsr: the same objects linked with a seam (test-seam.c, -Wl,--wrap=open,
# pread, pwrite) that fails with EIO for the offsets in MSR_FAKE_EIO and with ENXIO/EIO
# for the CPUs in MSR_FAKE_ENXIO/MSR_FAKE_OPEN_EIO. The shipped binaries contain no seam
# (checked). A link seam needs no root, no kernel module and no change to the code under
# test; LD_PRELOAD would not work on static binaries.
#
# As root, also: ENXIO from a real unbound character device, and a comparison with
# Debian's own msr-tools (apt-get download; or MSR_TOOLS_DEB=FILE.deb): on the fake tree
# through a private mount namespace (/dev/cpu bound to it), and on the real /dev/cpu/0/msr
# when the msr driver is there. Each is skipped with the reason when not possible.
set -euo pipefail
case "${1:-}" in
-h|--help) sed -n '2,/^[^#]/{/^#/!q;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../../build-scripts/tests/tap.sh
. "$here/../../../build-scripts/tests/tap.sh"

BIN=$(cd "${1:-$here/../../../build/guest-tools/msr}" && pwd)
RD=$BIN/rdmsr WR=$BIN/wrmsr TRD=$BIN/test/rdmsr TWR=$BIN/test/wrmsr
for b in "$RD" "$WR" "$TRD" "$TWR"; do
    [ -x "$b" ] || { echo "Bail out! $b is missing: run make -C guest-tools msr"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/msr-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
CPUS="12 3 0 10 5 2 1"          # created in this order: readdir order is not CPU order
SIZE=$((0xc0010400))            # file size: MSR 0xffffffff reads past the end

# le VALUE: the 8 bytes of VALUE, little endian
le() { local v=$1 i s=''; for i in 0 1 2 3 4 5 6 7; do s+=$(printf '\\x%02x' $(((v >> (8 * i)) & 0xff))); done; printf '%b' "$s"; }
# put DIR CPU REG VALUE / get DIR CPU REG (hex bytes as stored)
put() { le "$4" | dd of="$1/$2/msr" bs=1 seek=$(($3)) conv=notrunc status=none; }
get() { od -An -tx1 -j $(($3)) -N 8 "$1/$2/msr" | tr -d ' \n'; }

mktree() { # mktree DIR: the fake /dev/cpu
    local d=$1 c
    mkdir -p "$d/microcode"; : >"$d/not-a-cpu"
    for c in $CPUS; do
        mkdir -p "$d/$c"; truncate -s $SIZE "$d/$c/msr"
        put "$d" "$c" 0x10 0xfffffffffffffff0
        put "$d" "$c" 0x1b $((0xfee00800 | (c == 0 ? 0x100 : 0)))
        put "$d" "$c" 0x28 0x123456789abcdef0
        put "$d" "$c" 0x35 0x40004
        put "$d" "$c" 0x4e 0x1
        put "$d" "$c" 0x4f 0x55
        put "$d" "$c" 0xe7 $((0x1000 + c))
        put "$d" "$c" 0x802 $c
        put "$d" "$c" 0xc0000080 0xd01
        put "$d" "$c" 0xc00102f1 0x0123456789abcdef
    done
}
mktree "$tmp/cpu"
export MSR_CPU_DIR=$tmp/cpu
unset MSR_FAKE_EIO MSR_FAKE_ENXIO MSR_FAKE_OPEN_EIO

# t DESC RC OUT ERR CMD...: CMD exits RC and prints exactly OUT on stdout, ERR on stderr
t() {
    local d=$1 rc=$2 out=$3 err=$4 got=0; shift 4
    "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
    printf '%s' "$out" >"$tmp/want-out"; printf '%s' "$err" >"$tmp/want-err"
    if [ "$got" = "$rc" ] && cmp -s "$tmp/out" "$tmp/want-out" && cmp -s "$tmp/err" "$tmp/want-err"; then
        ok "$d"
    else
        not_ok "$d" "command: $*" "exit $got (want $rc)" "stdout:" "$(od -c "$tmp/out" | head -8)" \
            "want:" "$(od -c "$tmp/want-out" | head -8)" "stderr: $(cat "$tmp/err")" "want: $err"
    fi
}
# o DESC OUT ARGS...: rdmsr ARGS succeeds and prints exactly OUT
o() { local d=$1 out=$2; shift 2; t "rdmsr $d" 0 "$out" "" "$RD" "$@"; }

USAGE_RD="Usage: $RD [options] regno
  --help         -h  Print this help
  --version      -V  Print current version
  --hexadecimal  -x  Hexadecimal output (lower case)
  --capital-hex  -X  Hexadecimal output (upper case)
  --decimal      -d  Signed decimal output
  --unsigned     -u  Unsigned decimal output
  --octal        -o  Octal output
  --c-language   -c  Format output as a C language constant
  --zero-pad     -0  Output leading zeroes
  --raw          -r  Raw binary output
  --all          -a  all processors
  --processor #  -p  Select processor number (default 0)
  --bitfield h:l -f  Output bits [h:l] only
  --list             List the register names (regno: number or name)
Environment: MSR_CPU_DIR  device directory (default /dev/cpu)
"
USAGE_WR="Usage: $WR [options] regno value...
  --help         -h  Print this help
  --version      -V  Print current version
  --all          -a  all processors
  --processor #  -p  Select processor number (default 0)
  --list             List the register names (regno: number or name)
Environment: MSR_CPU_DIR  device directory (default /dev/cpu)
"

# --- output formats (0x28 = 0x123456789abcdef0, 0x35 = 0x40004, 0x10 = -16) ----
o "default: lower-case hex, no prefix or padding" $'123456789abcdef0\n' 0x28
o "-x" $'40004\n' -x 0x35
o "--hexadecimal" $'40004\n' --hexadecimal 0x35
o "-X" $'123456789ABCDEF0\n' -X 0x28
o "--capital-hexadecimal" $'123456789ABCDEF0\n' --capital-hexadecimal 0x28
o "-u" $'1311768467463790320\n' -u 0x28
o "--unsigned-decimal" $'262148\n' --unsigned-decimal 0x35
o "-d positive" $'262148\n' -d 0x35
o "-d with bit 63 set (msr-tools clears it and negates)" $'-9223372036854775792\n' -d 0x10
o "--signed-decimal -f 7:0 (bit 7 set: -(0x70))" $'-112\n' --signed-decimal -f 7:0 0x10
o "--decimal" $'1311768467463790320\n' --decimal 0x28
o "-o" $'110642547423257157360\n' -o 0x28
o "--octal" $'1000004\n' --octal 0x35
o "-c (0x prefix)" $'0x40004\n' -c 0x35
o "-c -X" $'0x123456789ABCDEF0\n' -c -X 0x28
o "-c -o (0 prefix)" $'01000004\n' -c -o 0x35
o "-c -u (U suffix)" $'262148U\n' -c -u 0x35
o "-c -d" $'262148\n' -c -d 0x35
o "-0 (16 hex digits)" $'0000000000040004\n' -0 0x35
o "--zero-pad -X" $'0000000000040004\n' --zero-pad -X 0x35
o "--zero-fill -o (22 octal digits)" $'0000000000000001000004\n' --zero-fill -o 0x35
o "-0 -u (20 digits)" $'00000000000000262148\n' -0 -u 0x35
o "-0 -d (sign + 19 digits)" $'00000000000000262148\n' -0 -d 0x35
o "-0 -d negative" $'-9223372036854775792\n' -0 -d 0x10
o "-0 -d -f 7:0 (width 4)" $'-112\n' -0 -d -f 7:0 0x10
o "-0 -u -f 7:0 (width 3)" $'240\n' -0 -u -f 7:0 0x10
o "-0 -u -f 15:0 (width 5)" $'00004\n' -0 -u -f 15:0 0x35
o "-c -0 -x" $'0x0000000000040004\n' -c0 -x 0x35
o "-c -0 -X -f 15:0" $'0x0004\n' -c -0 -X -f 15:0 0x35
o "-c -0 -o" $'00110642547423257157360\n' -c -0 -o 0x28
o "-c -0 -o -f 5:0 (width 2)" $'004\n' -c -0 -o -f 5:0 0x35
o "-c -0 -u (no padding, U)" $'262148U\n' -c -0 -u 0x35
o "-c -0 -d (no padding)" $'-112\n' -c -0 -d -f 7:0 0x10
o "-f 15:0" $'4\n' -f 15:0 0x35
o "--bitfield 19:16" $'4\n' --bitfield 19:16 0x35
o "--bitfield=63:60" $'1\n' --bitfield=63:60 0x28
o "-f 63:63" $'1\n' -f 63:63 0x10
o "-f 0:0" $'0\n' -f 0:0 0x28
o "-f 15:0 -0" $'def0\n' -f 15:0 -0 0x28
o "-f with trailing text (sscanf)" $'1\n' -f 3:2x 0x35
o "last format option wins" $'262148\n' -x -o -d 0x35
o "options after the register" $'0x40004\n' 0x35 -c
o "-xp2 clustered" $'40004\n' -xp2 0x35
o "--cpu=1" $'fee00800\n' --cpu=1 0x1b
o "--processor 1" $'fee00800\n' --processor 1 0x1b
o "-p 0x0 (base 0)" $'fee00900\n' -p 0x0 0x1b
o "register in octal (strtoul base 0)" $'fee00900\n' 033
o "--zero (abbreviation, both candidates are -0)" $'0000000000040004\n' --zero 0x35

od_out=$("$RD" --raw 0x28 | od -An -tx1 | tr -d ' \n')
check "rdmsr --raw 0x28: f0 de bc 9a 78 56 34 12 (got $od_out)" test "$od_out" = f0debc9a78563412
o "-r -c: C array" $'{0x04,0x00,0x04,0x00,0x00,0x00,0x00,0x00}\n' -r -c 0x35
o "-r -c -0" $'{0xf0,0xde,0xbc,0x9a,0x78,0x56,0x34,0x12}\n' -r -c -0 0x28

for f in 64:0 3:5 3 x:0 -1:0 ""; do
    t "rdmsr -f '$f' is a usage error" 127 "" "$USAGE_RD" "$RD" -f "$f" 0x35
done

# --- CPUs -------------------------------------------------------------------
o "-p 3" $'1003\n' -p 3 0xe7
o "-a: ascending CPU order, one value per line" $'1000\n1001\n1002\n1003\n1005\n100a\n100c\n' -a 0xe7
o "--all -x apic_base: BSP bit on CPU 0 only" \
    $'fee00900\nfee00800\nfee00800\nfee00800\nfee00800\nfee00800\nfee00800\n' --all -x apic_base
o "-a -c -0 -f 7:0" $'0x00\n0x01\n0x02\n0x03\n0x05\n0x0a\n0x0c\n' -a -c -0 -f 7:0 0xe7
o "-p after -a wins" $'1002\n' -a -p 2 0xe7
o "-a after -p wins" $'1000\n1001\n1002\n1003\n1005\n100a\n100c\n' -p 2 -a 0xe7
t "rdmsr -a skips a CPU giving ENXIO (seam)" 0 $'1000\n1001\n1002\n1003\n100a\n100c\n' "" \
    env MSR_FAKE_ENXIO=5 "$TRD" -a 0xe7
t "rdmsr -p 5 on a CPU giving ENXIO: No CPU 5, exit 2 (seam)" 2 "" $'rdmsr: No CPU 5\n' \
    env MSR_FAKE_ENXIO=5 "$TRD" -p 5 0xe7
t "rdmsr: CPU giving EIO on open doesn't support MSRs, exit 3 (seam)" 3 "" \
    $'rdmsr: CPU 2 doesn\'t support MSRs\n' env MSR_FAKE_OPEN_EIO=2 "$TRD" -p 2 0xe7
t "rdmsr -p 7 with no such CPU: No CPU 7, exit 2" 2 "" $'rdmsr: No CPU 7\n' "$RD" -p 7 0x35
t "rdmsr -p 5119 accepted (No CPU 5119)" 2 "" $'rdmsr: No CPU 5119\n' "$RD" -p 5119 0x35
for p in 5120 x -1 3x; do
    t "rdmsr -p '$p' is a usage error" 127 "" "$USAGE_RD" "$RD" -p "$p" 0x35
done
t "rdmsr -p '' is CPU 0 (strtoul, as msr-tools)" 0 $'fee00900\n' "" "$RD" -p '' 0x1b

# --- #GP on a register: EIO from pread/pwrite (seam) --------------------------
export MSR_FAKE_EIO=0x4f,0x4e
t "rdmsr 0x4f with EIO: cannot read MSR, exit 4" 4 "" $'rdmsr: CPU 0 cannot read MSR 0x0000004f\n' \
    "$TRD" 0x4f
t "rdmsr -p 3 ppin with EIO" 4 "" $'rdmsr: CPU 3 cannot read MSR 0x0000004f\n' "$TRD" -p 3 ppin
t "rdmsr -a 0x4f with EIO stops at the first CPU" 4 "" $'rdmsr: CPU 0 cannot read MSR 0x0000004f\n' \
    "$TRD" -a 0x4f
t "test rdmsr reads other registers normally" 0 $'55\n' "" env MSR_FAKE_EIO=0x4e "$TRD" 0x4f
before=$(get "$tmp/cpu" 0 0x4e)
t "wrmsr 0x4e 4 with EIO: cannot set MSR, exit 4" 4 "" \
    $'wrmsr: CPU 0 cannot set MSR 0x0000004e to 0x0000000000000004\n' "$TWR" 0x4e 4
check "wrmsr with EIO left the register as it was" test "$(get "$tmp/cpu" 0 0x4e)" = "$before"
t "wrmsr ppin_ctl 0x2 with EIO on CPU 1" 4 "" \
    $'wrmsr: CPU 1 cannot set MSR 0x0000004e to 0x0000000000000002\n' "$TWR" -p 1 ppin_ctl 0x2
unset MSR_FAKE_EIO
t "rdmsr past the end of the node: pread error as msr-tools (glibc text)" 127 "" \
    $'rdmsr: pread: Success\n' "$RD" 0xffffffff
for b in "$RD" "$WR"; do
    if grep -qa MSR_FAKE "$b"; then not_ok "shipped $(basename "$b") has no test seam"
    else ok "shipped $(basename "$b") has no test seam"; fi
done

# --- names and --list ----------------------------------------------------------
o "register name efer" $'d01\n' efer
o "register names are case-insensitive" $'d01\n' EFER
o "Apic_Base" $'fee00900\n' Apic_Base
o "amd_ppin -X" $'123456789ABCDEF\n' -X amd_ppin
o "-p 3 x2apic_id" $'3\n' -p 3 x2apic_id
o "core_thread_count -f 15:0" $'4\n' -f 15:0 core_thread_count
o "tsc -u" $'18446744073709551600\n' -u tsc
"$RD" --list >"$tmp/list" 2>"$tmp/list-err" && rc=0 || rc=$?
check "rdmsr --list exits 0 with nothing on stderr" test "$rc:$(cat "$tmp/list-err")" = "0:"
for nr in tsc:0x00000010 apic_base:0x0000001b feature_control:0x0000003a \
    core_thread_count:0x00000035 ppin_ctl:0x0000004e ppin:0x0000004f misc_enable:0x000001a0 \
    efer:0xc0000080 tsc_aux:0xc0000103 amd_ppin_ctl:0xc00102f0 amd_ppin:0xc00102f1 \
    platform_info:0x000000ce mperf:0x000000e7 aperf:0x000000e8 x2apic_id:0x00000802; do
    n=${nr%%:*} r=${nr#*:}
    check "--list: $n $r with a description" grep -qE "^$n +$r +[a-zA-Z(]" "$tmp/list"
    v=$("$RD" -c "$n" 2>/dev/null || true); w=$("$RD" -c "$r" 2>/dev/null || true)
    check "name $n reads the same register as $r" test -n "$v" -a "$v" = "$w"
done
check "wrmsr --list prints the same table" cmp -s "$tmp/list" <("$WR" --list)

t "rdmsr bogus: unknown register, exit 127" 127 "" \
    $'rdmsr: unknown register \'bogus\' (a number, or a name from --list)\n' "$RD" bogus
t "rdmsr 0x35junk: trailing garbage" 127 "" \
    $'rdmsr: unknown register \'0x35junk\' (a number, or a name from --list)\n' "$RD" 0x35junk
t "rdmsr '': empty register" 127 "" \
    $'rdmsr: unknown register \'\' (a number, or a name from --list)\n' "$RD" ''
t "rdmsr 0x: no digits after the prefix" 127 "" \
    $'rdmsr: unknown register \'0x\' (a number, or a name from --list)\n' "$RD" 0x
t "rdmsr 0x100000035: above 0xffffffff" 127 "" \
    $'rdmsr: register \'0x100000035\' is out of range (0..0xffffffff)\n' "$RD" 0x100000035
t "rdmsr -- -1: negative" 127 "" $'rdmsr: register \'-1\' is out of range (0..0xffffffff)\n' \
    "$RD" -- -1
t "wrmsr bogus 1: unknown register" 127 "" \
    $'wrmsr: unknown register \'bogus\' (a number, or a name from --list)\n' "$WR" bogus 1

# --- usage, -V, -h, option errors ------------------------------------------------
t "rdmsr -V: version on stderr, exit 0" 0 "" "$RD: version msr-tools-1.3"$'\n' "$RD" -V
t "rdmsr --version" 0 "" "$RD: version msr-tools-1.3"$'\n' "$RD" --version
t "wrmsr -V" 0 "" "$WR: version msr-tools-1.3"$'\n' "$WR" -V
t "rdmsr -h: usage on stderr (msr-tools' text, --list, MSR_CPU_DIR), exit 0" 0 "" "$USAGE_RD" "$RD" -h
t "rdmsr --help" 0 "" "$USAGE_RD" "$RD" --help
t "wrmsr -h" 0 "" "$USAGE_WR" "$WR" -h
t "rdmsr without register: usage, exit 127" 127 "" "$USAGE_RD" "$RD"
t "rdmsr with two registers: usage, exit 127" 127 "" "$USAGE_RD" "$RD" 1 2
t "rdmsr -q: glibc's message and usage" 127 "" "$RD: invalid option -- 'q'"$'\n'"$USAGE_RD" "$RD" -q 0x35
t "rdmsr 0x35 -p: missing argument" 127 "" \
    "$RD: option requires an argument -- 'p'"$'\n'"$USAGE_RD" "$RD" 0x35 -p
t "rdmsr --cpu: missing argument" 127 "" \
    "$RD: option '--cpu' requires an argument"$'\n'"$USAGE_RD" "$RD" 0x35 --cpu
t "rdmsr --xyz=3: unrecognized" 127 "" \
    "$RD: unrecognized option '--xyz=3'"$'\n'"$USAGE_RD" "$RD" --xyz=3 0x35
t "rdmsr --all=1: no argument allowed" 127 "" \
    "$RD: option '--all' doesn't allow an argument"$'\n'"$USAGE_RD" "$RD" --all=1 0x35
t "rdmsr --c: ambiguous" 127 "" \
    "$RD: option '--c' is ambiguous; possibilities: '--capital-hexadecimal' '--c-language' '--cpu'"$'\n'"$USAGE_RD" \
    "$RD" --c 0x35
t "rdmsr 0x35 -- -x: -x is a second register" 127 "" "$USAGE_RD" "$RD" 0x35 -- -x
t "wrmsr with one argument: usage, exit 127" 127 "" "$USAGE_WR" "$WR" 0x20
t "wrmsr -x: invalid option" 127 "" "$WR: invalid option -- 'x'"$'\n'"$USAGE_WR" "$WR" -x 1 2
t "wrmsr -p 5120: usage" 127 "" "$USAGE_WR" "$WR" -p 5120 1 2

# --- missing driver, missing CPU -------------------------------------------------
mkdir -p "$tmp/nodrv/0" "$tmp/nodrv/1"; : >"$tmp/nodrv/0/cpuid"
hint() { printf '%s: open: No such file or directory\n%s: %s is missing: load the msr driver (modprobe msr)\n' "$1" "$1" "$2"; }
t "rdmsr without the msr driver: open error and the hint, exit 127" 127 "" \
    "$(hint rdmsr "$tmp/nodrv/0/msr")"$'\n' env MSR_CPU_DIR="$tmp/nodrv" "$RD" 0x1b
t "rdmsr -p 1 without the msr driver names CPU 1's node" 127 "" \
    "$(hint rdmsr "$tmp/nodrv/1/msr")"$'\n' env MSR_CPU_DIR="$tmp/nodrv" "$RD" -p 1 0x1b
t "rdmsr -a without the msr driver" 127 "" \
    "$(hint rdmsr "$tmp/nodrv/0/msr")"$'\n' env MSR_CPU_DIR="$tmp/nodrv" "$RD" -a 0x1b
t "rdmsr -a without /dev/cpu at all" 127 "" \
    "$(hint rdmsr "$tmp/none/0/msr")"$'\n' env MSR_CPU_DIR="$tmp/none" "$RD" -a 0x1b
t "wrmsr without the msr driver" 127 "" \
    "$(hint wrmsr "$tmp/nodrv/0/msr")"$'\n' env MSR_CPU_DIR="$tmp/nodrv" "$WR" 0x1b 0
t "wrmsr -p 7 with no such CPU: No CPU 7, exit 2" 2 "" $'wrmsr: No CPU 7\n' "$WR" -p 7 0x20 1
if [ -e /dev/cpu/0/msr ]; then
    t "MSR_CPU_DIR empty means /dev/cpu" 2 "" $'rdmsr: No CPU 4000\n' env MSR_CPU_DIR= "$RD" -p 4000 0x1b
else
    t "MSR_CPU_DIR empty means /dev/cpu" 127 "" \
        "$(hint rdmsr /dev/cpu/4000/msr)"$'\n' env MSR_CPU_DIR= "$RD" -p 4000 0x1b
fi

# --- wrmsr ------------------------------------------------------------------------
t "wrmsr 0x20 0x1122334455667788" 0 "" "" "$WR" 0x20 0x1122334455667788
check "wrmsr wrote CPU 0's register, little endian" test "$(get "$tmp/cpu" 0 0x20)" = 8877665544332211
check "wrmsr left CPU 1 alone" test "$(get "$tmp/cpu" 1 0x20)" = 0000000000000000
o "rdmsr reads back what wrmsr wrote" $'1122334455667788\n' 0x20
t "wrmsr -p 2 tsc_aux 7" 0 "" "" "$WR" -p 2 tsc_aux 7
check "wrmsr -p 2 wrote CPU 2's TSC_AUX only" \
    test "$(get "$tmp/cpu" 2 0xc0000103):$(get "$tmp/cpu" 0 0xc0000103)" = 0700000000000000:0000000000000000
t "wrmsr 0x20 1 2 0x33: several values" 0 "" "" "$WR" 0x20 1 2 0x33
check "wrmsr: the last value stays" test "$(get "$tmp/cpu" 0 0x20)" = 3300000000000000
if command -v strace >/dev/null; then
    strace -f -e trace=pwrite64 -o "$tmp/strace" "$WR" 0x20 1 2 0x33
    got=$(grep -o 'pwrite64([0-9]*, "[^"]*", 8, 32)' "$tmp/strace" | sed 's/.*, "\(.*\)", 8.*/\1/' | tr '\n' ' ')
    check "wrmsr writes each value in turn (strace: $got)" test "$got" = \
        '\1\0\0\0\0\0\0\0 \2\0\0\0\0\0\0\0 3\0\0\0\0\0\0\0 '
else
    skip "wrmsr writes each value in turn" "strace is not installed"
fi
t "wrmsr -a 0x100 0xabc" 0 "" "" "$WR" -a 0x100 0xabc
all=$(for c in 0 1 2 3 5 10 12; do get "$tmp/cpu" $c 0x100; echo; done | sort -u)
check "wrmsr -a wrote every CPU" test "$all" = bc0a000000000000
t "wrmsr -a skips a CPU giving ENXIO (seam)" 0 "" "" env MSR_FAKE_ENXIO=5 "$TWR" -a 0x108 -- -1
check "wrmsr -a: CPU 5 (ENXIO) unchanged, CPU 12 written" \
    test "$(get "$tmp/cpu" 5 0x108):$(get "$tmp/cpu" 12 0x108)" = 0000000000000000:ffffffffffffffff
t "wrmsr 0x110 1 bogus: invalid value, nothing written" 127 "" \
    $'wrmsr: invalid value \'bogus\' (a number below 2^64)\n' "$WR" 0x110 1 bogus
check "wrmsr with an invalid value wrote nothing" test "$(get "$tmp/cpu" 0 0x110)" = 0000000000000000
t "wrmsr 0x110 0x10000000000000000: above 2^64" 127 "" \
    $'wrmsr: invalid value \'0x10000000000000000\' (a number below 2^64)\n' "$WR" 0x110 0x10000000000000000
t "wrmsr 0x110 '': empty value" 127 "" $'wrmsr: invalid value \'\' (a number below 2^64)\n' "$WR" 0x110 ''

# --- root only: a real ENXIO, and Debian's msr-tools as the reference -------------
enxio=$tmp/enxio
mktree "$enxio"; rm -f "$enxio/5/msr"
if [ "$(id -u)" = 0 ] && mknod "$enxio/5/msr" c 63 0 2>/dev/null &&
    ! (: <"$enxio/5/msr") 2>"$tmp/err" && grep -q "No such device or address" "$tmp/err"; then
    t "rdmsr -a skips a real ENXIO node (char device 63:0)" 0 $'1000\n1001\n1002\n1003\n100a\n100c\n' "" \
        env MSR_CPU_DIR="$enxio" "$RD" -a 0xe7
    t "rdmsr -p 5 on a real ENXIO node: No CPU 5" 2 "" $'rdmsr: No CPU 5\n' \
        env MSR_CPU_DIR="$enxio" "$RD" -p 5 0xe7
else
    skip "rdmsr -a skips a real ENXIO node" "needs root and an unbound character device (63:0)"
    skip "rdmsr -p 5 on a real ENXIO node" "needs root and an unbound character device (63:0)"
fi

deb=""
if [ "$(id -u)" != 0 ]; then
    why="needs root (a private mount namespace, or the msr driver)"
elif [ -n "${MSR_TOOLS_DEB:-}" ]; then
    deb=$MSR_TOOLS_DEB
elif (cd "$tmp" && apt-get download msr-tools >/dev/null 2>&1); then
    deb=$(ls "$tmp"/msr-tools_*.deb)
else
    why="apt-get download msr-tools failed"
fi
if [ -n "$deb" ] && dpkg-deb -x "$deb" "$tmp/deb" 2>"$tmp/err"; then
    ver=$(dpkg-deb -f "$deb" Version)
elif [ -n "$deb" ]; then
    why="dpkg-deb -x failed: $(cat "$tmp/err")"; deb=""
fi

# runall BINDIR DIR < CASES: for each line (words: tool, then its arguments), "== case",
# the exit code, stdout (od -c) and stderr of BINDIR/tool run with argv[0] = tool, and
# /dev/cpu = DIR: Debian's tools see DIR bound on /dev/cpu in one private mount namespace
# (none when DIR is empty: the real one), ours get MSR_CPU_DIR. Our usage's two extra lines
# are left out.
cat >"$tmp/runall.sh" <<'EOF'
bindir=$1 tmp=$2
while read -ra a; do
    rc=0; tool=${a[0]}
    (exec -a "$tool" "$bindir/$tool" "${a[@]:1}") >"$tmp/r-out" 2>"$tmp/r-err" </dev/null || rc=$?
    echo "== ${a[*]}"; echo "exit $rc"; od -An -c "$tmp/r-out"
    grep -av -e '^  --list' -e '^Environment: MSR_CPU_DIR' "$tmp/r-err" || true
done
EOF
# runall BINDIR [FAKE-DEV-CPU]: Debian's tools see a fake tree only at /dev/cpu, bound in a
# private mount namespace (mount -n: no /run/mount/utab, which would leave /run/mount on
# the host)
runall() { local bindir=$1 d=$2
    if [ "$bindir" = "$BIN" ]; then MSR_CPU_DIR=${d:-/dev/cpu} bash "$tmp/runall.sh" "$bindir" "$tmp"
    elif [ -z "$d" ]; then bash "$tmp/runall.sh" "$bindir" "$tmp"
    else unshare -m sh -c 'mount -n --bind "$0" /dev/cpu && exec bash "$@"' "$d" "$tmp/runall.sh" "$bindir" "$tmp"
    fi
}
# same DIR DESC CASES...: Debian's tools and ours give the same result for each case
same() { local d=$1 desc=$2; shift 2
    printf '%s\n' "$@" >"$tmp/cases"
    runall "$tmp/deb/usr/sbin" "$d" <"$tmp/cases" >"$tmp/theirs"
    runall "$BIN" "$d" <"$tmp/cases" >"$tmp/ours"
    if cmp -s "$tmp/theirs" "$tmp/ours"; then ok "$desc ($# cases)"
    else not_ok "$desc" "$(diff -U3 "$tmp/theirs" "$tmp/ours" | head -40)"; fi
}

if [ -n "$deb" ] && unshare -m true 2>/dev/null && [ -d /dev/cpu ]; then
    fmts=()
    for f in "" -f63:0 -f15:0 -f7:4 -f0:0 -f63:63 -f62:1 -f31:0 -f32:0 -f63:32; do
        for m in "" -x -X -d -u -o -r; do
            for z in "" -c -0 -c0; do fmts+=("$m $z $f"); done
        done
    done
    cmpd=$tmp/cmp; cp -a "$tmp/cpu" "$cmpd"; rm -rf "$cmpd/5"  # as the driver: no node, no CPU
    for reg in 0x10 0x28 0x35; do
        cases=(); for f in "${fmts[@]}"; do cases+=("rdmsr $f $reg"); done
        same "$cmpd" "Debian's rdmsr $ver and ours agree on fake $reg in every format" "${cases[@]}"
    done
    same "$cmpd" "Debian's msr-tools $ver and ours agree on options and usage errors" \
        "rdmsr -p 2 0x28" "rdmsr --cpu=3 -X 0x28" "rdmsr -xp1 0x1b" "rdmsr 0x1b -c" "rdmsr --c-l 0x1b" \
        "rdmsr --s 0x10" "rdmsr --de 0x10" "rdmsr --zero 0x35" "rdmsr --hex 0x35" "rdmsr --bitfield=7:0 0x28" \
        "rdmsr -f 3:2x 0x35" "rdmsr -f +3:+0 0x35" "rdmsr -f 64:0 0x35" "rdmsr -f 3:5 0x35" "rdmsr -f 3 0x35" \
        "rdmsr -f -1:0 0x35" "rdmsr -p 3x 0x35" "rdmsr -p -1 0x35" "rdmsr -p 0x2 0x28" "rdmsr 033" "rdmsr 0X1b" \
        "rdmsr -h" "rdmsr --help" "rdmsr -V" "rdmsr --ver" "rdmsr" "rdmsr 1 2" "rdmsr -q 0x35" "rdmsr --bogus 0x35" \
        "rdmsr 0x35 -p" "rdmsr 0x35 --cpu" "rdmsr --all=1 0x35" "rdmsr --c 0x35" "rdmsr --he" "rdmsr -x- 0x35" \
        "rdmsr - 0x35" "rdmsr 0x35 -- -x" "rdmsr -V -q" "rdmsr -q -V" "rdmsr -p 3 0x802" "rdmsr 0xffffffff" \
        "rdmsr -p 3 0x28" "rdmsr -p 2 -a 0x35 -p 1" \
        "wrmsr -h" "wrmsr -V" "wrmsr" "wrmsr 1" "wrmsr -q 1 2" "wrmsr -x 1 2" "wrmsr --c 1 2" "wrmsr -p" \
        "wrmsr --cpu" "wrmsr --all=1 1 2" "wrmsr -p 3 0x50 1" "wrmsr -p 3x 0x50 1"
    # writes: the same bytes land in the same places
    cp -a "$cmpd" "$tmp/w1"; cp -a "$cmpd" "$tmp/w2"
    printf '%s\n' "wrmsr 0x60 0x1122334455667788" "wrmsr -p 3 0x68 1 2 0xfffffffffffffff0" \
        "wrmsr 0xc0000103 7" "wrmsr -p 10 0x70 -1" >"$tmp/cases"
    runall "$tmp/deb/usr/sbin" "$tmp/w1" <"$tmp/cases" >/dev/null
    runall "$BIN" "$tmp/w2" <"$tmp/cases" >/dev/null
    diffs=$(for c in 0 1 2 3 10 12; do for r in 0x58 0x60 0x68 0x70 0xc0000103; do
        [ "$(get "$tmp/w1" $c $r)" = "$(get "$tmp/w2" $c $r)" ] || echo "CPU $c MSR $r"; done; done)
    check "Debian's wrmsr $ver and ours write the same bytes${diffs:+: differ: $diffs}" test -z "$diffs"
else
    for x in "rdmsr formats" "options and usage errors" "wrmsr writes"; do
        skip "Debian's msr-tools and ours agree on the fake tree: $x" "${why:-no private mount namespace (unshare -m) or no /dev/cpu}"
    done
fi

[ -e /dev/cpu/0/msr ] || { [ "$(id -u)" = 0 ] && modprobe msr 2>/dev/null; } || true
if [ -n "$deb" ] && [ -r /dev/cpu/0/msr ]; then
    cases=()
    for reg in 0x1b 0xc0000080 0xdeadbeef; do
        for f in "" -X -d -u -o -c0 "-f 11:8" "-c -0 -o -f 15:0"; do cases+=("rdmsr $f $reg"); done
    done
    same "" "Debian's rdmsr $ver and ours agree on the real /dev/cpu/0/msr" "${cases[@]}"
else
    skip "Debian's rdmsr and ours agree on the real /dev/cpu/0/msr" \
        "${why:-no /dev/cpu/0/msr: the msr driver is not loaded and modprobe msr failed}"
fi

tap_done
