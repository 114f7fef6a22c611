#!/bin/bash
# Build the initramfs of a Linux test guest (called by guest-tools/linux/Makefile).
#
# Usage: guest-tools/linux/mkinitramfs.sh ARCH ROOT OUT "MODULES" [BIN...]
#
#   ARCH     x86_64 or aarch64: the tests are tests/common/*.sh and tests/ARCH/*.sh
#   ROOT     the unpacked packages: bin/busybox, lib/modules/<version>/...
#   OUT      the gzip-compressed newc cpio to write
#   MODULES  kernel modules relative to lib/modules/<version>/, loaded by /init in order
#            (.ko, or .ko.xz/.ko.zst, which are decompressed here)
#   BIN      static programs to put in /bin
set -euo pipefail
. "$(dirname "$0")/../../build-scripts/lib.sh"
want_help "${1:-}"
[ $# -ge 4 ] || { usage >&2; exit 2; }
ARCH=$1 PKGROOT=$2 OUT=$3 MODULES=$4
shift 4
HERE=$(cd "$(dirname "$0")" && pwd)

STAGE="$OUT.d"
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,sbin,dev,proc,sys,tmp,lib/modules,tests}
[ -x "$PKGROOT/bin/busybox" ] || die "no busybox in $PKGROOT/bin"
cp "$PKGROOT/bin/busybox" "$STAGE/bin/busybox"
install -m 755 "$HERE/init" "$STAGE/init"
install -m 644 "$HERE/kvmport.sh" "$STAGE/lib/kvmport.sh"
for t in "$HERE/tests/common"/*.sh "$HERE/tests/$ARCH"/*.sh; do
    [ -e "$t" ] && install -m 755 "$t" "$STAGE/tests/"
done
for b in "$@"; do
    [ -x "$b" ] || die "$b is missing or not executable"
    if file -b "$b" 2>/dev/null | grep -q 'dynamically linked'; then
        die "$b is dynamically linked; the guest has no libc"
    fi
    install -m 755 "$b" "$STAGE/bin/"
done
: >"$STAGE/lib/modules/load"
for m in $MODULES; do
    set -- "$PKGROOT"/lib/modules/*/"$m"*
    [ -e "$1" ] || die "module $m is not in the kernel package"
    name=$(basename "$m")
    copy_module "$1" "$STAGE/lib/modules/$name"
    echo "$name" >>"$STAGE/lib/modules/load"
done
tests=$(cd "$STAGE/tests" && echo *.sh)
# No /dev/console node (that would need root): /init reopens it after mounting devtmpfs.
(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible) >"$OUT.cpio"
gzip -9n <"$OUT.cpio" >"$OUT.tmp"
rm -rf "$STAGE" "$OUT.cpio"
mv "$OUT.tmp" "$OUT"
step "initramfs $ARCH: $OUT ($(du -k "$OUT" | cut -f1) KiB; tests: $tests)"
