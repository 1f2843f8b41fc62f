#!/bin/bash
# apps/nginx/build.sh BUILD -- the nginx appliance: Debian's nginx 1.22.1
# source package built unmodified with its own ./configure && make and
# tandem-cc, baked into BUILD/img/nginx.img with nginx.conf and a small
# site in its root.  One process (master_process off; daemon off; in
# nginx.conf), epoll, sendfile.  No rewrite or gzip modules: they would
# need PCRE and zlib in the image, and the appliance serves static files.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=$("$here/../../tools/srcpkg.sh" nginx "$B/src")
work=$B/apps/nginx
stamp=$work/.tandem-stamp
want=$(cat "$0" "$B/lib/libos.a" "$B/musl/lib/libc.a" 2>/dev/null | sha256sum | cut -c1-16)
if [ ! -x "$work/objs/nginx" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	rm -rf "$work"
	mkdir -p "$work"
	cp -a "$src/." "$work/"
	echo "  NGINX   configure && make (tandem-cc) in $work" >&2
	(cd "$work" && ./configure --with-cc="$B/bin/tandem-cc" \
	    --prefix=/ --conf-path=/etc/nginx/nginx.conf \
	    --error-log-path=stderr --http-log-path=/dev/stdout \
	    --pid-path=/tmp/nginx.pid --lock-path=/tmp/nginx.lock \
	    --http-client-body-temp-path=/tmp/body \
	    --http-proxy-temp-path=/tmp/proxy \
	    --http-fastcgi-temp-path=/tmp/fastcgi \
	    --http-uwsgi-temp-path=/tmp/uwsgi --http-scgi-temp-path=/tmp/scgi \
	    --without-http_rewrite_module --without-http_gzip_module \
	    --with-threads > "$work/configure.log" 2>&1) ||
	    { tail -30 "$work/configure.log" >&2; exit 1; }
	make -C "$work" -j"$(nproc)" > "$work/make.log" 2>&1 ||
	    { tail -30 "$work/make.log" >&2; exit 1; }
	echo "$want" > "$stamp"
fi
echo "  BAKE    $B/img/nginx.img" >&2
"$B/lib/tandem/bake.sh" "$work/objs/nginx" -o "$B/img/nginx.img" \
    --root "$here/root" --config net --mem 32 \
    --args "-p / -c /etc/nginx/nginx.conf"
