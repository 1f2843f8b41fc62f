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
fetch() {	# fetch [=VERSION]
	(cd "$dest" && apt-get source --download-only -qq "$name$1" \
	    > /dev/null 2>&1)
}
if ! fetch ""; then
	enable_src
	apt-get update -qq
	say "fetching source package $name"
	# the newest version first; a mirror snapshot may lack the files of
	# the newest one (a 404), then an older one of the same release
	ok=
	for v in $(apt-cache showsrc "$name" 2>/dev/null |
	    sed -n 's/^Version: //p' | sort -V -r | uniq); do
		fetch "=$v" && { ok=1; break; }
		say "$name $v: not on the mirror, trying an older version"
	done
	[ -n "$ok" ] || { echo "srcpkg: cannot fetch source package $name" >&2; exit 1; }
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
