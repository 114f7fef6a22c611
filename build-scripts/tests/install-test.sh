#!/bin/bash
# Installed binaries (TAP): they name the stack, and find Debian's firmware and the
# option ROMs built from source without -L.
#
# Usage: build-scripts/tests/install-test.sh      (after `make`; PREFIX as for the build)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
want_help "${1:-}"
. "$SCRIPTS/tests/tap.sh"

want_id=$(cat "$BUILD_DIR/stack-id")
for arch in x86_64 aarch64; do
    bin="$PREFIX/bin/qemu-system-$arch"
    if [ ! -x "$bin" ]; then not_ok "$bin is installed"; continue; fi
    out=$("$bin" --version | head -n1)
    check "qemu-system-$arch --version names the stack: $out" \
        test "$out" = "QEMU emulator version $QEMU_VERSION ($want_id)"
done

x86="$PREFIX/bin/qemu-system-x86_64"
arm="$PREFIX/bin/qemu-system-aarch64"
# start BIN ARGS...: start paused, then quit over QMP; fails if start-up fails.
start() {
    local bin=$1; shift
    echo '{"execute":"qmp_capabilities"} {"execute":"quit"}' |
        timeout 30 "$bin" -display none -S -qmp stdio "$@" >"$tmp_out" 2>&1
}
tmp_out=$(mktemp)
trap 'rm -f "$tmp_out"' EXIT

for d in /usr/share/seabios /usr/lib/ipxe/qemu /usr/share/qemu-efi-aarch64 "$PREFIX/share/qemu"; do
    check "-L help lists $d" grep -qx "$d" < <("$x86" -L help)
done
check "pc machine starts with SeaBIOS, VGA BIOS and e1000 iPXE ROM from Debian" \
    start "$x86" -M pc -nic user,model=e1000
check "q35 machine starts with virtio-net iPXE ROM from Debian" \
    start "$x86" -M q35 -nic user,model=virtio-net-pci
for rom in linuxboot_dma.bin linuxboot.bin multiboot_dma.bin kvmvapic.bin pvh.bin; do
    check "option ROM $rom built from source is installed and found" \
        start "$x86" -M pc -nodefaults -option-rom "$rom"
done
check "aarch64 virt starts with -bios QEMU_EFI.fd from qemu-efi-aarch64" \
    start "$arm" -M virt -cpu max -bios QEMU_EFI.fd
# The control: without the search path the same ROM is not found.
if start "$x86" -M pc -nodefaults -L /nonexistent -option-rom no-such-rom.bin; then
    not_ok "a ROM that exists nowhere fails start-up (control)"
else
    ok "a ROM that exists nowhere fails start-up (control)"
fi
tap_done
