#!/bin/bash
# apps/redis/build.sh BUILD -- the redis appliance: Debian's redis 7.0.15
# source package built unmodified with its own Makefile and tandem-cc,
# baked into BUILD/img/redis.img with redis.conf in its root.
# Build choices (all documented redis Makefile variables, no patch):
#   MALLOC=jemalloc USE_SYSTEM_JEMALLOC=yes   as Debian builds it
#                     (debian/rules): Debian's jemalloc 5.3.0 is the
#                     malloc, built by build-jemalloc.sh next to this
#   BUILD_TLS=no USE_SYSTEMD=no   no OpenSSL / libsystemd in the image
# and CC=cc.sh: tandem-cc, with -Os for the files a GET/SET request
# never runs (SMALL below, Lua, hiredis), which makes room for jemalloc in
# the 2.5 MiB image (issue 12); the request path keeps redis's -O2.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=$("$here/../../tools/srcpkg.sh" redis "$B/src")
je=$("$here/build-jemalloc.sh" "$B")
work=$B/apps/redis
stamp=$work/.tandem-stamp
want=$(cat "$0" "$here/cc.sh" "$je/lib/libjemalloc.a" "$B/lib/libos.a" \
    "$B/musl/lib/libc.a" 2>/dev/null | sha256sum | cut -c1-16)
# commands, replication, persistence and tooling that GET/SET never run
SMALL="module cluster sentinel replication aof config debug t_stream t_zset
	geo geohash geohash_helper hyperloglog bitops latency eval script_lua
	functions function_lua rdb sort lolwut lolwut5 lolwut6 t_list t_hash
	t_set tracking memtest sparkline redis-check-rdb redis-check-aof
	slowlog syscheck pubsub listpack quicklist ziplist intset zipmap lzf_c
	lzf_d sha1 sha256 crc64 crcspeed lazyfree childinfo syncio
	setproctitle localtime pqsort rio mt19937-64 crc16"
if [ ! -x "$work/src/redis-server" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	rm -rf "$work"
	mkdir -p "$work"
	cp -a "$src/." "$work/"
	echo "  REDIS   make (tandem-cc) in $work" >&2
	TD_CC=$B/bin/tandem-cc TD_SMALL=$(echo $SMALL) \
	TD_SMALL_DIRS="$work/deps/lua/src $work/deps/hiredis" \
	make -C "$work/src" -j"$(nproc)" CC="$here/cc.sh" \
	    MALLOC=jemalloc USE_SYSTEM_JEMALLOC=yes \
	    CFLAGS="-I$je/include" LDFLAGS="-L$je/lib" \
	    BUILD_TLS=no USE_SYSTEMD=no redis-server > "$work/make.log" 2>&1 ||
	    { tail -30 "$work/make.log" >&2; exit 1; }
	echo "$want" > "$stamp"
fi
echo "  BAKE    $B/img/redis.img" >&2
"$B/lib/tandem/bake.sh" "$work/src/redis-server" -o "$B/img/redis.img" \
    --root "$here/root" --config net,fs --mem 64 --mount blk0:/data \
    --args "/etc/redis/redis.conf"
