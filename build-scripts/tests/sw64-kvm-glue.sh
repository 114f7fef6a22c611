#!/bin/bash
# Compile target/sw64/kvm.c with CONFIG_KVM against linux-headers/asm-sw64 on
# this (non-sw_64) host, the way a sw_64 host build would, and check that the
# sw64 <asm/kvm.h> really was the one used.
#
# Usage: sw64-kvm-glue.sh BUILD_DIR
#
#   BUILD_DIR  a configured build with the sw64-softmmu target; its
#              compile_commands.json must list target/sw64/cpu.c (the
#              compile command of that file is reused, so the generated
#              headers it needs must exist: config-target.h, qapi, trace)
#
# What it does, in a temporary directory (BUILD_DIR is only read):
#   - takes the command compiling target/sw64/cpu.c into libqemu-sw64-softmmu,
#     keeps its flags (and -Werror), adds -DCONFIG_KVM and puts FIRST an
#     include directory whose "asm" links to <qemu>/linux-headers/asm-sw64,
#     so <linux/kvm.h> gets <asm/kvm.h> from asm-sw64 instead of the host's;
#   - compiles target/sw64/kvm.c with it, and checks in the dependency list
#     that every asm/kvm.h read is linux-headers/asm-sw64/kvm.h;
#   - compiles an assertion file (#error/_Static_assert) that fails unless
#     KVM_SW64_VCPU_INIT & co. come from the sw64 header and the register
#     block layouts, ioctl numbers and IRQ numbers are the ABI's, and that
#     the header holds nothing that is not kernel ABI (the start PCs);
#   - compiles accel/kvm/kvm-all.c and kvm-accel-ops.c the same way and
#     checks that kvm.c defines every kvm_arch_* function they call.
# Prints "ok: target/sw64/kvm.c compiles against linux-headers/asm-sw64"
# and exits 0, or prints the compiler errors / failed check and exits 1.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
want_help "${1:-}"
[ $# -eq 1 ] || { usage >&2; exit 2; }

BUILD_DIR=$(cd "$1" 2>/dev/null && pwd) || die "no build directory '$1'"
CCJSON=$BUILD_DIR/compile_commands.json
[ -f "$CCJSON" ] || die "$CCJSON not found (configure the build first)"
command -v python3 >/dev/null || die "python3 is needed to read $CCJSON"
command -v nm >/dev/null || die "nm (binutils) is needed"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/sw64-kvm-glue.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# Extract the cpu.c entry: directory, source tree, and the flags with the
# compiler first, one per line in $TMP/flags (NUL-separated).
python3 - "$CCJSON" "$TMP" <<'EOF' || exit 1
import json, os, shlex, sys

ccjson, tmp = sys.argv[1], sys.argv[2]
with open(ccjson) as f:
    entries = json.load(f)
want = os.path.join("target", "sw64", "cpu.c")
entry = None
for e in entries:
    if (e["file"].endswith("/" + want) and
            e.get("output", "").startswith("libqemu-sw64-softmmu")):
        entry = e
        break
if entry is None:
    sys.exit("%s: no compile command for %s into libqemu-sw64-softmmu "
             "(is sw64-softmmu among the configured targets?)"
             % (ccjson, want))

directory = entry["directory"]
src = os.path.normpath(os.path.join(directory, entry["file"]))
srcdir = src[:-len(want)].rstrip("/")
argv = (entry["arguments"] if "arguments" in entry
        else shlex.split(entry["command"]))

# Drop a compiler launcher, dependency/output/source arguments.
if os.path.basename(argv[0]) in ("ccache", "sccache", "distcc"):
    argv = argv[1:]
out, skip = [], False
for a in argv:
    if skip:
        skip = False
        continue
    if a in ("-MD", "-MMD", "-c"):
        continue
    if a in ("-MQ", "-MT", "-MF", "-o"):
        skip = True
        continue
    if os.path.normpath(os.path.join(directory, a)) == src:
        continue
    out.append(a)
if "-Werror" not in out:
    out.append("-Werror")

with open(os.path.join(tmp, "directory"), "w") as f:
    f.write(directory)
with open(os.path.join(tmp, "srcdir"), "w") as f:
    f.write(srcdir)
with open(os.path.join(tmp, "flags"), "w") as f:
    f.write("\0".join(out))
EOF

DIR=$(cat "$TMP/directory")
SRC=$(cat "$TMP/srcdir")
mapfile -d '' FLAGS < "$TMP/flags"
CC=${FLAGS[0]}
FLAGS=("${FLAGS[@]:1}")
ASM_SW64=$SRC/linux-headers/asm-sw64
[ -f "$ASM_SW64/kvm.h" ] || die "$ASM_SW64/kvm.h not found"
[ -f "$SRC/target/sw64/kvm.c" ] || die "$SRC/target/sw64/kvm.c not found"

mkdir "$TMP/inc"
ln -s "$ASM_SW64" "$TMP/inc/asm"

# compile SOURCE OBJECT [NAME]: the cpu.c command rewritten for SOURCE.
compile() {
    (cd "$DIR" &&
     "$CC" -I "$TMP/inc" "${FLAGS[@]}" -DCONFIG_KVM \
         -MD -MF "$2.d" -o "$2" -c "$1") > "$TMP/log" 2>&1 || {
        cat "$TMP/log"
        printf '%s: FAILED: %s does not compile against linux-headers/asm-sw64\n' \
            "$PROG" "${3:-${1#"$SRC"/}}" >&2
        exit 1
    }
    # warnings are errors already; anything else printed is worth seeing
    cat "$TMP/log"
}

# check_asm_kvm DEPFILE WHAT: every asm/kvm.h read must be asm-sw64's.
check_asm_kvm() {
    local f n=0 want
    want=$(realpath "$ASM_SW64/kvm.h")
    # make-style list of paths without blanks: split it into words
    # shellcheck disable=SC2013
    for f in $(sed -e 's/\\$//' -e 's/^[^:]*://' "$1"); do
        case "$f" in
        */asm/kvm.h|*/asm-*/kvm.h) ;;
        *) continue ;;
        esac
        if [ "$(cd "$DIR" && realpath "$f")" != "$want" ]; then
            printf '%s: FAILED: %s read %s, not linux-headers/asm-sw64/kvm.h\n' \
                "$PROG" "$2" "$f" >&2
            exit 1
        fi
        n=$((n + 1))
    done
    if [ "$n" -eq 0 ]; then
        printf '%s: FAILED: %s did not read <asm/kvm.h> at all\n' \
            "$PROG" "$2" >&2
        exit 1
    fi
}

