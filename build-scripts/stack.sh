# Helpers shared by apply.sh, export.sh and rebase.sh. Source it after lib.sh.
# shellcheck shell=bash

# Fixed identity and dates: the same stack gives the same commit ids on every machine.
STACK_IDENT_NAME="kvmport stack"
STACK_IDENT_EMAIL="stack@kvmport.invalid"

# git with settings that make exported patches independent of the user's git config.
stack_git() {
    GIT_COMMITTER_NAME=$STACK_IDENT_NAME GIT_COMMITTER_EMAIL=$STACK_IDENT_EMAIL \
    git -c core.abbrev=12 -c diff.noprefix=false -c diff.mnemonicPrefix=false \
        -c diff.algorithm=myers -c diff.renames=true -c diff.relative=false \
        -c format.signOff=false -c format.numbered=false -c format.coverLetter=false \
        -c am.threeWay=false -c am.keepcr=false -c apply.whitespace=nowarn \
        -c core.autocrlf=false -c commit.gpgSign=false "$@"
}

# series_entries [SERIES]: the patch paths of SERIES (default patches/series), in order.
series_entries() {
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "${1:-$PATCHES_DIR/series}"
}

# am_failed_files: the files named in `git am` output (stdin) as not applying.
am_failed_files() {
    sed -n -e 's/^error: patch failed: \(.*\):[0-9]*$/\1/p' \
           -e 's/^error: \(.*\): does not exist in index$/\1/p' \
           -e 's/^error: \(.*\): already exists in index$/\1/p' | sort -u | paste -sd' '
}

patch_sum() { sha256sum "$PATCHES_DIR/$1" | cut -c1-16; }

# source_id FILE|DIR: a name for the pristine source recorded in the base commit.
source_id() {
    if [ -d "$1" ]; then
        echo "git:$(git -C "$1" rev-parse HEAD)"
    else
        echo "$(basename "$1"):$(sha256sum "$1" | cut -d' ' -f1)"
    fi
}

stack_base_source() {
    git -C "$QEMU_DIR" log -1 --format=%b stack-base 2>/dev/null | sed -n 's/^Source: //p'
}

# stack_import_pristine SRC SRC_ID DEST [VERSION]: make DEST a git tree whose first commit
# is the pristine source, tagged stack-base.
stack_import_pristine() {
    local src=$1 id=$2 dest=$3 version=${4:-$QEMU_VERSION}
    step "apply: unpack $(basename "$src") into $(basename "$dest")/"
    mkdir -p "$dest"
    if [ -d "$src" ]; then
        git -C "$src" archive --format=tar HEAD | tar -x -C "$dest"
    else
        tar -x -C "$dest" --strip-components=1 -f "$src"
    fi
    git -C "$dest" init -q -b stack
    git -C "$dest" config notes.rewriteRef refs/notes/stack
    git -C "$dest" config notes.rewriteMode cat_sort_uniq
    # The pristine tree is ~10,000 loose objects: without this every later commit or am
    # starts a background `git gc`, which competes with the build and races with
    # `rm -rf` of scratch trees (seen in the pipeline test). Run `git gc` by hand if wanted.
    git -C "$dest" config gc.auto 0
    git -C "$dest" add -A -f .
    GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
    GIT_AUTHOR_NAME=$STACK_IDENT_NAME GIT_AUTHOR_EMAIL=$STACK_IDENT_EMAIL \
        stack_git -C "$dest" commit -q --no-verify -m "QEMU $version, pristine upstream" \
            -m "Source: $id"
    git -C "$dest" tag -f stack-base >/dev/null
    git -C "$dest" update-ref refs/stack/exported HEAD
}

# stack_check_clean WHAT: refuse when qemu/ holds work that is not in patches/.
stack_check_clean() {
    local dirty head exported
    dirty=$(git -C "$QEMU_DIR" status --porcelain | sed -n 1,20p)
    if [ -n "$dirty" ]; then
        die "${1}: qemu/ has uncommitted changes:
$(sed 's/^/    /' <<<"$dirty")
  Keep them: commit them in qemu/ (git -C qemu commit -a), then build-scripts/export.sh
  Discard them: git -C qemu reset --hard && git -C qemu clean -fd"
    fi
    head=$(git -C "$QEMU_DIR" rev-parse HEAD)
    exported=$(git -C "$QEMU_DIR" rev-parse -q --verify refs/stack/exported || echo none)
    if [ "$head" != "$exported" ]; then
        die "${1}: qemu/ has commits that are not exported to patches/:
$(git -C "$QEMU_DIR" log --oneline "${exported/none/stack-base}..HEAD" 2>/dev/null | sed -n '1,20s/^/    /p')
  Keep them: build-scripts/export.sh
  Discard them: git -C qemu reset --hard refs/stack/exported"
    fi
}

# Link tests-qtest/ into the QEMU tree where tests/qtest/meson.build looks for it
# (meson's subdir() cannot reach outside the source tree). The link is not part of the
# stack: it is excluded in qemu/.git/info/exclude.
link_stack_qtests() {
    ln -sfn "$(realpath --relative-to="$QEMU_DIR/tests/qtest" "$ROOT/tests-qtest")" "$QEMU_DIR/tests/qtest/stack"
    grep -qx '/tests/qtest/stack' "$QEMU_DIR/.git/info/exclude" 2>/dev/null ||
        echo '/tests/qtest/stack' >>"$QEMU_DIR/.git/info/exclude"
}
