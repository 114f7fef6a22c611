#!/bin/bash
# Fetch the pinned QEMU source and verify it against build-scripts/qemu.pin.
#
# Usage: build-scripts/fetch.sh [--source TARBALL|GIT_DIR]
#        (or QEMU_SOURCE=TARBALL|GIT_DIR in the environment)
#
# Sources, in this order:
#   1. a tarball (Debian's qemu_X+ds.orig.tar.xz or upstream's qemu-X.tar.xz) or a git
#      tree at tag vX given by the user;
#   2. else Debian's orig tarball, through apt, with a deb-src entry derived from the apt
#      sources of this machine (private apt state under cache/apt; /etc/apt is untouched).
# A tarball whose sha256 is not pinned stops the run with expected and actual checksums.
# Prints the path of the verified source (tarball or git tree) on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"
SRC=${QEMU_SOURCE:-}
if [ "${1:-}" = --source ]; then SRC=${2:?--source needs a path}; fi

# verify FILE: the checksum must be one the pin lists for this file's kind.
verify() {
    local f=$1 actual expected
    case "$(basename "$f")" in
    *+ds*) expected=$QEMU_DEBIAN_SHA256 ;;
    *) expected=$QEMU_UPSTREAM_SHA256 ;;
    esac
    step "verify $(basename "$f")"
    actual=$(sha256sum "$f" | cut -d' ' -f1)
    if [ "$actual" != "$expected" ]; then
        die "checksum mismatch for $f
  expected: $expected (build-scripts/qemu.pin)
  actual:   $actual"
    fi
}

if [ -n "$SRC" ]; then
    [ -e "$SRC" ] || die "source '$SRC' does not exist"
    SRC=$(realpath "$SRC")
    if [ -d "$SRC" ]; then
        git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1 ||
            die "'$SRC' is a directory but not a git tree"
        want=$(git -C "$SRC" rev-parse -q --verify "v$QEMU_VERSION^{commit}") ||
            die "git tree '$SRC' has no tag v$QEMU_VERSION"
        have=$(git -C "$SRC" rev-parse HEAD)
        [ "$want" = "$have" ] ||
            die "git tree '$SRC' is at $have, not at tag v$QEMU_VERSION ($want)"
        [ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
            die "git tree '$SRC' has local changes"
        echo "$SRC"
        exit 0
    fi
    verify "$SRC"
    echo "$SRC"
    exit 0
fi

TARBALL="$CACHE_DIR/$QEMU_DEBIAN_TARBALL"
if [ -f "$TARBALL" ]; then
    verify "$TARBALL"
    echo "$TARBALL"
    exit 0
fi

# Private apt configuration: deb-src for <codename>-backports on the configured mirror.
APT="$CACHE_DIR/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/etc"
"$SCRIPTS/apt-backports.sh" --print deb-src >"$APT/etc/src.sources"
: >"$APT/etc/empty.list"
apt_opts=(-o "Dir::Etc::SourceList=$APT/etc/empty.list"
          -o "Dir::Etc::SourceParts=$APT/etc"
          -o "Dir::State::Lists=$APT/lists"
          -o "Dir::Cache=$APT/cache"
          -o "Debug::NoLocking=1")
step "fetch: apt source index ($(grep ^URIs "$APT/etc/src.sources" | cut -d' ' -f2) $(grep ^Suites "$APT/etc/src.sources" | cut -d' ' -f2))"
apt-get "${apt_opts[@]}" -qq update >&2 || die "apt-get update of the deb-src index failed"

# Find the orig tarball in the Sources index: do not depend on the .dsc being downloadable.
record=$(apt-cache "${apt_opts[@]}" showsrc qemu 2>/dev/null |
    awk -v want="$QEMU_DEBIAN_TARBALL" '
        function flush() { if (!done && sum != "" && dir != "") { print dir " " sum; done = 1; exit } sum = dir = "" }
        /^$/ { flush(); next }
        /^Directory:/ { dir = $2 }
        /^Checksums-Sha256:/ { insum = 1; next }
        /^[^ ]/ { insum = 0 }
        insum && $3 == want { sum = $1 }
        END { flush() }')
[ -n "$record" ] || die "no '$QEMU_DEBIAN_TARBALL' in the deb-src index of the configured mirror"
dir=${record% *} index_sum=${record#* }
[ "$index_sum" = "$QEMU_DEBIAN_SHA256" ] ||
    die "the archive lists $QEMU_DEBIAN_TARBALL with sha256 $index_sum, the pin expects $QEMU_DEBIAN_SHA256"
URI=$("$SCRIPTS/apt-backports.sh" --uri)
step "fetch: $QEMU_DEBIAN_TARBALL"
/usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$URI/$dir/$QEMU_DEBIAN_TARBALL" "$TARBALL.part" \
    "SHA256:$QEMU_DEBIAN_SHA256" >&2 || die "download of $URI/$dir/$QEMU_DEBIAN_TARBALL failed"
mv "$TARBALL.part" "$TARBALL"
verify "$TARBALL"
echo "$TARBALL"