# 1. kvm.c itself
compile "$SRC/target/sw64/kvm.c" "$TMP/kvm.o"
check_asm_kvm "$TMP/kvm.o.d" target/sw64/kvm.c

# 2. the ABI as the notes give it, checked against what <linux/kvm.h> got
cat > "$TMP/abi-check.c" <<'EOF'
#include "qemu/osdep.h"
#include <linux/kvm.h>
#include <asm/bitsperlong.h>
#include <linux/mman.h>
#include <asm/unistd.h>

#if !defined(_ASM_SW64_KVM_H) || !defined(KVM_SW64_VCPU_INIT)
#error "<asm/kvm.h> is not linux-headers/asm-sw64/kvm.h"
#endif
#if defined(__KVM_HAVE_PIT) || defined(KVM_GUESTDBG_USE_SW_BP)
#error "another architecture's <asm/kvm.h> was included as well"
#endif

#define W 8 /* bytes per register word */
#define IOC_OK(req, nr) \
    (_IOC_TYPE(req) == KVMIO && _IOC_NR(req) == (nr) && \
     _IOC_DIR(req) == _IOC_NONE && _IOC_SIZE(req) == 0)

_Static_assert(IOC_OK(KVM_SW64_VCPU_INIT, 0xba), "KVM_SW64_VCPU_INIT");
_Static_assert(IOC_OK(KVM_SW64_USE_SLAVE, 0xbb), "KVM_SW64_USE_SLAVE");
_Static_assert(IOC_OK(KVM_SW64_GET_VCB, 0xbc), "KVM_SW64_GET_VCB");
_Static_assert(IOC_OK(KVM_SW64_SET_VCB, 0xbd), "KVM_SW64_SET_VCB");

