#!/bin/bash
# Fetch the Debian packages a Linux test guest is made of, for one architecture: the
# stock kernel (the real image package the metapackage linux-image-<debarch> depends on)
# and busybox-static. Prints the paths of the .debs on stdout, kernel first.
#
# Usage: guest-tools/linux/fetch-debs.sh x86_64|aarch64 [--kbuild]
#
# --kbuild: instead, what building modules for that kernel needs, at the kernel's exact
# version: linux-headers-<abi>-<flavour>, linux-headers-<abi>-common, linux-kbuild-<M.m>
# and linux-source-<M.m> (guest-tools/rig/kvm-modules.sh).
#
# The .debs are cached under $CACHE_DIR/guest-linux/debs (cache/ by default) and reused
# without network. apt runs on a private state (cache/guest-linux/apt: package lists and
# apt cache) over this machine's own apt sources, with amd64 and arm64 enabled there only:
# neither /etc/apt nor dpkg's architectures are changed. The private index is downloaded
# once (apt-get update) and refreshed only when a package cannot be downloaded any more.
set -euo pipefail
. "$(dirname "$0")/../../build-scripts/lib.sh"
want_help "${1:-}"
case "${1:-}" in
x86_64) DEBARCH=amd64 ;;
aarch64) DEBARCH=arm64 ;;
*) usage >&2; exit 2 ;;
esac
KBUILD=0
case "${2:-}" in
'') ;;
--kbuild) KBUILD=1 ;;
*) usage >&2; exit 2 ;;
esac

APT="$CACHE_DIR/guest-linux/apt"
DEBS="$CACHE_DIR/guest-linux/debs"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$DEBS"
# one at a time (make -j runs both architectures at once; apt's own locks are off)
exec 9>"$APT/fetch.lock"
flock 9
apt_opts=(-o "Dir::State::Lists=$APT/lists"
          -o "Dir::Cache=$APT/cache"
          -o "APT::Architectures::=amd64" -o "APT::Architectures::=arm64"
          -o "APT::Sandbox::User=root"
          -o "Debug::NoLocking=1")

update() {
    step "guest-linux: apt-get update (private index, amd64 and arm64)"
    apt-get "${apt_opts[@]}" -qq update >&2 ||
        die "apt-get update of the private package index ($APT) failed"
}

# field PKG:ARCH FIELD: a field of the candidate version
field() {
    apt-cache "${apt_opts[@]}" show --no-all-versions "$1" 2>/dev/null |
        sed -n "s/^$2: //p" | head -n1
}

# fetch PKG [VERSION]: print the cached .deb of PKG (its candidate for $DEBARCH, or
# VERSION), downloading it if needed
fetch() {
    local pkg=$1 ver=${2:-} arch deb
    [ -n "$ver" ] || ver=$(field "$pkg:$DEBARCH" Version)
    [ -n "$ver" ] || { echo "no package $pkg:$DEBARCH in the index" >&2; return 1; }
    arch=$(field "$pkg:$DEBARCH" Architecture)
    deb="$DEBS/${pkg}_${ver/:/%3a}_${arch:-$DEBARCH}.deb"
    if [ ! -s "$deb" ]; then
        step "guest-linux: fetch $pkg $ver ($DEBARCH)"
        (cd "$DEBS" && apt-get "${apt_opts[@]}" -qq download "$pkg:$DEBARCH=$ver") >&2 ||
            return 1
        [ -s "$deb" ] || { echo "apt-get download did not produce $deb" >&2; return 1; }
    fi
    echo "$deb"
}

# resolve: the kernel image behind the metapackage, then fetch it and busybox-static
resolve() {
    local meta=linux-image-$DEBARCH dep
    dep=$(field "$meta:$DEBARCH" Depends)
    dep=${dep%%[ ,|]*}
    case "$dep" in
    linux-image-[0-9]*) ;;
    *) echo "cannot resolve $meta:$DEBARCH to a kernel image package (Depends: '$dep')" >&2
       return 1 ;;
    esac
    if [ $KBUILD = 0 ]; then
        fetch "$dep" && fetch busybox-static
        return
    fi
    # linux-image-6.1.0-57-amd64 6.1.192-3: headers 6.1.0-57-{amd64,common}, 6.1 kbuild/source
    local abi=${dep#linux-image-} ver mm
    ver=$(field "$dep:$DEBARCH" Version)
    mm=$(sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p' <<<"$ver")
    [ -n "$mm" ] || { echo "cannot parse the version '$ver' of $dep" >&2; return 1; }
    fetch "linux-headers-$abi" "$ver" && fetch "linux-headers-${abi%-*}-common" "$ver" &&
        fetch "linux-kbuild-$mm" "$ver" && fetch "linux-source-$mm" "$ver"
}

ls "$APT/lists/"*"_binary-${DEBARCH}_Packages"* >/dev/null 2>&1 || update
if ! out=$(resolve); then
    # an old index names versions the mirror no longer has: refresh once and retry
    update
    out=$(resolve) || die "cannot fetch the $DEBARCH guest packages"
fi
echo "$out"
