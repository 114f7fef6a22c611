#!/bin/bash
# Pipeline tests (TAP): what the scripts refuse, and that a refusal leaves files intact.
# A wrong checksum, a patch that does not apply, a dirty qemu/, unexported commits; then
# the maintainer's path: a new commit exported into its topic, an incremental re-apply,
# and a rebase onto a changed upstream that reports the conflicting patch and file.
#
# Usage: build-scripts/tests/pipeline-test.sh
# Works in a scratch directory; qemu/ and patches/ are not touched.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
want_help "${1:-}"
. "$SCRIPTS/stack.sh"
. "$SCRIPTS/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvmport-pipeline.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
SRC=$(QEMU_SOURCE= "$SCRIPTS/fetch.sh" 2>/dev/null)
export QEMU_SOURCE= QEMU_DIR="$tmp/qemu" PATCHES_DIR="$tmp/patches"
cp -a "$ROOT/patches" "$PATCHES_DIR"
git_q() { git -C "$QEMU_DIR" "$@"; }

# --- checksums ---------------------------------------------------------------
for name in "$QEMU_DEBIAN_TARBALL" "$QEMU_UPSTREAM_TARBALL"; do
    bad="$tmp/$name"
    echo "not the real source" >"$bad"
    sum=$(sha256sum "$bad" | cut -d' ' -f1)
    case $name in *+ds*) want=$QEMU_DEBIAN_SHA256 ;; *) want=$QEMU_UPSTREAM_SHA256 ;; esac
    if [ -n "$want" ]; then
        expect_fail "wrong checksum of $name stops with expected and actual" \
            "expected: $want.*"$'\n'".*actual: +$sum" "$SCRIPTS/fetch.sh" --source "$bad"
    else
        expect_fail "$name without a pinned sha256 is checked against Debian's tarball" \
            "not a readable tarball.*"$'\n'".*$name does not match Debian's $QEMU_DEBIAN_TARBALL" \
            "$SCRIPTS/fetch.sh" --source "$bad"
    fi
    check "the rejected $name is left intact" \
        test "$(sha256sum "$bad" | cut -d' ' -f1)" = "$sum"
    rm -f "$bad"
done
# upstream's tarball without a pinned sha256: made here from Debian's (an uncompressed tar
# under upstream's name and top directory, plus a file only upstream has), once as is and
# once with one of Debian's files changed
if [ -z "$QEMU_UPSTREAM_SHA256" ]; then
    mkdir -p "$tmp/good" "$tmp/bad"
    python3 - "$SRC" "$tmp/good/$QEMU_UPSTREAM_TARBALL" "$tmp/bad/$QEMU_UPSTREAM_TARBALL" \
        "qemu-$QEMU_VERSION" <<'PY'
import io, sys, tarfile
src, good, bad, top = sys.argv[1:]
with tarfile.open(src) as t, tarfile.open(good, 'w') as g, tarfile.open(bad, 'w') as b:
    for m in t:
        data = t.extractfile(m).read() if m.isfile() else None
        m.name = top + m.name[m.name.index('/'):] if '/' in m.name else top
        if m.islnk():
            m.linkname = top + m.linkname[m.linkname.index('/'):]
        g.addfile(m, io.BytesIO(data) if data is not None else None)
        if m.name == top + '/VERSION':
            data += b'x'
            m.size = len(data)
        b.addfile(m, io.BytesIO(data) if data is not None else None)
    extra = tarfile.TarInfo(top + '/pc-bios/upstream-only.bin')
    extra.size = 4
    for out in (g, b):
        out.addfile(extra, io.BytesIO(b'blob'))
PY
    out=$("$SCRIPTS/fetch.sh" --source "$tmp/good/$QEMU_UPSTREAM_TARBALL" 2>&1) || true
    check "upstream's tarball with Debian's files is accepted, its own file named unverified" \
        grep -q "files identical to Debian's; 1 only in upstream's, NOT verified" <<<"$out"
    expect_fail "upstream's tarball with one of Debian's files changed is refused, naming it" \
        "1 of Debian's [0-9]+ files missing or different, e.g. VERSION" \
        "$SCRIPTS/fetch.sh" --source "$tmp/bad/$QEMU_UPSTREAM_TARBALL"
    rm -rf "$tmp/good" "$tmp/bad"
fi
expect_fail "a missing source is named" "source '$tmp/nope.tar.xz' does not exist" \
    "$SCRIPTS/fetch.sh" --source "$tmp/nope.tar.xz"

# --- a good tree to work on ----------------------------------------------------
"$SCRIPTS/apply.sh" --source "$SRC" >/dev/null 2>&1
n=$(series_entries | wc -l)
check "apply makes one commit per patch on the pristine commit" \
    test "$(git_q rev-list --count stack-base..HEAD)" = "$n"
out=$("$SCRIPTS/apply.sh" --source "$SRC" 2>&1)
check "apply again with nothing changed applies nothing" grep -q "(0 applied now)" <<<"$out"

