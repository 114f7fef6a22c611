#!/bin/bash
# Move the patch stack to a new upstream version and report what applied.
#
# Usage: build-scripts/rebase.sh --source TARBALL|GIT_DIR --version X.Y.Z
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

NEW_SRC= NEW_VERSION=
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
    step "rebase: borrowing the old pristine objects from $QEMU_DIR for 3-way merges"
    git -C "$DEST" fetch -q "$QEMU_DIR" refs/tags/stack-base:refs/tags/old-stack-base
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
