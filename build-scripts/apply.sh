#!/bin/bash
# Turn the pinned source plus patches/series into the git tree qemu/.
#
# Usage: build-scripts/apply.sh [--source TARBALL|GIT_DIR]
#
# qemu/ becomes a git repository: the pristine upstream as the first commit (tag
# stack-base), then one commit per patch, in series order, each applied with `git am`
# (no fuzz: a hunk whose context does not match exactly fails). Each commit carries a note
# (refs/notes/stack) with its patch path and the patch's sha256, so a later run re-applies
# only from the first patch that changed, and export.sh knows where each commit belongs.
#
# Refuses to touch a qemu/ with uncommitted changes or commits not yet exported
# (build-scripts/export.sh), and says how to export or discard them.
# A patch that does not apply stops the run naming the patch and the failing file;
# qemu/ is left at the last patch that applied.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"
# shellcheck source=stack.sh
. "$SCRIPTS/stack.sh"

SRC=$("$SCRIPTS/fetch.sh" "$@")
SRC_ID=$(source_id "$SRC")

if [ -d "$QEMU_DIR/.git" ]; then
    stack_check_clean "apply"
    if [ "$(stack_base_source)" != "$SRC_ID" ]; then
        die "qemu/ was made from $(stack_base_source), not $SRC_ID.
  To start over from the new source: rm -rf qemu  (all work in it is exported)"
    fi
elif [ -e "$QEMU_DIR" ]; then
    die "$QEMU_DIR exists but is not a git tree made by this script; move it away"
else
    stack_import_pristine "$SRC" "$SRC_ID" "$QEMU_DIR"
fi

cd "$QEMU_DIR"
mapfile -t SERIES < <(series_entries)

# Keep the longest prefix of commits whose notes match the series entry and checksum.
keep=$(git rev-parse stack-base)
i=0
for c in $(git rev-list --reverse stack-base..HEAD); do
    [ $i -lt ${#SERIES[@]} ] || break
    want="${SERIES[$i]} $(patch_sum "${SERIES[$i]}")"
    [ "$(git notes --ref=stack show "$c" 2>/dev/null)" = "$want" ] || break
    keep=$c
    i=$((i + 1))
done
if [ "$(git rev-parse HEAD)" != "$keep" ]; then
    step "apply: keeping $i unchanged patches, re-applying from ${SERIES[$i]:-the end}"
    git reset -q --hard "$keep"
fi

applied=$i
while [ $i -lt ${#SERIES[@]} ]; do
    p=${SERIES[$i]}
    f="$PATCHES_DIR/$p"
    [ -f "$f" ] || die "patches/series lists '$p' but $f does not exist"
    if ! out=$(stack_git am --keep-cr --committer-date-is-author-date "$f" 2>&1); then
        bad=$(am_failed_files <<<"$out")
        stack_git am --abort >/dev/null 2>&1 || true
        git update-ref refs/stack/exported HEAD
        printf '%s\n' "$out" | sed 's/^/    /' >&2
        die "patch $p does not apply${bad:+ to $bad} (no fuzz allowed); qemu/ is left at the patch before it"
    fi
    git notes --ref=stack add -f -m "$p $(patch_sum "$p")" HEAD
    i=$((i + 1))
done
git update-ref refs/stack/exported HEAD
link_stack_qtests
step "apply: ${#SERIES[@]} patches ($(( ${#SERIES[@]} - applied )) applied now) on $SRC_ID"
