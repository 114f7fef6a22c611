#!/bin/bash
# Derive apt source entries for this release's -backports suite from the mirror the
# machine already uses (no mirror host is written in this project).
#
# Usage: build-scripts/apt-backports.sh --print [deb|deb-src [SUITE]]  deb822 stanza on stdout
#                                       (SUITE: another suite of the same mirror, e.g. the one
#                                       build-scripts/qemu.pin takes QEMU's source from)
#        build-scripts/apt-backports.sh --enabled               exit 0 if apt already has it
#        build-scripts/apt-backports.sh --uri                   the mirror URI
set -euo pipefail
. "$(dirname "$0")/lib.sh"
want_help "${1:-}"

. /etc/os-release
CODENAME=$VERSION_CODENAME
SUITE="$CODENAME-backports"

# Print "URI<TAB>Signed-By" of the first enabled deb entry for $CODENAME.
main_entry() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -e "$f" ] || continue
        awk -v want="$CODENAME" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") && enabled != "no" && uri != "")
                    { print uri "\t" signed; found = 1; exit }
                types = suites = uri = signed = enabled = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^#/ { next }
            { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "") }
            key == "types" { types = $0 } key == "suites" { suites = $0 }
            key == "uris" { split($0, u, " "); uri = u[1] } key == "signed-by" { signed = $0 }
            key == "enabled" { enabled = tolower($0) }
            END { if (!found) flush() }' "$f" | head -n1
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -e "$f" ] || continue
        awk -v want="$CODENAME" '$1 == "deb" {
                i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i+1) == want) { print $i "\t"; exit } }' "$f"
    done
}

entry=$(main_entry | head -n1)
[ -n "$entry" ] || die "no apt entry for '$CODENAME' found in /etc/apt; cannot derive the $SUITE mirror"
URI=${entry%%$'\t'*}
SIGNED=${entry#*$'\t'}

case "${1:-}" in
--uri) echo "$URI" ;;
--print)
    echo "Types: ${2:-deb}"
    echo "URIs: $URI"
    echo "Suites: ${3:-$SUITE}"
    echo "Components: main"
    [ -n "$SIGNED" ] && echo "Signed-By: $SIGNED"
    ;;
--enabled)
    apt-get indextargets --format '$(RELEASE)' 2>/dev/null | grep -qx "$SUITE" ||
        grep -rqs -- "$SUITE" /etc/apt/sources.list /etc/apt/sources.list.d/ ;;
*) usage >&2; exit 2 ;;
esac
