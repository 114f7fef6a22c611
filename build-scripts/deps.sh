#!/bin/bash
# Install the Debian packages this project needs to build and test QEMU.
#
# Usage: build-scripts/deps.sh [--check] [--libvirt | --debian-qemu]
#
# As root: enables bookworm-backports (derived from the mirror already configured in
# /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list; no host name is written
# anywhere) when a package needs it, then installs what is missing. Only the packages
# that need it come from backports (apt's PKG/SUITE), their dependencies from the release.
# As another user: prints the exact commands to run as root and fails.
# --check: only report what is missing (exit 1 if anything is).
# --libvirt: the packages of the libvirt test instead (check.sh libvirt): libvirt 11 from
#   backports (bookworm's 9.0 passes -no-acpi, which QEMU 10 removed), with its QEMU
#   driver, virsh and the Python bindings; apt also installs Debian's own QEMU, which
#   the driver depends on (the tests point <emulator> at this build). An installed older
#   libvirt is never upgraded (it may be the machine's own): that is an error naming it.
# --debian-qemu: the packages of the migration test against Debian's own QEMU instead
#   (check.sh migrate-peer): qemu-system-x86 and qemu-system-arm 10.0 from backports
#   (bookworm's 7.2 has no 10.0 machine types), installed with apt's -t SUITE, as they
#   need their own qemu-system-common and -data and a newer seabios from there. As with
#   libvirt, an installed older QEMU (7.2: the machine's own, or pulled in by an earlier
#   --libvirt) is never upgraded: that is an error naming it. 10.0 also satisfies
#   libvirt's QEMU driver (qemu-kvm | qemu-system), so `make check` installs it first.
# With nothing missing it returns at once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
CHECK_ONLY=0 GROUP=build
for arg in "$@"; do
    case $arg in
    -h | --help) usage; exit 0 ;;
    --check) CHECK_ONLY=1 ;;
    --libvirt) GROUP=libvirt ;;
    --debian-qemu) GROUP=debian-qemu ;;
    *) usage >&2; die "unknown argument '$arg'" ;;
    esac
done

# name[:min-version[:suite-suffix]]; min-version is an upstream version (the installed
# version's epoch is not compared: Debian's QEMU is 1:10.0.2+ds-...)
PACKAGES=(
    gcc make git xz-utils perl ccache pkg-config ninja-build bzip2 flex bison
    python3-venv gcc-multilib
    meson:1.5:-backports python3-pycotap::-backports
    libglib2.0-dev libpixman-1-dev libfdt-dev libslirp-dev
    # firmware the installed binaries find without -L
    seabios ipxe-qemu qemu-efi-aarch64
    # guest-tools: static rdmsr/wrmsr, initramfs guests
    musl-tools busybox-static cpio strace
    # the nested-KVM rig's KVM modules of patches/linux (kvm-modules.sh): patch, and
    # libelf for linux-kbuild's objtool (gcc-12 comes with gcc)
    patch libelf1
    # guest tests: the ISO image of the aarch64 CD-ROM cases
    xorriso
    # sw64-firmware-test reads the vendor UEFI's display (when the vendor files are there)
    tesseract-ocr
)
[ $GROUP = libvirt ] && PACKAGES=(
    libvirt-daemon-driver-qemu:11:-backports libvirt-clients:11:-backports
    libvirt-daemon-log:11:-backports libvirt-daemon-common:11:-backports libvirt0:11:-backports
    libvirt-common:11:-backports
    python3-libvirt
)
[ $GROUP = debian-qemu ] && PACKAGES=(qemu-system-x86:10.0:-backports qemu-system-arm:10.0:-backports)

installed_version() {
    { dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null || true; } |
        awk '$3 == "installed" { sub(/^[0-9]+:/, "", $4); print $4 }'
}

. /etc/os-release
missing=() wanted=() needs_backports=0 outdated=()
for spec in "${PACKAGES[@]}"; do
    IFS=: read -r name min suite <<<"$spec"
    ver=$(installed_version "$name")
    if [ -n "$ver" ] && [ $GROUP != build ] && [ -n "$min" ] &&
            dpkg --compare-versions "$ver" lt "$min"; then
        outdated+=("$name $ver")
    elif [ -z "$ver" ] || { [ -n "$min" ] && dpkg --compare-versions "$ver" lt "$min"; }; then
        missing+=("$name")
        if [ -n "$suite" ]; then
            wanted+=("$name/$VERSION_CODENAME$suite")
            needs_backports=1
        else
            wanted+=("$name")
        fi
    fi
done
if [ ${#outdated[@]} -gt 0 ]; then
    die "installed, older than this needs (not upgraded here): $(printf '%s, ' "${outdated[@]}" | sed 's/, $//')"
fi
[ ${#missing[@]} -eq 0 ] && exit 0

BPO="${VERSION_CODENAME}-backports"
apt_line="apt-get install -y ${wanted[*]}"
[ $GROUP != debian-qemu ] || apt_line="apt-get install -y -t $BPO ${missing[*]}"

if [ $CHECK_ONLY = 1 ]; then
    echo "missing packages: ${missing[*]}"
    exit 1
fi

if [ "$(id -u)" != 0 ]; then
    {
        echo "$PROG: missing Debian packages: ${missing[*]}"
        [ $needs_backports = 1 ] &&
            echo "  enable $BPO first: $SCRIPTS/apt-backports.sh --print > /etc/apt/sources.list.d/$BPO.sources"
        echo "  then run as root: apt-get update && $apt_line"
    } >&2
    exit 1
fi

if [ $needs_backports = 1 ] && ! "$SCRIPTS/apt-backports.sh" --enabled; then
    step "enabling $BPO from the configured mirror"
    "$SCRIPTS/apt-backports.sh" --print >"/etc/apt/sources.list.d/$BPO.sources"
fi
step "apt-get update"
apt-get update -qq
step "installing: ${missing[*]}"
DEBIAN_FRONTEND=noninteractive $apt_line -qq --no-install-recommends >/dev/null
step "packages installed"
