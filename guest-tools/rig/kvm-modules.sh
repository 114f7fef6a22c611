#!/bin/bash
# Build the KVM modules of patches/linux (KVM_CAP_PPIN) for Debian's stock kernel, out of
# tree, with Debian's configuration and symbol versions (called by guest-tools/rig/Makefile).
#
# Usage: guest-tools/rig/kvm-modules.sh OUT-DIR KERNEL-DEB
#
#   KERNEL-DEB  Debian's kernel image package the guests and L1 boot
#               (linux-image-<abi>-amd64); its headers, kbuild and source packages are
#               fetched at the same version (guest-tools/linux/fetch-debs.sh --kbuild,
#               cached under cache/guest-linux/debs)
#   OUT-DIR     gets kvm.ko, kvm-amd.ko and kvm-intel.ko (debug info stripped), and
#               checkpatch/: the kernel's scripts/checkpatch.pl with its data files, for
#               check.sh stack; replaced only once a build succeeds
#
# Only arch/x86/kvm and virt/kvm are taken from linux-source-<M.m>; the patches of
# patches/linux/series are applied to them and to the headers they change with
# patch -p1 -F0 (no fuzz). The modules are built against the headers package
# (make M=...), so they carry Debian's vermagic (checked against the stock kvm.ko) and
# the CRCs of the stock kernel's symbols (its Module.symvers) and load into the stock
# kernel, unsigned (the kernel is tainted "OE"; refused where lockdown is on, e.g.
# under EFI Secure Boot). kvm.ko, kvm-amd.ko and kvm-intel.ko replace Debian's together:
# kvm.ko's own exports change (struct kvm_vcpu grows), so Debian's kvm-amd, kvm-intel and
# kvmgt refuse it. kvm-intel.ko is built but only kvm-amd.ko runs in the rig (TCG has
# no VMX).
set -euo pipefail
. "$(dirname "$0")/../../build-scripts/lib.sh"
. "$SCRIPTS/stack.sh"
want_help "${1:-}"
[ $# -eq 2 ] || { usage >&2; exit 2; }
OUT=$(realpath -m "$1") DEB=$(realpath -m "$2")
[ -f "$DEB" ] || die "$DEB is missing"
LINUX_PATCHES="$PATCHES_DIR/linux"
[ -f "$LINUX_PATCHES/series" ] || die "$LINUX_PATCHES/series is missing"

mapfile -t debs < <("$ROOT/guest-tools/linux/fetch-debs.sh" x86_64 --kbuild)
[ ${#debs[@]} -eq 4 ] || die "fetch-debs.sh --kbuild did not name 4 packages"
pkg=$(dpkg-deb -f "$DEB" Package) ver=$(dpkg-deb -f "$DEB" Version)
for d in "${debs[@]}"; do
    [ "$(dpkg-deb -f "$d" Version)" = "$ver" ] ||
        die "$(basename "$d") is not version $ver of $pkg (the kernel the rig boots)"
done
abi=${pkg#linux-image-}

W="$OUT.work"
rm -rf "$W" "$OUT.tmp"
mkdir -p "$W/root" "$W/src/include/trace" "$W/override/asm" "$W/override/linux"
step "kvm-modules: unpack the headers of $pkg $ver"
for d in "${debs[@]:0:3}"; do dpkg-deb -x "$d" "$W/root"; done
H="$W/root/usr/src/linux-headers-$abi"
[ -f "$H/Makefile" ] || die "no $H/Makefile in $(basename "${debs[0]}")"
# the flavour's Makefile includes the common one by its installed path
sed -i "s|/usr/src/|$W/root/usr/src/|" "$H/Makefile"

step "kvm-modules: arch/x86/kvm, virt/kvm and the headers they patch from linux-source"
src=$(dpkg-deb -c "${debs[3]}" | grep -o '\./usr/src/linux-source-[^/]*\.tar\.xz$') ||
    die "no source tarball in $(basename "${debs[3]}")"
top=$(basename "$src" .tar.xz)
files=(arch/x86/kvm virt/kvm arch/x86/include/asm/kvm_host.h include/uapi/linux/kvm.h
       Documentation/virt/kvm/api.rst scripts/checkpatch.pl scripts/spelling.txt
       scripts/const_structs.checkpatch)
dpkg-deb --fsys-tarfile "${debs[3]}" | tar -xO "$src" |
    tar -xJ -C "$W/src" --strip-components=1 "${files[@]/#/$top/}" ||
    die "cannot extract ${files[*]} from $src of $(basename "${debs[3]}")"

mapfile -t series < <(series_entries "$LINUX_PATCHES/series")
for p in "${series[@]}"; do
    step "kvm-modules: apply linux/$p"
    patch -d "$W/src" -p1 -F0 -N -s --no-backup-if-mismatch <"$LINUX_PATCHES/$p" ||
        die "linux/$p does not apply to $top ($ver) with fuzz 0"
done

# The headers package has neither arch/x86/kvm nor virt/kvm: build in the source subset
# with the patched headers ahead of the package's (NOSTDINC_FLAGS precede LINUXINCLUDE)
cp "$W/src/arch/x86/include/asm/kvm_host.h" "$W/override/asm/"
cp "$W/src/include/uapi/linux/kvm.h" "$W/override/linux/"
K="$W/src/arch/x86/kvm"
sed -e 's|^ccflags-y += -I \$(srctree)/arch/x86/kvm$|# (see Kbuild)|' \
    -e 's|^include \$(srctree)/virt/kvm/Makefile.kvm$|include $(src)/../../../virt/kvm/Makefile.kvm|' \
    "$K/Makefile" >"$K/Makefile.oot"
grep -q 'src)/../../../virt/kvm/Makefile.kvm' "$K/Makefile.oot" ||
    die "arch/x86/kvm/Makefile of $top has changed: cannot build it out of tree"
cat >"$K/Kbuild" <<EOF
NOSTDINC_FLAGS += -I$W/override
ccflags-y += -I\$(src) -I\$(src)/../../../include/trace
KVM := ../../../virt/kvm
include \$(src)/Makefile.oot
EOF

step "kvm-modules: make modules ($(nproc) jobs, about 2 min on 2 cores)"
# not the caller's make variables (guest-tools/Makefile passes O=, the kernel's output dir)
env -u MAKEFLAGS -u MAKEOVERRIDES -u MFLAGS -u MAKELEVEL -u O \
    make -C "$H" M="$K" -j"$(nproc)" modules >"$W/build.log" 2>&1 ||
    { tail -n 30 "$W/build.log" >&2; die "the module build failed ($W/build.log)"; }

# vermagic as the stock modules', or the stock kernel would refuse them (no kmod needed)
vermagic() { tr '\0' '\n' <"$1" | sed -n 's/^vermagic=//p' | head -n1; }
dpkg-deb --fsys-tarfile "$DEB" |
    tar -xO --wildcards './lib/modules/*/kernel/arch/x86/kvm/kvm.ko' >"$W/stock-kvm.ko"
stock=$(vermagic "$W/stock-kvm.ko") && [ -n "$stock" ] ||
    die "no vermagic in $pkg's kvm.ko"
mkdir -p "$OUT.tmp/checkpatch"
for m in kvm kvm-amd kvm-intel; do
    strip --strip-debug -o "$OUT.tmp/$m.ko" "$K/$m.ko"
    magic=$(vermagic "$OUT.tmp/$m.ko")
    [ "$magic" = "$stock" ] ||
        die "$m.ko has vermagic '$magic', $pkg's kvm.ko '$stock'"
done
cp "$W/src/scripts/checkpatch.pl" "$W/src/scripts/spelling.txt" \
    "$W/src/scripts/const_structs.checkpatch" "$OUT.tmp/checkpatch/"
rm -rf "$W" "$OUT"
mv "$OUT.tmp" "$OUT"
step "kvm-modules: $OUT (patches/linux on $top $ver; vermagic ${magic:-?})"