/* core3: r0-r15 r19-r28 (27), fpcr, fp[124], ps, pc, gp, r16, r17, r18 */
_Static_assert(offsetof(struct kvm_regs_core3, fpcr) == 27 * W, "c3 fpcr");
_Static_assert(offsetof(struct kvm_regs_core3, fp) == 28 * W, "c3 fp");
_Static_assert(offsetof(struct kvm_regs_core3, ps) == 152 * W, "c3 ps");
_Static_assert(offsetof(struct kvm_regs_core3, pc) == 153 * W, "c3 pc");
_Static_assert(offsetof(struct kvm_regs_core3, gp) == 154 * W, "c3 gp");
_Static_assert(offsetof(struct kvm_regs_core3, r16) == 155 * W, "c3 r16");
_Static_assert(offsetof(struct kvm_regs_core3, r18) == 157 * W, "c3 r18");
_Static_assert(sizeof(struct kvm_regs_core3) == 158 * W, "c3 size");
/* core4: r[31], fpcr, fp[124], ps, pc */
_Static_assert(offsetof(struct kvm_regs_core4, fpcr) == 31 * W, "c4 fpcr");
_Static_assert(offsetof(struct kvm_regs_core4, fp) == 32 * W, "c4 fp");
_Static_assert(offsetof(struct kvm_regs_core4, ps) == 156 * W, "c4 ps");
_Static_assert(offsetof(struct kvm_regs_core4, pc) == 157 * W, "c4 pc");
_Static_assert(sizeof(struct kvm_regs_core4) == 158 * W, "c4 size");
/* one struct kvm_regs for KVM_GET_REGS/KVM_SET_REGS, same size */
_Static_assert(sizeof(struct kvm_regs) == 158 * W, "kvm_regs size");
_Static_assert(_IOC_SIZE(KVM_GET_REGS) == 158 * W, "KVM_GET_REGS size");
_Static_assert(_IOC_SIZE(KVM_SET_REGS) == 158 * W, "KVM_SET_REGS size");

_Static_assert(SWVM_IRQS == 256, "SWVM_IRQS");
_Static_assert(KVM_SW64_IRQ_IPI == 27, "IPI");
_Static_assert(KVM_SW64_IRQ_TIMER == 9, "timer");
/* where a vCPU starts is the board's firmware's, not kernel ABI */
#if defined(KVM_SW64_CORE3_INIT_PC) || defined(KVM_SW64_CORE4_INIT_PC)
#error "the vCPU start PCs are not kernel ABI: they belong to hw/sw64"
#endif
_Static_assert(__BITS_PER_LONG == 64, "__BITS_PER_LONG");
EOF
compile "$TMP/abi-check.c" "$TMP/abi-check.o" "the ABI check"
check_asm_kvm "$TMP/abi-check.o.d" "the ABI check"

# 3. every kvm_arch_* hook the generic KVM code calls is defined by kvm.c
for f in accel/kvm/kvm-all.c accel/kvm/kvm-accel-ops.c; do
    compile "$SRC/$f" "$TMP/$(basename "$f" .c).o"
done
nm -u "$TMP/kvm-all.o" "$TMP/kvm-accel-ops.o" |
    awk '$1 == "U" && $2 ~ /^kvm_arch_/ { print $2 }' | sort -u \
    > "$TMP/needed"
nm --defined-only "$TMP/kvm.o" |
    awk '$3 ~ /^kvm_arch_/ { print $3 }' | sort -u > "$TMP/defined"
missing=$(comm -23 "$TMP/needed" "$TMP/defined")
if [ -n "$missing" ]; then
    printf '%s: FAILED: target/sw64/kvm.c does not define:\n%s\n' \
        "$PROG" "$missing" >&2
    exit 1
fi

echo "ok: target/sw64/kvm.c compiles against linux-headers/asm-sw64"
