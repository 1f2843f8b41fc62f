#!/bin/bash
# apps/redis/cc.sh -- the C compiler the redis appliance (and its
# jemalloc) is built with: tandem-cc (TD_CC), plus -Os for the sources
# that a GET/SET request never runs, so that jemalloc fits the image's
# 2.5 MiB budget (issue 12).  gcc obeys the last -O, so the -Os added
# after the build system's own flags wins; nothing in the sources or
# their Makefiles changes.  Which files (by basename, without .c):
#   TD_SMALL  a blank-separated list;
#   TD_SMALL_DIRS  directories (absolute) all of whose files are small
#             (redis's deps/lua: only EVAL and FUNCTION run Lua)
#   TD_FAST   basenames that stay as the build system compiles them even
#             in a small directory (jemalloc.c: malloc, free and
#             malloc_usable_size, which redis calls on every allocation).
set -uo pipefail
small=0
src=
for a in "$@"; do
	case $a in *.c) src=$a ;; esac
done
if [ -n "$src" ]; then
	base=$(basename "$src" .c)
	dir=$(cd "$(dirname "$src")" 2>/dev/null && pwd)
	case " ${TD_SMALL:-} " in *" $base "*) small=1 ;; esac
	for d in ${TD_SMALL_DIRS:-}; do
		[ "$dir" = "$d" ] && small=1
	done
	case " ${TD_FAST:-} " in *" $base "*) small=0 ;; esac
fi
if [ $small = 1 ]; then
	exec "$TD_CC" "$@" -Os -fno-unroll-loops
fi
exec "$TD_CC" "$@"
