#!/usr/bin/env bash
# Unpacks the C source of Debian's nginx (the upstream tarball of the
# installed version, from Debian's archive with `apt-get source`) into DIR,
# with Debian's configure flags. nginx-dev ships only the headers a dynamic
# module needs, not nginx's .c files, so a static build needs this.
# Usage: tools/nginx-source.sh DIR
set -euo pipefail
dir=$1
upstream=$(dpkg-query -W -f='${Version}' nginx | sed 's/-.*//')
cache="$(dirname "$dir")/nginx-source"
tarball="$cache/nginx_$upstream.orig.tar.gz"
if [ ! -s "$tarball" ]; then
    # A private apt state, so the machine's sources and lists stay untouched.
    mkdir -p "$cache/lists/partial"
    # The machine's Debian mirror, from deb822 sources or a one-line
    # sources.list (a bare debootstrap writes only the latter).
    mirror=$({ cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } \
        | awk '$1 == "URIs:" {print $2; exit}')
    [ -n "$mirror" ] || mirror=$({ cat /etc/apt/sources.list 2>/dev/null || true; } \
        | awk '$1 == "deb" && $2 ~ /^[a-z]+:/ {print $2; exit}')
    echo "deb-src ${mirror:-http://deb.debian.org/debian} bookworm main" > "$cache/sources.list"
    apt=(-o Dir::Etc::SourceList="$PWD/$cache/sources.list" -o Dir::Etc::SourceParts=/dev/null
         -o Dir::State::Lists="$PWD/$cache/lists")
    apt-get update -qq "${apt[@]}" || { echo "apt-get update of $cache/sources.list failed" >&2; exit 1; }
    # Only the upstream tarball is used; the Debian packaging may be missing
    # for a security update's version, which is not an error here.
    (cd "$cache" && apt-get source --download-only -qq "${apt[@]}" nginx >/dev/null 2>&1 || true)
    [ -s "$tarball" ] || { echo "nginx $upstream source not found in Debian's archive" >&2; exit 1; }
fi
rm -rf "$dir" && mkdir -p "$dir"
tar -xzf "$tarball" -C "$dir" --strip-components=1
cp /usr/share/nginx/src/conf_flags "$dir/"
