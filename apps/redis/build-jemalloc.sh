#!/bin/bash
# apps/redis/build-jemalloc.sh BUILD -- Debian's jemalloc 5.3.0 source
# package, built unmodified with its own configure and Makefile and
# tandem-cc, into BUILD/apps/jemalloc/{include,lib}; prints that
# directory.  The redis appliance links it as Debian's redis-server links
# libjemalloc2 (USE_SYSTEM_JEMALLOC=yes: no prefix, it is malloc).
# Configure options: Debian's own for amd64 (debian/rules: 4 KiB pages,
# 2 MiB huge pages) except what the 2.5 MiB image budget cannot hold and
# a request never runs: --disable-prof (Debian builds it, off unless
# MALLOC_CONF asks), --disable-stats (INFO's allocator_* fields read 0),
# --disable-fill (junk/zero filling, off by default); all of it -Os
# (apps/redis/cc.sh) but jemalloc.c at -O2 (jemalloc's own -O3 is 8 KiB
# more): there -Os leaves malloc_usable_size's radix-tree lookup out of
# line, ~40 instructions more per call, and redis calls it on every
# zmalloc and zfree (bench/RESULTS.md).  And je_cv_madv_dontneed=no: libos's MADV_DONTNEED zeroes
# a mapping's pages only while no mprotect/PROT_NONE touched it, and
# jemalloc would take every forced purge for zeroed memory (calloc);
# without it jemalloc purges by mapping the range again (MAP_FIXED),
# which libos always zeroes.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
out=$B/apps/jemalloc
stamp=$out/.tandem-stamp
want=$(cat "$0" "$here/cc.sh" "$B/musl/lib/libc.a" 2>/dev/null | sha256sum | cut -c1-16)
if [ -f "$out/lib/libjemalloc.a" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
	echo "$out"
	exit 0
fi
src=$("$here/../../tools/srcpkg.sh" jemalloc "$B/src")
work=$B/apps/jemalloc-build
rm -rf "$work" "$out"
mkdir -p "$work" "$out/lib" "$out/include/jemalloc"
cp -a "$src/." "$work/"
export TD_CC=$B/bin/tandem-cc TD_SMALL_DIRS="$work/src"
export TD_SMALL=
cfg=(--with-lg-page=12 --with-lg-hugepage=21
	--disable-prof --disable-stats --disable-fill
	--disable-cxx --disable-libdl --disable-doc je_cv_madv_dontneed=no)
echo "  JEMALLOC configure (tandem-cc) in $work" >&2
(cd "$work" && ./configure CC="$here/cc.sh" "${cfg[@]}" > configure.log 2>&1) ||
    { tail -30 "$work/configure.log" >&2; exit 1; }
echo "  JEMALLOC make lib/libjemalloc.a" >&2
(cd "$work" && TD_FAST=jemalloc make -j2 EXTRA_CFLAGS="-g -O2" lib/libjemalloc.a) > "$work/make.log" 2>&1 ||
    { tail -30 "$work/make.log" >&2; exit 1; }
cp "$work/lib/libjemalloc.a" "$out/lib/"
cp "$work/include/jemalloc/jemalloc.h" "$out/include/jemalloc/"
echo "$want" > "$stamp"
echo "$out"
