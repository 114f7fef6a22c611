#!/bin/bash
# Installed binaries (TAP): they name the stack, and find Debian's firmware and the
# option ROMs built from source without -L; the installed guest tools run a guest on them.
#
# Usage: build-scripts/tests/install-test.sh      (after `make`; PREFIX as for the build)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
want_help "${1:-}"
. "$SCRIPTS/tests/tap.sh"

want_id=$(cat "$BUILD_DIR/stack-id")
# the stack's release on its upstream version (qemu.pin), then the revision
check "the build's stack id '$want_id' is release $QEMU_VERSION-$KVMPORT_RELEASE" \
    test "${want_id#"kvmport $QEMU_VERSION-$KVMPORT_RELEASE ("}" != "$want_id"
for arch in x86_64 aarch64 sw64; do
    bin="$PREFIX/bin/qemu-system-$arch"
    if [ ! -x "$bin" ]; then not_ok "$bin is installed"; continue; fi
    out=$("$bin" --version | head -n1)
    check "qemu-system-$arch --version names the stack: $out" \
        test "$out" = "QEMU emulator version $QEMU_VERSION ($want_id)"
done

x86="$PREFIX/bin/qemu-system-x86_64"
arm="$PREFIX/bin/qemu-system-aarch64"
DATA=$(realpath -m "$PREFIX/share/qemu")
tmp_out=$(mktemp)
trap 'rm -f "$tmp_out"' EXIT

# start BIN ARGS...: start paused with the load_file trace on, then quit over QMP.
# Fails if start-up fails; $tmp_out gets "name path" for every file QEMU loaded.
start() {
    local bin=$1; shift
    echo '{"execute":"qmp_capabilities"} {"execute":"quit"}' |
        timeout 30 "$bin" -display none -S -qmp stdio -trace load_file "$@" 2>&1 >/dev/null |
        sed -n 's/^.*load_file name \([^ ]*\) location \(.*\)$/\1 \2/p' >"$tmp_out"
    [ "${PIPESTATUS[1]}" -eq 0 ]
}
# loaded_from NAME DIR: the last start loaded NAME from DIR.
loaded_from() {
    local path
    path=$(awk -v n="$1" '$1 == n { print $2; exit }' "$tmp_out")
    [ -n "$path" ] && [ "$(dirname "$(realpath -m "$path")")" = "$2" ]
}
# starts_loading DESC NAME DIR BIN ARGS...
starts_loading() {
    local desc=$1 name=$2 dir=$3; shift 3
    if ! start "$@"; then not_ok "$desc" "start-up failed: $*"
    elif loaded_from "$name" "$dir"; then ok "$desc"
    else not_ok "$desc" "$name not loaded from $dir; loaded:" "$(cat "$tmp_out")"; fi
}

for d in /usr/share/seabios /usr/lib/ipxe/qemu /usr/share/qemu-efi-aarch64 "$DATA"; do
    check "-L help lists $d" grep -qx "$d" < <("$x86" -L help | xargs -n1 realpath -m)
done
starts_loading "pc: bios-256k.bin from Debian's seabios" bios-256k.bin /usr/share/seabios \
    "$x86" -M pc -nic user,model=e1000
starts_loading "pc: vgabios-stdvga.bin from Debian's seabios" vgabios-stdvga.bin /usr/share/seabios \
    "$x86" -M pc -nic user,model=e1000
starts_loading "pc: efi-e1000.rom from Debian's ipxe-qemu" efi-e1000.rom /usr/lib/ipxe/qemu \
    "$x86" -M pc -nic user,model=e1000
starts_loading "pc: kvmvapic.bin built from source, from $DATA" kvmvapic.bin "$DATA" \
    "$x86" -M pc -nodefaults
starts_loading "q35: efi-virtio.rom from Debian's ipxe-qemu" efi-virtio.rom /usr/lib/ipxe/qemu \
    "$x86" -M q35 -nic user,model=virtio-net-pci
for rom in linuxboot_dma.bin linuxboot.bin multiboot_dma.bin multiboot.bin pvh.bin; do
    starts_loading "option ROM $rom built from source, from $DATA" "$rom" "$DATA" \
        "$x86" -M pc -nodefaults -option-rom "$rom"
done
starts_loading "virt: -bios QEMU_EFI.fd from Debian's qemu-efi-aarch64" QEMU_EFI.fd \
    /usr/share/qemu-efi-aarch64 "$arm" -M virt -cpu max -bios QEMU_EFI.fd
# The control: a firmware file that exists nowhere fails start-up.
if start "$x86" -M pc -nodefaults -bios no-such-bios.bin; then
    not_ok "a BIOS that exists nowhere fails start-up (control)"
else
    ok "a BIOS that exists nowhere fails start-up (control)"
fi

# Firmware descriptors (share/qemu/firmware, docs/interop/firmware.json) are installed
# for the edk2 images the source ships, and only for them (Debian's "+ds" tarball ships
# none): each installed descriptor names files that exist (or libvirt would offer them
# for <os firmware='efi'>), and each installed edk2 code image has a descriptor.
fw=$(python3 - "$DATA" <<'PY'
import glob, json, os, sys
data = sys.argv[1]
named, bad = set(), []
for path in sorted(glob.glob(os.path.join(data, 'firmware', '*.json'))):
    mapping = json.load(open(path)).get('mapping', {})
    for key in ('executable', 'nvram-template'):
        f = mapping.get(key, {}).get('filename')
        if f:
            named.add(os.path.realpath(f))
            if not os.path.exists(f):
                bad.append(f'{os.path.basename(path)} names missing {f}')
for img in sorted(glob.glob(os.path.join(data, 'edk2-*-code.fd'))):
    if os.path.realpath(img) not in named:
        bad.append(f'no descriptor names {os.path.basename(img)}')
print('; '.join(bad))
PY
)
check "firmware descriptors and installed edk2 images match${fw:+: $fw}" test -z "$fw"

# The guest tools installed with the binaries: static rdmsr/wrmsr, and the runner, which
# boots the installed images on the installed binary (not the build tree's).
GT="$PREFIX/share/kvmport/guest-tools"
for t in rdmsr wrmsr; do
    check "guest tools: $t installed, static (no ELF interpreter)" \
        sh -c "readelf -lW '$GT/bin/$t' | grep -q LOAD && ! readelf -lW '$GT/bin/$t' | grep -q INTERP"
done
if out=$(cd / && env -u BUILD_DIR "$GT/run-guest.py" --accel tcg --guest baremetal:msr \
            --smp 2 --param expect35=0x20002 --show-command 2>&1); then
    if grep -q "^# .*$(realpath "$x86") " <<<"$out"; then
        ok "guest tools: installed run-guest.py boots msr.elf on the installed binary"
    else
        not_ok "guest tools: installed run-guest.py boots msr.elf on the installed binary" \
            "not started with $x86:" "$out"
    fi
else
    not_ok "guest tools: installed run-guest.py boots msr.elf on the installed binary" "$out"
fi
tap_done
