#!/bin/bash
# Fetch the pinned QEMU source and verify it against build-scripts/qemu.pin.
#
# Usage: build-scripts/fetch.sh [--source TARBALL|GIT_DIR]
#        (or QEMU_SOURCE=TARBALL|GIT_DIR in the environment)
#
# Sources, in this order:
#   1. a tarball (Debian's qemu_X+ds.orig.tar.xz or upstream's qemu-X.tar.xz) or a git
#      tree at tag vX given by the user;
#   2. else Debian's orig tarball, through apt, from the suite the pin names
#      (QEMU_DEBIAN_SUITE), with a deb-src entry for it on the mirror this machine's apt
#      sources use (private apt state under cache/apt; /etc/apt is untouched).
# A tarball whose sha256 is not pinned stops the run with expected and actual checksums.
# Upstream's tarball while the pin has no sha256 for it (QEMU_UPSTREAM_SHA256 empty: no
# source this project trusts had published it when the pin moved) is only checked: every
# file of the pinned Debian tarball (fetched as in 2.) must be in it with the same content;
# the files Debian removes (prebuilt firmware, which make installs from such a tarball) are
# NOT verified, which the output says, printing the tarball's sha256 for the pin.
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
    *) expected=$QEMU_UPSTREAM_SHA256
       [ -n "$expected" ] || { verify_against_debian "$f"; return; } ;;
    esac
    step "verify $(basename "$f")"
    actual=$(sha256sum "$f" | cut -d' ' -f1)
    if [ "$actual" != "$expected" ]; then
        die "checksum mismatch for $f
  expected: $expected (build-scripts/qemu.pin)
  actual:   $actual"
    fi
}

# verify_against_debian FILE: upstream's tarball FILE holds every file of the pinned
# Debian tarball, byte for byte, under its own top directory
verify_against_debian() {
    local f=$1 deb
    deb=$(QEMU_SOURCE= "$0") ||
        die "cannot check $(basename "$f") without Debian's $QEMU_DEBIAN_TARBALL (in cache/ or from the archive):
  pin its sha256 (QEMU_UPSTREAM_SHA256 in qemu.pin) once checked against qemu.org's signature"
    step "verify $(basename "$f") file by file against $(basename "$deb") (no upstream sha256 pinned)"
    python3 - "$f" "$deb" <<'PY' || die "$(basename "$f") does not match Debian's $(basename "$deb")"
import hashlib, sys, tarfile
def members(path):
    out = {}
    with tarfile.open(path) as t:
        for m in t:
            name = m.name.split('/', 1)[1] if '/' in m.name else ''
            if m.isfile():
                out[name] = hashlib.sha256(t.extractfile(m).read()).hexdigest()
            elif m.issym() or m.islnk():
                out[name] = 'link:' + m.linkname
    return out
try:
    up, deb = members(sys.argv[1]), members(sys.argv[2])
except (OSError, tarfile.TarError) as err:
    sys.exit('not a readable tarball: %s' % err)
bad = sorted(n for n in deb if up.get(n) != deb[n])
if bad:
    sys.stderr.write('%d of Debian\'s %d files missing or different, e.g. %s\n'
                     % (len(bad), len(deb), ', '.join(bad[:5])))
    sys.exit(1)
sys.stderr.write('%d files identical to Debian\'s; %d only in upstream\'s, NOT verified '
                 '(what Debian removes: prebuilt firmware, which make installs)\n'
                 % (len(deb), len(set(up) - set(deb))))
PY
    step "$(basename "$f"): sha256 $(sha256sum "$f" | cut -d' ' -f1) (QEMU_UPSTREAM_SHA256 in qemu.pin, once a trusted source confirms it)"
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

apt_src_index "$QEMU_DEBIAN_SUITE"

# Find the orig tarball in the Sources index: do not depend on the .dsc being downloadable.
record=$(apt-cache "${APT_OPTS[@]}" showsrc qemu 2>/dev/null |
    awk -v want="$QEMU_DEBIAN_TARBALL" '
        function flush() { if (!done && sum != "" && dir != "") { print dir " " sum; done = 1; exit } sum = dir = "" }
        /^$/ { flush(); next }
        /^Directory:/ { dir = $2 }
        /^Checksums-Sha256:/ { insum = 1; next }
        /^[^ ]/ { insum = 0 }
        insum && $3 == want { sum = $1 }
        END { flush() }')
if [ -z "$record" ]; then
    now=$(apt-cache "${APT_OPTS[@]}" showsrc qemu 2>/dev/null | sed -n 's/^Version: //p' | paste -sd' ')
    die "no '$QEMU_DEBIAN_TARBALL' in the deb-src index of suite $QEMU_DEBIAN_SUITE on the configured mirror (it serves qemu ${now:-nothing})
  The suite has moved past the pin: give the tarball with QEMU_SOURCE=, or move the pin
  (build-scripts/rebase.sh --newer lists what the archive offers)"
fi
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
