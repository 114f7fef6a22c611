#!/bin/bash
# The installed stack as libvirt's <emulator>, under a private embedded libvirt (TAP).
#
# Usage: build-scripts/tests/libvirt-test.sh
#
# Installs Debian's libvirt when missing (deps.sh --libvirt: 11.x from backports), then
# runs libvirt-test.py (the checks are listed there) against $PREFIX. It uses only the
# embedded driver (qemu:///embed?root=DIR) with its qemu.conf, state, logs and sockets
# under a temporary DIR: no daemon, no system libvirt configuration, nothing under /etc
# or /var is used or changed. As root the run is in its own PID and mount namespace, so
# no QEMU or helper outlives it whatever happens, and /run there is a private tmpfs: a
# privileged libvirt, embedded or not, creates /run/libvirt/common/system.token and
# /run/libvirt/hostdevmgr on first use (paths libvirt fixes at build time), which would
# change a machine that never ran libvirt; the check of the system's directories reads
# the host's /run through a bind mount made before. DIR is removed at the end. Without
# the libvirt packages every check is reported as skipped, with the reason.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
want_help "${1:-}"
HERE=$SCRIPTS/tests

skip_all() {
    local n=0 name
    for name in $("$HERE/libvirt-test.py" --list); do
        n=$((n + 1))
        echo "ok $n - $name # SKIP $1"
    done
    echo "1..$n"
    exit 0
}

# deps.sh's own lines follow once it is done; its last line is the skip reason
step "libvirt: Debian's libvirt packages (build-scripts/deps.sh --libvirt)"
deps_log=$(mktemp)
rc=0
"$SCRIPTS/deps.sh" --libvirt >"$deps_log" 2>&1 || rc=$?
sed 's/^/  /' "$deps_log" >&2
reason=$(tail -n 1 "$deps_log")
rm -f "$deps_log"
[ $rc -eq 0 ] || skip_all "libvirt packages not installed: $reason"
for f in "$PREFIX/bin/qemu-system-x86_64" "$PREFIX/bin/qemu-system-aarch64" \
         "$PREFIX/share/kvmport/guest-tools/linux/x86_64/initramfs.cpio.gz"; do
    [ -e "$f" ] || die "$f missing: build and install first (make)"
done

# short: libvirt's sockets under it must fit sun_path
root=$(mktemp -d /tmp/kvmport-libvirt.XXXXXX)
cleanup() {
    # without a PID namespace: QEMU processes libvirt left (their pid files; a pid only
    # when that process still runs with the root on its command line)
    local f pid
    for f in "$root"/run/qemu/*.pid "$root"/virsh/run/qemu/*.pid; do
        [ -e "$f" ] && [[ $f != */driver.pid ]] || continue
        pid=$(cat "$f" 2>/dev/null) || continue
        if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$root"; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$root"
}
trap cleanup EXIT
mkdir -p "$root/etc"
# The embedded driver's qemu.conf is the one docs/libvirt.md gives users (what each line is
# for is said there): its here-document, expanded as the user's shell expands it.
conf=$(awk '$0 == "$ cat > \"$root/etc/qemu.conf\" <<EOF" { on = 1; next }
            on && $0 == "EOF" { exit } on' "$ROOT/docs/libvirt.md")
[ -n "$conf" ] || { echo "not ok 1 - docs/libvirt.md has no qemu.conf here-document"; exit 1; }
eval "cat >\"\$root/etc/qemu.conf\" <<EOF
$conf
EOF"

run=("$HERE/libvirt-test.py" --prefix "$PREFIX" --root "$root")
if [ "$(id -u)" = 0 ] && unshare --pid --fork --kill-child --mount-proc true 2>/dev/null; then
    # bash as PID 1 reaps the QEMU processes libvirt daemonizes (a zombie would look alive
    # to libvirt); the namespace ends, and every process in it, when the test ends.
    # --mount-proc gives it a mount namespace (propagation private): the host's /run stays
    # readable at DIR/host-run, and /run becomes a private tmpfs.
    mkdir "$root/host-run"
    unshare --pid --fork --kill-child --mount-proc bash -c '
        set -e
        host_run=$1/host-run
        shift
        # -n: no /run/mount/utab entry, which would itself create /run/mount on the host
        mount -n --bind /run "$host_run"
        mount -n -t tmpfs -o mode=0755,size=64m kvmport-run /run
        "$@" --host-run "$host_run"; exit $?' bash "$root" "${run[@]}"
else
    echo "# no PID namespace (not root, or unshare refused): QEMU processes are stopped" \
         "through libvirt and the pid files only"
    "${run[@]}"
fi
