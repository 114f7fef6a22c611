#!/bin/bash
# Build the L1 initramfs of the nested-KVM rig (called by guest-tools/rig/Makefile).
#
# Usage: guest-tools/rig/mkrig.sh OUT QEMU BASE KERNEL-DEB BAREMETAL-DIR LINUX-DIR QTEST-DIR
#                                 KVM-PPIN-DIR
#
#   OUT            the gzip-compressed newc cpio to write; OUT.sha256 gets the sha256 of
#                  QEMU and of the qtests as built (run-guest.py refuses a rig whose
#                  binaries are not the host's)
#   QEMU           the installed qemu-system-x86_64 (PREFIX/bin): copied, stripped, with
#                  the shared libraries it loads, the x86 option ROMs of PREFIX/share/qemu,
#                  SeaBIOS's images and iPXE's efi-*.rom from where QEMU finds them (-L help:
#                  the qtests start machines with their default VGA and NIC)
#   BASE           the x86_64 guest initramfs (guest-tools/linux): /init, busybox,
#                  rdmsr/wrmsr, msr.ko; this directory's rig.sh is added as /tests/rig.sh
#   KERNEL-DEB     Debian's kernel package the guests boot: its KVM modules are loaded
#                  into the same kernel in L1 (irqbypass, ccp, kvm, kvm-amd: TCG's
#                  -cpu max is an AMD CPU with SVM and nested paging) and qemu_fw_cfg
#   BAREMETAL-DIR  the bare-metal test guests (*.elf), for L2
#   LINUX-DIR      the x86_64 Linux guest (x86_64/vmlinuz, x86_64/initramfs.cpio.gz), for L2
#   QTEST-DIR      the build's tests/qtest: the qtests that need KVM (listed in this
#                  directory's qtests file) go to /rig/qtest, run in L1 by check.sh
#   KVM-PPIN-DIR   kvm.ko and kvm-amd.ko of patches/linux (kvm-modules.sh): in
#                  /lib/modules/kvm-ppin, loaded instead of Debian's when L1 boots with
#                  kvmport.modules=kvm-ppin (run-guest.py --rig-kvm ppin)
#
# In L1 everything L2 needs is under /rig: bin/qemu-system-x86_64, share/qemu (found from
# the binary's prefix), share/kvmport/guest-tools/{baremetal,linux/x86_64}; L1 boots with
# kvmport.test=rig and runs the command the host passes in fw_cfg (rig.sh).
set -euo pipefail
. "$(dirname "$0")/../../build-scripts/lib.sh"
want_help "${1:-}"
[ $# -eq 8 ] || { usage >&2; exit 2; }
OUT=$(realpath -m "$1") QEMU=$(realpath -m "$2") BASE=$(realpath -m "$3")
DEB=$(realpath -m "$4") BM=$(realpath -m "$5") LNX=$(realpath -m "$6") QT=$(realpath -m "$7")
PPIN=$(realpath -m "$8")
QTESTS=$(sed -n 's/^\([^# ][^ ]*\).*/\1/p' "$(dirname "$0")/qtests")
[ -n "$QTESTS" ] || die "no qtests in $(dirname "$0")/qtests"
for f in "$QEMU" "$BASE" "$DEB" "$LNX/x86_64/vmlinuz" "$LNX/x86_64/initramfs.cpio.gz" \
         "$PPIN/kvm.ko" "$PPIN/kvm-amd.ko" \
         $(for t in $QTESTS; do echo "$QT/$t"; done); do
    [ -e "$f" ] || die "$f is missing"
done
DATA=$(dirname "$(dirname "$QEMU")")/share/qemu

STAGE="$OUT.d"
rm -rf "$STAGE"
mkdir -p "$STAGE"
(cd "$STAGE" && gzip -dc "$BASE" | cpio --quiet -id)
install -m 755 "$(dirname "$0")/rig.sh" "$STAGE/tests/rig.sh"

# KVM modules, loaded before the base image's (msr.ko)
KVM_MODULES="kernel/virt/lib/irqbypass.ko kernel/drivers/crypto/ccp/ccp.ko
    kernel/arch/x86/kvm/kvm.ko kernel/arch/x86/kvm/kvm-amd.ko
    kernel/drivers/firmware/qemu_fw_cfg.ko"
tmp="$STAGE.deb"
rm -rf "$tmp" && mkdir -p "$tmp"
patterns=()
for m in $KVM_MODULES; do patterns+=("./lib/modules/*/$m*"); done
dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$tmp" --wildcards "${patterns[@]}"
load=""
for m in $KVM_MODULES; do
    set -- "$tmp"/lib/modules/*/"$m"*
    [ -e "$1" ] || die "module $m is not in $DEB"
    name=$(basename "$m")
    copy_module "$1" "$STAGE/lib/modules/$name"
    load+="$name"$'\n'
done
rm -rf "$tmp"
# patches/linux's build of the same two (kvm-amd.ko needs the kvm.ko it was built with)
mkdir -p "$STAGE/lib/modules/kvm-ppin"
cp "$PPIN/kvm.ko" "$PPIN/kvm-amd.ko" "$STAGE/lib/modules/kvm-ppin/"
{ printf '%s' "$load"; cat "$STAGE/lib/modules/load"; } >"$STAGE/lib/modules/load.new"
mv "$STAGE/lib/modules/load.new" "$STAGE/lib/modules/load"

# QEMU, its shared libraries (same paths as here) and the firmware it loads for the
# guests of guest-tools (-M pc/q35: bios-256k.bin, kvmvapic.bin; -kernel: linuxboot_dma.bin
# or multiboot_dma.bin)
R="$STAGE/rig"
mkdir -p "$R/bin" "$R/share/qemu"
strip --strip-unneeded -o "$R/bin/qemu-system-x86_64" "$QEMU"
deps=$(ldd "$QEMU" $(for t in $QTESTS; do echo "$QT/$t"; done)) || die "ldd failed"
! grep -q 'not found' <<<"$deps" || die "libraries not found: $(grep 'not found' <<<"$deps")"
for lib in $(awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' <<<"$deps" | sort -u); do
    mkdir -p "$STAGE$(dirname "$lib")"
    cp -L "$lib" "$STAGE$lib"
done
for rom in kvmvapic.bin linuxboot_dma.bin linuxboot.bin multiboot_dma.bin multiboot.bin pvh.bin; do
    cp "$DATA/$rom" "$R/share/qemu/"
done
bios="" ipxe=""
for d in $("$QEMU" -L help); do
    [ -z "$bios" ] && [ -f "$d/bios-256k.bin" ] && bios=$d
    [ -z "$ipxe" ] && [ -f "$d/efi-e1000.rom" ] && ipxe=$d
done
[ -n "$bios" ] || die "no bios-256k.bin in the directories of $QEMU -L help (seabios)"
[ -n "$ipxe" ] || die "no efi-e1000.rom in the directories of $QEMU -L help (ipxe-qemu)"
mkdir -p "$STAGE$bios" "$STAGE$ipxe"
cp "$bios"/*.bin "$STAGE$bios/"
cp "$ipxe"/efi-*.rom "$STAGE$ipxe/"

mkdir -p "$R/qtest/stack"
for t in $QTESTS; do
    strip --strip-unneeded -o "$R/qtest/$t" "$QT/$t"
done

GT="$R/share/kvmport/guest-tools"
mkdir -p "$GT/baremetal" "$GT/linux/x86_64"
cp "$BM"/*.elf "$GT/baremetal/"
cp "$LNX/x86_64/vmlinuz" "$LNX/x86_64/initramfs.cpio.gz" "$GT/linux/x86_64/"

(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -6n >"$OUT.tmp"
rm -rf "$STAGE"
sha256sum "$QEMU" $(for t in $QTESTS; do echo "$QT/$t"; done) >"$OUT.sha256"
mv "$OUT.tmp" "$OUT"
step "rig: $OUT ($(du -k "$OUT" | cut -f1) KiB; L1 modules: $(echo $load);" \
    "kvm-ppin: kvm.ko kvm-amd.ko)"
