#!/bin/bash
# srcpkg.sh NAME DESTDIR -- Debian's source package NAME, unpacked once
# into DESTDIR/NAME-VERSION and cached there; prints that directory.
# Sources come from the mirror the machine is already configured for: the
# first use adds deb-src entries derived from the existing deb entries
# (same URIs, suites, components), so no host name lives in this repo.
# Nothing is patched: Debian's own patches are applied by dpkg-source, as
# `apt-get source` does; our adaptations live in our own files.
set -euo pipefail
name=$1 dest=$2
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
lock=$dest/.$name.lock
exec 9> "$lock"
flock 9
done_mark=$dest/.$name.dir
if [ -f "$done_mark" ] && [ -d "$(cat "$done_mark")" ]; then
	cat "$done_mark"
	exit 0
fi
say() { [ -n "${TANDEM_QUIET:-}" ] || echo "srcpkg: $*" >&2; }
command -v dpkg-source > /dev/null || {
	say "installing dpkg-dev (dpkg-source)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends dpkg-dev > /dev/null
}
enable_src() {
	local f=/etc/apt/sources.list.d/tandem-deb-src.sources
	[ -f "$f" ] && return 0
	grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && return 0
	grep -qs '^deb-src' /etc/apt/sources.list && return 0
	say "enabling deb-src for the configured mirror"
	{
		for s in /etc/apt/sources.list.d/*.sources; do
			[ -f "$s" ] || continue
			sed -e 's/^Types:.*/Types: deb-src/' "$s"
			echo
		done
	} > "$f.tmp"
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list \
		    > /etc/apt/sources.list.d/tandem-deb-src.list
	fi
	mv "$f.tmp" "$f"
	apt-get update -qq
}
if ! (cd "$dest" && apt-get source --download-only -qq "$name" \
    > /dev/null 2>&1); then
	enable_src
	apt-get update -qq
	say "fetching source package $name"
	(cd "$dest" && apt-get source --download-only -qq "$name" > /dev/null)
fi
dsc=$(ls -t "$dest"/"${name}"_*.dsc | head -1)
ver=$(sed -n 's/^Version: //p' "$dsc" | head -1)
uver=${ver#*:}; uver=${uver%-*}
dir=$dest/$name-$uver
rm -rf "$dir"
say "unpacking $(basename "$dsc")"
(cd "$dest" && dpkg-source -x "$dsc" "$dir" > /dev/null 2>&1) ||
    (cd "$dest" && dpkg-source -x "$dsc" "$dir" > /dev/null)
echo "$dir" > "$done_mark"
echo "$dir"