# --- a patch that does not apply ---------------------------------------------
head_before=$(git_q rev-parse HEAD)
mkdir -p "$PATCHES_DIR/test"
cat >"$PATCHES_DIR/test/bad.patch" <<'P'
From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Test <test@example.invalid>
Date: Thu, 1 Jan 2026 00:00:00 +0000
Subject: [PATCH] test: a patch whose context is not in the tree

---
 VERSION | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/VERSION b/VERSION
--- a/VERSION
+++ b/VERSION
@@ -1 +1 @@
-9.9.9
+9.9.10
P
cp "$PATCHES_DIR/test/bad.patch" "$tmp/bad.orig"
echo "test/bad.patch" >>"$PATCHES_DIR/series"
expect_fail "a patch that does not apply stops, naming the patch and the file" \
    "patch test/bad.patch does not apply to VERSION" "$SCRIPTS/apply.sh"
check "after the failure qemu/ is at the last patch that applied" \
    test "$(git_q rev-parse HEAD)" = "$head_before"
check "after the failure qemu/ is clean (no half-applied patch)" \
    test -z "$(git_q status --porcelain)"
check "the failing patch file is left intact" cmp -s "$PATCHES_DIR/test/bad.patch" "$tmp/bad.orig"
sed -i '/^test\/bad.patch$/d' "$PATCHES_DIR/series"
rm -r "$PATCHES_DIR/test"

# --- a dirty qemu/ -----------------------------------------------------------
echo "local edit" >>"$QEMU_DIR/VERSION"
cp "$QEMU_DIR/VERSION" "$tmp/VERSION.edited"
expect_fail "apply over uncommitted changes stops and says how to keep or discard them" \
    "uncommitted changes.*"$'\n'".*VERSION.*"$'\n'".*export.sh" "$SCRIPTS/apply.sh"
check "the uncommitted change is left intact" cmp -s "$QEMU_DIR/VERSION" "$tmp/VERSION.edited"
git_q checkout -q VERSION

# --- commits not yet exported ------------------------------------------------
echo "/* stack test */" >>"$QEMU_DIR/include/qemu/osdep.h"
git_q -c user.name=Test -c user.email=test@example.invalid commit -qam \
    "osdep: a new commit" -m "Upstream-Status: Inappropriate [test]"
new=$(git_q rev-parse HEAD)
expect_fail "apply over unexported commits stops and names them" \
    "not exported.*"$'\n'".*osdep: a new commit.*"$'\n'".*export.sh" "$SCRIPTS/apply.sh"
check "the unexported commit is left intact" test "$(git_q rev-parse HEAD)" = "$new"

# --- export a new commit into a topic, then re-apply incrementally -----------
"$SCRIPTS/export.sh" --topic test >/dev/null 2>&1
check "export writes the new commit as test/osdep-a-new-commit.patch" \
    test -f "$PATCHES_DIR/test/osdep-a-new-commit.patch"
check "export lists it last in series under its topic" \
    test "$(series_entries | tail -n1)" = "test/osdep-a-new-commit.patch"
out=$("$SCRIPTS/apply.sh" 2>&1)
check "apply after export changes nothing" grep -q "(0 applied now)" <<<"$out"
sed -i 's/^Upstream-Status: Inappropriate \[test\]/&, edited/' "$PATCHES_DIR/test/osdep-a-new-commit.patch"
out=$("$SCRIPTS/apply.sh" 2>&1)
check "editing the last patch re-applies only that patch" grep -q "(1 applied now)" <<<"$out"

# --- rebase onto a changed upstream ------------------------------------------
first=$(series_entries | sed -n 1p)
file=$(sed -n 's|^diff --git a/\([^ ]*\) .*|\1|p' "$PATCHES_DIR/$first" | sed -n 1p)
line=$(sed -n '/^@@/{s/^@@ -\([0-9]*\).*/\1/p;q}' "$PATCHES_DIR/$first")
new_src="$tmp/upstream-next"
git_q worktree add -q --detach "$new_src" stack-base
sed -i "$((line + 3)),$((line + 5))s/\$/ # changed upstream/" "$new_src/$file"
echo "10.0.99" >"$new_src/VERSION"
git -C "$new_src" -c user.name=Test -c user.email=test@example.invalid commit -qam "next"
git -C "$new_src" tag v10.0.99
out=$(REBASE_DIR="$tmp/rebased" "$SCRIPTS/rebase.sh" --source "$new_src" --version 10.0.99 2>&1) &&
    not_ok "rebase onto a conflicting upstream fails" "$out" ||
    ok "rebase onto a conflicting upstream fails"
check "the rebase report names the conflicting patch and file" \
    grep -qE "FAILED +$first: .*$file" <<<"$out"
check "the rebase report lists the patches that applied" \
    grep -qE "^applied +test/osdep-a-new-commit.patch" <<<"$out"
tap_done
