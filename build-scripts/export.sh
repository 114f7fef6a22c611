#!/bin/bash
# Regenerate patches/ and patches/series from the commits in qemu/ (stack-base..HEAD).
#
# Usage: build-scripts/export.sh [--topic DIR]
#
# Each commit becomes one patch (git format-patch --zero-commit --no-numbered
# --no-signature, with fixed diff settings), written to the path its note records
# (refs/notes/stack; amend and rebase carry notes along). A commit without a note is a
# new patch: it goes into --topic DIR, else the topic directory of the commit before it,
# named after its subject. Patches no longer in the stack are removed. patches/linux
# (the kernel half, built by guest-tools/rig/kvm-modules.sh) is not QEMU's: left alone.
# Apply then export with no edits leaves `git status` of this repository clean.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"
TOPIC=
if [ "${1:-}" = --topic ]; then
    TOPIC=${2:?--topic needs a directory name, e.g. x86}
    case $TOPIC in */*|.*|'') die "--topic '$TOPIC': one directory name, like x86 or kvm" ;; esac
fi
# shellcheck source=stack.sh
. "$SCRIPTS/stack.sh"

[ -d "$QEMU_DIR/.git" ] || die "no qemu/ tree: run build-scripts/apply.sh first"
cd "$QEMU_DIR"
dirty=$(git status --porcelain | sed -n 1,20p)
[ -z "$dirty" ] || die "qemu/ has uncommitted changes; commit or discard them first:
$(sed 's/^/    /' <<<"$dirty")"
[ -z "$(git rev-list --merges stack-base..HEAD)" ] || die "the stack must be linear (no merges)"

mapfile -t COMMITS < <(git rev-list --reverse stack-base..HEAD)
first_topic=$(series_entries | sed -n "1s,/.*,,p")  # sed reads it all: no SIGPIPE
declare -A seen=()
paths=() prev_dir=${first_topic:-misc}
for c in "${COMMITS[@]}"; do
    note=$(git notes --ref=stack show "$c" 2>/dev/null | head -n1 || true)
    p=${note%% *}
    if [ -z "$p" ]; then
        name=$(git log -1 --format=%f "$c")
        [ ${#name} -le 60 ] || name=$(cut -c1-60 <<<"$name" | sed 's/-[^-]*$//')
        p="${TOPIC:-$prev_dir}/$name.patch"
        step "export: new patch $p ($(git log -1 --format=%s "$c"))"
    fi
    [ -z "${seen[$p]:-}" ] || die "two commits map to $p; rename one: git -C qemu notes --ref=stack add -f -m 'topic/name.patch' <commit>"
    seen[$p]=1
    paths+=("$p")
    prev_dir=$(dirname "$p")
done

# Write the patches and the series.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in "${!COMMITS[@]}"; do
    mkdir -p "$tmp/$(dirname "${paths[$n]}")"
    stack_git format-patch -1 --stdout --zero-commit --no-numbered --no-signature \
        --no-binary "${COMMITS[$n]}" >"$tmp/${paths[$n]}"
done
# the version of the tree's base ("QEMU X, pristine upstream"): a rebase tree's, not the pin's
base_version=$(git log -1 --format=%s stack-base | sed -n 's/^QEMU \([^ ,]*\), pristine upstream$/\1/p')
{
    echo "# The patch stack on QEMU ${base_version:-$QEMU_VERSION}, applied in this order by build-scripts/apply.sh."
    echo "# Written by build-scripts/export.sh; one group per topic directory."
    last=
    for p in "${paths[@]}"; do
        d=$(dirname "$p")
        if [ "$d" != "$last" ]; then printf '\n# %s\n' "$d"; last=$d; fi
        echo "$p"
    done
} >"$tmp/series"

changed=0
while IFS= read -r -d '' f; do
    rel=${f#"$PATCHES_DIR"/}
    if [ ! -e "$tmp/$rel" ]; then rm -f "$f"; echo "removed  patches/$rel"; changed=1; fi
done < <(find "$PATCHES_DIR" -path "$PATCHES_DIR/linux" -prune -o -name '*.patch' -print0)
for rel in series "${paths[@]}"; do
    if ! cmp -s "$tmp/$rel" "$PATCHES_DIR/$rel"; then
        mkdir -p "$PATCHES_DIR/$(dirname "$rel")"
        cp "$tmp/$rel" "$PATCHES_DIR/$rel"
        echo "wrote    patches/$rel"
        changed=1
    fi
done
find "$PATCHES_DIR" -mindepth 1 -type d -empty -delete

for n in "${!COMMITS[@]}"; do
    git notes --ref=stack add -f -m "${paths[$n]} $(patch_sum "${paths[$n]}")" "${COMMITS[$n]}" 2>/dev/null
done
git update-ref refs/stack/exported HEAD
[ $changed = 1 ] || echo "patches/ already matches qemu/ (${#COMMITS[@]} patches)"
