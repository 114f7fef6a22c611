#!/bin/bash
# Check that every prefix of the series builds: apply the patches one at a time, build each.
#
# Usage: build-scripts/series-build.sh [--from PATCH]
#
# A series upstream can take must bisect: each patch builds on its own. This makes a scratch
# tree from the pinned source (BUILD_DIR/series/qemu, as apply.sh makes qemu/), configures
# it once as build.sh does (BUILD_DIR/series/build, the same options, ccache; TARGETS
# defaults to x86_64-softmmu, whose build includes all the common code the series
# touches: TARGETS=x86_64-softmmu,aarch64-softmmu checks both, in about 1.5 times as long),
# builds the pristine tree, then applies the patches of patches/series one at a time with
# `git am` and builds again after each (ninja: only what the patch changed). Debian's +ds
# tarball lacks the firmware blobs upstream's pc-bios/meson.build names, so that tree
# configures only with the first patch (build/pc-bios-only-unpack-...): it is then the
# first tree built. One line per
# patch, "built <patch> (<seconds> s)"; it stops at the first patch that does not apply or
# does not build, naming it and printing the compiler's errors (log:
# BUILD_DIR/series/build.log). The qtests of tests-qtest/ are linked in as apply.sh does.
#
# A target of TARGETS whose configs/targets/<target>.mak a patch adds (sw64-softmmu) is
# built from that patch on: the tree is reconfigured then.
#
# --from PATCH (a line of patches/series, e.g. arm/hw-arm-virt-...): build the tree with
# every patch before PATCH applied at once, then one build per patch from PATCH on; for a
# change to the end of the series whose earlier prefixes were checked already.
#
# It takes long (every patch that touches a common header rebuilds much of QEMU), so
# `make check` does not run it; run it before a change to patches/ lands. Times: README.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"
FROM=
case "${1:-}" in
    --from) FROM=${2:?--from needs a patch, a line of patches/series} ;;
    '') ;;
    *) die "unknown option '$1' (see --help)" ;;
esac
# shellcheck source=stack.sh
. "$SCRIPTS/stack.sh"

SERIES_DIR="$BUILD_DIR/series"
export TARGETS=${TARGETS:-x86_64-softmmu}
SRC=$("$SCRIPTS/fetch.sh")
# A new tree and a new build directory: the tree's unchanged files keep the tarball's
# old mtimes, so a build directory left from another prefix (a longer one, an interrupted
# run) would keep generated files newer than their sources, e.g. hmp-commands-info.h from
# a patch not applied now. ccache makes the rebuild cheap.
rm -rf "$SERIES_DIR/qemu" "$SERIES_DIR/build"
mkdir -p "$SERIES_DIR"
stack_import_pristine "$SRC" "$(source_id "$SRC")" "$SERIES_DIR/qemu"
QEMU_DIR="$SERIES_DIR/qemu" link_stack_qtests
mapfile -t SERIES < <(series_entries)
start=0
if [ -n "$FROM" ]; then
    while [ "$start" -lt "${#SERIES[@]}" ] && [ "${SERIES[$start]}" != "$FROM" ]; do
        start=$((start + 1))
    done
    [ "$start" -lt "${#SERIES[@]}" ] || die "--from '$FROM': not a patch of patches/series"
fi

# build LABEL: incremental build of the scratch tree, or stop with the errors.
build() {
    local t0=$SECONDS
    if ! make -C "$SERIES_DIR/build" -j"$(nproc)" --no-print-directory \
            >"$SERIES_DIR/build.log" 2>&1; then
        grep -E 'error|Error' "$SERIES_DIR/build.log" | head -n 30 >&2
        die "$1 does not build; see $SERIES_DIR/build.log"
    fi
    step "built $1 ($((SECONDS - t0)) s)"
}

# apply PATCH: git am it onto the scratch tree, or stop naming it.
apply() {
    local out
    if ! out=$(cd "$SERIES_DIR/qemu" && stack_git am --keep-cr "$PATCHES_DIR/$1" 2>&1); then
        printf '%s\n' "$out" | sed 's/^/    /' >&2
        die "patch $1 does not apply"
    fi
}

# The targets of TARGETS the tree at this prefix has.
present_targets() {
    local t out=()
    for t in ${TARGETS//,/ }; do
        [ ! -f "$SERIES_DIR/qemu/configs/targets/$t.mak" ] || out+=("$t")
    done
    (IFS=,; echo "${out[*]}")
}
# configure: as build.sh does; it reconfigures only when the target list changed.
configure() {
    TARGETS=$(present_targets) QEMU_DIR="$SERIES_DIR/qemu" BUILD_DIR="$SERIES_DIR/build" \
        PREFIX="$SERIES_DIR/install" "$SCRIPTS/build.sh" configure
}

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
first=$start
if [ "$first" -eq 0 ] && configure 2>/dev/null; then
    build "the pristine tree"
else
    if [ "$first" -eq 0 ]; then
        step "the pristine tree does not configure; with ${SERIES[0]} it must"
        first=1
    fi
    for p in "${SERIES[@]:0:$first}"; do
        apply "$p"
    done
    configure
    if [ "$first" -eq 1 ]; then
        build "${SERIES[0]}"
    else
        build "${SERIES[$((first - 1))]} (with the $((first - 1)) patches before it)"
    fi
fi
for p in "${SERIES[@]:$first}"; do
    apply "$p"
    configure
    build "$p"
done
step "every prefix of the series from patch $((start + 1)) of ${#SERIES[@]} builds"
