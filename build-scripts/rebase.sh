#!/bin/bash
# Move the patch stack to a new upstream version and report what applied.
#
# Usage: build-scripts/rebase.sh --source TARBALL|GIT_DIR --version X.Y.Z
#        build-scripts/rebase.sh --newer
#
# --newer: which QEMU source versions the Debian archive this machine's apt uses offers
# (deb-src of the pinned suite, stable, testing, unstable and this release's backports),
# each marked against the pin: a newer stable release of the pinned series (X.Y.z, a
# stable bump), a newer series, or not newer. Its last line names the newest stable
# bump, or says there is none. Nothing else is done.
#
# Makes a new tree (REBASE_DIR, default qemu-X.Y.Z/ at the repository root) whose first
# commit is the new upstream, then applies every patch of patches/series with a 3-way
# merge (`git am -3`; the old pristine objects are borrowed from qemu/ when it exists).
# Prints one line per patch: "applied", "merged" (needed the 3-way merge) or
# "FAILED <patch>: conflict in <files>"; failed patches are skipped so the report covers
# the whole stack. Exits 1 if any patch failed.
#
# Then, in REBASE_DIR: re-apply each failed patch by hand (git am -3 ../patches/P, fix,
# git am --continue), run QEMU_DIR=REBASE_DIR build-scripts/export.sh, set the new
# version and sha256 (printed below) in build-scripts/qemu.pin, and rebuild with
# rm -rf qemu && make.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"
. "$SCRIPTS/stack.sh"

# newer: the --newer report (see the header)
newer() {
    local codename series=${QEMU_VERSION%.*} line suite version up what best=
    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    apt_src_index $(printf '%s\n' "$QEMU_DEBIAN_SUITE" stable testing unstable \
                    "$codename-backports" | awk '!seen[$0]++')
    echo "pin: QEMU $QEMU_VERSION ($QEMU_DEBIAN_TARBALL from $QEMU_DEBIAN_SUITE), stack release $QEMU_VERSION-$KVMPORT_RELEASE"
    printf '%-22s %-32s %-9s %s\n' suite "source version" upstream "against the pin"
    while IFS='|' read -r _ version line; do
        version=$(xargs <<<"$version")
        suite=$(awk '{ print $2 }' <<<"$line"); suite=${suite%/*}
        up=${version#*:}; up=${up%%+*}; up=${up%%-*}
        if [ "$up" = "$QEMU_VERSION" ]; then what="the pinned version"
        elif [ "$(printf '%s\n%s\n' "$up" "$QEMU_VERSION" | sort -V | tail -n1)" = "$QEMU_VERSION" ]; then
            what="older"
        elif [ "${up%.*}" = "$series" ]; then
            what="newer stable release of $series: a stable bump"
            [ -n "$best" ] && [ "$(printf '%s\n%s\n' "$up" "$best" | sort -V | tail -n1)" = "$best" ] ||
                best=$up
        else what="newer series ${up%.*}: a rebase, not a stable bump"
        fi
        printf '%-22s %-32s %-9s %s\n' "$suite" "$version" "$up" "$what"
    done < <(apt-cache "${APT_OPTS[@]}" madison qemu 2>/dev/null | grep ' Sources$' | sort -u)
    if [ -n "$best" ]; then
        echo "newest stable bump: $best (docs/maintainer.md, \"A stable bump, end to end\")"
    else
        echo "no newer $series.x than $QEMU_VERSION in the archive"
    fi
}

NEW_SRC= NEW_VERSION=
[ "${1:-}" != --newer ] || { newer; exit 0; }
while [ $# -gt 0 ]; do
    case $1 in
    --source) NEW_SRC=${2:-}; shift 2 ;;
    --version) NEW_VERSION=${2:-}; shift 2 ;;
    *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[ -n "$NEW_SRC" ] && [ -e "$NEW_SRC" ] || die "--source '$NEW_SRC': no such tarball or git tree"
[[ $NEW_VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+(-rc[0-9]+)?$ ]] ||
    die "--version '$NEW_VERSION': expected X.Y.Z"
NEW_SRC=$(realpath "$NEW_SRC")
DEST=${REBASE_DIR:-$ROOT/qemu-$NEW_VERSION}
[ ! -e "$DEST" ] || die "$DEST exists; remove it or set REBASE_DIR"

id=$(source_id "$NEW_SRC")
stack_import_pristine "$NEW_SRC" "$id" "$DEST" "$NEW_VERSION"
if [ -d "$QEMU_DIR/.git" ]; then
    # The base and every stacked commit: a patch's preimage blobs are those of the
    # patches before it, so the 3-way merge needs the whole old stack, not only its base.
    step "rebase: borrowing the old stack's objects from $QEMU_DIR for 3-way merges"
    git -C "$DEST" fetch -q "$QEMU_DIR" refs/tags/stack-base:refs/tags/old-stack-base \
        HEAD:refs/old-stack/head
fi

failed=0
while read -r p; do
    f="$PATCHES_DIR/$p"
    if out=$(cd "$DEST" && stack_git am --keep-cr --committer-date-is-author-date "$f" 2>&1); then
        printf 'applied  %s\n' "$p"
    elif (cd "$DEST" && stack_git am --abort >/dev/null 2>&1;
          stack_git am -3 --keep-cr --committer-date-is-author-date "$f" >/dev/null 2>&1); then
        printf 'merged   %s\n' "$p"
    else
        files=$(git -C "$DEST" diff --name-only --diff-filter=U | paste -sd' ')
        [ -n "$files" ] || files=$(am_failed_files <<<"$out")
        printf 'FAILED   %s: conflict in %s\n' "$p" "${files:-(see git am output)}"
        (cd "$DEST" && stack_git am --abort >/dev/null 2>&1) || true
        failed=$((failed + 1))
        continue
    fi
    git -C "$DEST" notes --ref=stack add -f -m "$p $(patch_sum "$p")" HEAD
done < <(series_entries)
git -C "$DEST" update-ref refs/stack/exported HEAD

echo "new tree: $DEST"
[ -f "$NEW_SRC" ] && echo "pin: QEMU_VERSION=$NEW_VERSION, sha256 $(sha256sum "$NEW_SRC" | cut -d' ' -f1) ($(basename "$NEW_SRC"))"
if [ $failed -gt 0 ]; then
    echo "$failed patch(es) failed; see --help for how to finish the rebase"
    exit 1
fi
