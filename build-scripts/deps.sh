#!/bin/bash
# Install the Debian packages this project needs to build and test QEMU.
#
# Usage: build-scripts/deps.sh [--check]
#
# As root: enables bookworm-backports (derived from the mirror already configured in
# /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list; no host name is written
# anywhere) when a package needs it, then installs what is missing.
# As another user: prints the exact commands to run as root and fails.
# --check: only report what is missing (exit 1 if anything is).
# With nothing missing it returns at once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"
CHECK_ONLY=0
[ "${1:-}" = --check ] && CHECK_ONLY=1

# name[:min-version[:suite-suffix]]
PACKAGES=(
    gcc make git xz-utils perl ccache pkg-config ninja-build bzip2 flex bison
    python3-venv gcc-multilib
    meson:1.5:-backports python3-pycotap::-backports
    libglib2.0-dev libpixman-1-dev libfdt-dev libslirp-dev
    # firmware the installed binaries find without -L
    seabios ipxe-qemu qemu-efi-aarch64
    # guest-tools: static rdmsr/wrmsr, initramfs guests
    musl-tools busybox-static cpio strace
    # guest tests: the ISO image of the aarch64 CD-ROM cases
    xorriso
)

installed_version() {
    { dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null || true; } |
        awk '$3 == "installed" { print $4 }'
}

missing=() needs_backports=0
for spec in "${PACKAGES[@]}"; do
    IFS=: read -r name min suite <<<"$spec"
    ver=$(installed_version "$name")
    if [ -z "$ver" ] || { [ -n "$min" ] && dpkg --compare-versions "$ver" lt "$min"; }; then
        missing+=("$name")
        [ -n "$suite" ] && needs_backports=1
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

. /etc/os-release
BPO="${VERSION_CODENAME}-backports"
apt_line="apt-get install -y -t $BPO ${missing[*]}"
[ $needs_backports = 0 ] && apt_line="apt-get install -y ${missing[*]}"

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
