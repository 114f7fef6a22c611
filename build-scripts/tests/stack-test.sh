#!/bin/bash
# Stack checks (TAP): every patch applies with fuzz 0 to the pristine source, apply then
# export reproduces patches/ byte for byte, the tree's checkpatch.pl finds no errors, the
# vendor KVM capability numbers are not upstream's, and the kernel's checkpatch.pl
# --strict finds nothing in patches/linux.
#
# Usage: build-scripts/tests/stack-test.sh
# Works in a scratch directory; qemu/ and patches/ are not touched. The upstream tarball
# (qemu-X.tar.xz of the pin) is checked too when it is in cache/ or given as QEMU_UPSTREAM_SOURCE.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
want_help "${1:-}"
. "$SCRIPTS/stack.sh"
. "$SCRIPTS/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvmport-stack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# apply_to NAME SOURCE: fresh tree from SOURCE plus a copy of patches/, apply, round trip.
apply_to() {
    local name=$1 src=$2 d="$tmp/$1" out
    cp -a "$PATCHES_DIR" "$d-patches"
    if out=$(QEMU_DIR="$d" PATCHES_DIR="$d-patches" QEMU_SOURCE= \
             "$SCRIPTS/apply.sh" --source "$src" 2>&1); then
        ok "all $(series_entries | wc -l) patches apply with fuzz 0 to $name"
    else
        not_ok "all patches apply with fuzz 0 to $name" "$out"
        return
    fi
    if out=$(QEMU_DIR="$d" PATCHES_DIR="$d-patches" "$SCRIPTS/export.sh" 2>&1) &&
       diff -r "$PATCHES_DIR" "$d-patches" >"$tmp/diff" 2>&1; then
        ok "apply then export on $name reproduces patches/ byte for byte"
    else
        not_ok "apply then export on $name reproduces patches/ byte for byte" "$out" "$(head -n 40 "$tmp/diff")"
    fi
}

SRC=$(QEMU_SOURCE= "$SCRIPTS/fetch.sh" 2>/dev/null)
apply_to "$(basename "$SRC")" "$SRC"

UP=${QEMU_UPSTREAM_SOURCE:-$CACHE_DIR/$QEMU_UPSTREAM_TARBALL}
if [ -f "$UP" ]; then
    apply_to "$(basename "$UP")" "$UP"
else
    skip "patches apply to $QEMU_UPSTREAM_TARBALL" "not available here: put it in cache/ or set QEMU_UPSTREAM_SOURCE"
fi

tree="$tmp/$(basename "$SRC")"
while read -r p; do
    if out=$(cd "$tree" && ./scripts/checkpatch.pl --no-color "$PATCHES_DIR/$p" 2>&1); then
        ok "checkpatch: $p ($(grep -o 'total: .* lines checked' <<<"$out"))"
    else
        not_ok "checkpatch: $p" "$(grep -E '^(ERROR|WARNING|total)' <<<"$out" | head -n 20)"
    fi
done < <(series_entries)

# A vendor capability number (include/system/kvm-vendor-caps.h) that upstream's
# linux-headers give to a capability of their own: QEMU would enable that one under auto
# on a kernel that also lists the vendor feature's MSRs. Catches it on a rebase onto a
# QEMU with newer headers.
h="$tree/include/system/kvm-vendor-caps.h"
vendor=$(sed -nE 's/^#define[[:space:]]+(KVM_CAP_[A-Z0-9_]+)[[:space:]]+([0-9]+)[[:space:]]*(\/[*/].*)?$/\1 \2/p' "$h")
if [ -z "$vendor" ] || [ "$(grep -cE '^#define[[:space:]]+KVM_CAP_' "$h")" != "$(wc -l <<<"$vendor")" ]; then
    not_ok "vendor KVM capability numbers are free upstream" \
        "cannot read every KVM_CAP_* of include/system/kvm-vendor-caps.h as a number: $(grep -E '^#define[[:space:]]+KVM_CAP_' "$h")"
else
    clash=""
    while read -r name num; do
        hit=$(grep -E "^#define[[:space:]]+KVM_CAP_[A-Z0-9_]+[[:space:]]+$num([^0-9x]|\$)" \
              "$tree/linux-headers/linux/kvm.h" || true)
        [ -z "$hit" ] || clash+="$name $num: linux-headers/linux/kvm.h has $hit"$'\n'
    done <<<"$vendor"
    if [ -z "$clash" ]; then
        ok "vendor KVM capability numbers are free upstream ($(paste -sd, <<<"$vendor" | sed 's/,/, /g'))"
    else
        not_ok "vendor KVM capability numbers are free upstream" "$clash"
    fi
fi

# patches/linux: the kernel's own checkpatch.pl --strict (kept by kvm-modules.sh from
# linux-source) finds nothing at all
KCP="$BUILD_DIR/guest-tools/rig/kvm-ppin/checkpatch/checkpatch.pl"
while read -r p; do
    if [ ! -f "$KCP" ]; then
        skip "kernel checkpatch --strict: linux/$p" "no $KCP (build-scripts/build.sh guest-tools builds it)"
    elif out=$(perl "$KCP" --strict --no-tree --no-color "$PATCHES_DIR/linux/$p" 2>&1) &&
            grep -q 'total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
        ok "kernel checkpatch --strict: linux/$p ($(grep -o 'total: .* lines checked' <<<"$out"))"
    else
        not_ok "kernel checkpatch --strict: linux/$p" "$(grep -E '^(ERROR|WARNING|CHECK|total)' <<<"$out" | head -n 20)"
    fi
done < <(series_entries "$PATCHES_DIR/linux/series")
tap_done
