#!/bin/bash
# Configure, build and install the patched QEMU from qemu/ (made by apply.sh).
#
# Usage: build-scripts/build.sh [configure|compile|install|guest-tools|all]  (default: all)
#
# Environment: PREFIX (default: install/ at the repository root), BUILD_DIR (build/),
# TARGETS (default: the targets this stack supports), FEATURES (the optional features
# enabled on top of --without-default-features), EXTRA_CONFIGURE (more configure
# options), KVMPORT_PKGVERSION (the version suffix; default: the stack's identification, see
# stack_id). configure re-runs only when its options change; compile is ninja, plus the
# x86 option ROMs built from source; install is `make install`; guest-tools builds
# guest-tools/ into build/guest-tools (rdmsr/wrmsr, test guests, initramfs images) and
# installs them with the runner into PREFIX/share/kvmport/guest-tools.
# ccache is used when it is installed (meson picks it up).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"
WHAT=${1:-all}

TARGETS=${TARGETS:-x86_64-softmmu,aarch64-softmmu,sw64-softmmu}
FEATURES=${FEATURES---enable-fdt=system --enable-slirp --enable-pixman --enable-vnc}
# Debian's firmware packages, searched after -L and before QEMU's own data dir.
FIRMWAREPATH=/usr/share/seabios:/usr/lib/ipxe/qemu:/usr/share/qemu-efi-aarch64:/usr/share/AAVMF

[ -x "$QEMU_DIR/configure" ] ||
    die "no QEMU source in $QEMU_DIR (qemu/ is made by build-scripts/apply.sh)"

# "kvmport 10.0.13-2 (git REV)": the stack's release on its upstream base (qemu.pin, as
# Debian's and Proxmox's package versions do), then the exact revision of this repository
# (or a hash of patches/ outside git).
stack_id() {
    local rev
    if rev=$(git -C "$ROOT" describe --always --dirty --abbrev=12 2>/dev/null); then
        rev="git $rev"
    else
        rev="series $(cat "$PATCHES_DIR"/series "$PATCHES_DIR"/*/*.patch | sha256sum | cut -c1-12)"
    fi
    echo "kvmport $QEMU_VERSION-$KVMPORT_RELEASE ($rev)"
}

configure() {
    local id opts
    id=${KVMPORT_PKGVERSION:-$(stack_id)}
    opts=(--prefix="$PREFIX" --target-list="$TARGETS"
          --python=/usr/bin/python3
          --with-pkgversion="$id"
          --firmwarepath="$FIRMWAREPATH"
          --without-default-features --disable-download --disable-docs
          --enable-kvm --enable-tcg $FEATURES
          ${EXTRA_CONFIGURE:-})
    # QEMU's configure names the compiler itself, so meson does not add ccache on its own.
    if command -v ccache >/dev/null; then opts+=(--cc="ccache ${CC:-cc}"); fi
    mkdir -p "$BUILD_DIR"
    # the choices a second build with the same options needs (build-scripts/bench.sh)
    printf '%s\n' "$FEATURES" "${EXTRA_CONFIGURE:-}" "${CC:-cc}" >"$BUILD_DIR/.kvmport-options"
    if [ -f "$BUILD_DIR/build.ninja" ] && [ -f "$BUILD_DIR/.kvmport-configure" ] &&
       [ "$(cat "$BUILD_DIR/.kvmport-configure")" = "${opts[*]}" ]; then
        return 0
    fi
    step "configure: $id, targets $TARGETS"
    (cd "$BUILD_DIR" && "$QEMU_DIR/configure" "${opts[@]}") >"$BUILD_DIR/configure.log" 2>&1 ||
        { tail -n 30 "$BUILD_DIR/configure.log" >&2; die "configure failed; see $BUILD_DIR/configure.log"; }
    printf '%s\n' "${opts[*]}" >"$BUILD_DIR/.kvmport-configure"
    printf '%s\n' "$id" >"$BUILD_DIR/stack-id"
}

