#!/bin/bash
# apps/redis/build.sh BUILD -- the redis appliance: Debian's redis 7.0.15
# source package built unmodified with its own Makefile and tandem-cc,
# baked into BUILD/img/redis.img with redis.conf in its root.
# Build choices (all documented redis Makefile variables, no patch):
#   MALLOC=libc       musl's malloc (jemalloc's configure would need its
#                     own port; the appliance has one process, no fork)
#   BUILD_TLS=no USE_SYSTEMD=no   no OpenSSL / libsystemd in the image
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=$("$here/../../tools/srcpkg.sh" redis "$B/src")
work=$B/apps/redis
stamp=$work/.tandem-stamp
want=$(cat "$0" "$B/lib/libos.a" "$B/musl/lib/libc.a" 2>/dev/null | sha256sum | cut -c1-16)
if [ ! -x "$work/src/redis-server" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	rm -rf "$work"
	mkdir -p "$work"
	cp -a "$src/." "$work/"
	echo "  REDIS   make (tandem-cc) in $work" >&2
	make -C "$work/src" -j"$(nproc)" CC="$B/bin/tandem-cc" MALLOC=libc \
	    BUILD_TLS=no USE_SYSTEMD=no redis-server > "$work/make.log" 2>&1 ||
	    { tail -30 "$work/make.log" >&2; exit 1; }
	echo "$want" > "$stamp"
fi
echo "  BAKE    $B/img/redis.img" >&2
"$B/lib/tandem/bake.sh" "$work/src/redis-server" -o "$B/img/redis.img" \
    --root "$here/root" --config net,fs --mem 64 --mount blk0:/data \
    --args "/etc/redis/redis.conf"