compile() {
    # Paths relative to the checkout, so that another clone of this repository (CI's) hits
    # the same cache entries (debug info then names the directory of the first build).
    export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
    step "build: $(nproc) jobs$(command -v ccache >/dev/null && echo ', ccache')"
    # shellcheck disable=SC2086  # BUILD_TARGETS: make targets (default: all), split
    make -C "$BUILD_DIR" -j"$(nproc)" --no-print-directory ${BUILD_TARGETS:-} \
        >"$BUILD_DIR/build.log" 2>&1 &
    local pid=$!
    # the build does not outlive this script (an interrupted make, a failed progress line)
    trap 'kill "$pid" 2>/dev/null || true' EXIT
    progress "$BUILD_DIR/build.log" "$pid" || true
    if ! wait "$pid"; then
        grep -E 'error|Error|\*\*\*' "$BUILD_DIR/build.log" | head -n 30 >&2 || true
        die "build failed; see $BUILD_DIR/build.log"
    fi
    trap - EXIT
}

# progress LOG PID: while PID runs, a line each time ninja's count in LOG ("[N/M] ...")
# passes another 5 % (ninja prints one such line per finished step)
progress() {
    local log=$1 pid=$2 shown=-1 nm n m pct
    while kill -0 "$pid" 2>/dev/null; do
        sleep 3
        nm=$(tail -c 8192 "$log" 2>/dev/null | grep -ao '^\[[0-9]*/[0-9]*\]' | tail -n1 | tr -d '[]') ||
            true    # no count in the log's tail yet (configure output, a long first step)
        [ -n "$nm" ] || continue
        n=${nm%/*} m=${nm#*/}
        [ "$m" -gt 0 ] || continue
        pct=$((n * 100 / m))
        if [ $((pct / 5)) -gt "$shown" ]; then
            shown=$((pct / 5))
            step "build: $n/$m steps ($pct %)"
        fi
    done
}

install() {
    step "install: $PREFIX"
    make -C "$BUILD_DIR" install --no-print-directory >"$BUILD_DIR/install.log" 2>&1 ||
        { tail -n 30 "$BUILD_DIR/install.log" >&2; die "install failed; see $BUILD_DIR/install.log"; }
}

guest_tools() {
    step "guest-tools: $BUILD_DIR/guest-tools"
    make -C "$ROOT/guest-tools" -j"$(nproc)" O="$BUILD_DIR/guest-tools" \
        QEMU="$PREFIX/bin/qemu-system-x86_64" QTEST="$BUILD_DIR/tests/qtest" --no-print-directory \
        >"$BUILD_DIR/guest-tools.log" 2>&1 ||
        { tail -n 30 "$BUILD_DIR/guest-tools.log" >&2; die "guest-tools failed; see $BUILD_DIR/guest-tools.log"; }
    install_guest_tools
}

# PREFIX/share/kvmport/guest-tools: what runs inside guests, and the runner, which there
# uses these images and PREFIX/bin's binaries (guest-tools/run-guest.py, INSTALLED).
install_guest_tools() {
    local gt="$BUILD_DIR/guest-tools" dest="$PREFIX/share/kvmport/guest-tools" a
    step "install: guest tools into $dest"
    rm -rf "$dest"
    mkdir -p "$dest/bin" "$dest/baremetal" "$dest/python"
    cp "$gt/msr/rdmsr" "$gt/msr/wrmsr" "$dest/bin/"
    cp "$gt"/baremetal/*.elf "$dest/baremetal/"
    mkdir -p "$dest/sw64"
    cp "$gt/sw64/hello.elf" "$dest/sw64/"
    for a in x86_64 aarch64; do
        mkdir -p "$dest/linux/$a"
        cp "$gt/linux/$a/vmlinuz" "$gt/linux/$a/initramfs.cpio.gz" "$dest/linux/$a/"
    done
    mkdir -p "$dest/rig"
    cp "$gt/rig/initramfs.cpio.gz" "$gt/rig/initramfs.cpio.gz.sha256" "$dest/rig/"
    cp "$ROOT/guest-tools/run-guest.py" "$dest/"
    # the guest tests and their parameters, for the installed run-guest.py --help / --list
    "$ROOT/guest-tools/run-guest.py" --list >"$dest/guests.txt"
    cp -r "$QEMU_DIR/python/qemu" "$dest/python/"
}

case $WHAT in
configure) configure ;;
compile) configure; compile ;;
install) install ;;
guest-tools) guest_tools ;;
all) configure; compile; install; guest_tools ;;
*) die "unknown step '$WHAT' (configure, compile, install, guest-tools or all)" ;;
esac
step "$WHAT done"
