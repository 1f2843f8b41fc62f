#!/bin/bash
# bench/linux-guest/build-apps.sh OUTDIR nginx|redis APPROOT
#
# The Linux side of bench/nginx.sh and bench/redis.sh: Debian's own nginx
# and redis-server binaries (the host's packages, tools/deps.sh) in an
# initramfs for the Debian kernel that bench/linux-guest/build.sh fetches.
#   OUTDIR/vmlinuz, OUTDIR/kernel-version.txt   from build.sh (OUTDIR/base)
#   OUTDIR/initrd-nginx.img   busybox-static + /usr/sbin/nginx with its ldd
#                             closure + APPROOT (the appliance's root
#                             tree: nginx.conf, /srv/www)
#   OUTDIR/initrd-redis.img   the same with /usr/bin/redis-server and
#                             APPROOT (/etc/redis/redis.conf)
# Both carry the virtio modules and ext4 (the disk at /data), in the order
# `modprobe --show-depends` gives.  One initramfs per app, so neither
# guest's memory holds the other app.
# /init (apps-init.sh): insmod, eth0 from ip=A/P, mount /dev/vda on /data
# when there is one, then runs tdapp=nginx|redis with the rest of the
# command line after "--" as its arguments (like a Tandem image's app
# args); prints TDBENCH_APP_START before and "tandem: exit N" after.
# Rebuilt only when an input is newer than the output.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: build-apps.sh OUTDIR nginx|redis APPROOT}
APP=${2:?app}
APPROOT=${3:?app root}
case $APP in
nginx) BIN=/usr/sbin/nginx ;;
redis) BIN=/usr/bin/redis-server ;;
*) echo "build-apps: app must be nginx or redis" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
MODS="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk failover net_failover virtio_net ext4"

for b in $BIN /bin/busybox; do
	[ -x "$b" ] || { echo "build-apps: $b missing (tools/deps.sh install)" >&2; exit 1; }
done
"$HERE/build.sh" "$OUT/base" >&2
cp -p "$OUT/base/vmlinuz" "$OUT/base/kernel-version.txt" "$OUT/"
KVER=$(sed -n 's/.*(\(.*\))$/\1/p' "$OUT/kernel-version.txt")
DEB=$(ls "$OUT"/base/dl/linux-image-*.deb 2>/dev/null | head -1)

# ---- modules: virtio + ext4 (cached per kernel and list) ----------------
STAMP="$(cat "$OUT/kernel-version.txt") | $MODS"
if [ ! -s "$OUT/modules/ORDER" ] || [ "$(cat "$OUT/modules/STAMP" 2>/dev/null)" != "$STAMP" ]; then
	[ -n "$DEB" ] || { echo "build-apps: no kernel package in $OUT/base/dl" >&2; exit 1; }
	S=$OUT/kroot
	rm -rf "$S" "$OUT/modules.tmp"
	mkdir -p "$S" "$OUT/modules.tmp"
	dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$S" --wildcards "./lib/modules/$KVER/*"
	depmod -b "$S" "$KVER"
	: > "$OUT/modules.tmp/ORDER"
	for m in $MODS; do
		modprobe -d "$S" -S "$KVER" --show-depends "$m" ||
		    { echo "build-apps: modprobe cannot resolve $m" >&2; exit 1; }
	done | awk '$1 == "insmod" && !seen[$2]++ {print $2}' | while read -r ko; do
		f=${ko##*/}
		case $f in
		*.ko.xz) xz -dc "$ko" > "$OUT/modules.tmp/${f%.xz}"; f=${f%.xz} ;;
		*.ko.zst) zstd -qdc "$ko" > "$OUT/modules.tmp/${f%.zst}"; f=${f%.zst} ;;
		*) cp "$ko" "$OUT/modules.tmp/$f" ;;
		esac
		echo "$f" >> "$OUT/modules.tmp/ORDER"
	done
	echo "$STAMP" > "$OUT/modules.tmp/STAMP"
	rm -rf "$OUT/modules" "$S"
	mv "$OUT/modules.tmp" "$OUT/modules"
fi

# copy_bin ROOT SRC DEST: a binary and its ldd closure (SONAME paths kept)
copy_bin() {
	local r=$1 lib
	install -D -m 755 "$(readlink -f "$2")" "$r$3"
	ldd "$2" | awk '/=>/ {print $3} /^[ \t]*\/lib64/ {print $1}' | while read -r lib; do
		[ -f "$lib" ] && install -D -m 755 "$(readlink -f "$lib")" "$r$lib"
	done
	true
}

# mkinitrd APP BINARY APPROOT
mkinitrd() {
	local app=$1 bin=$2 approot=$3 img=$OUT/initrd-$1.img R=$OUT/rootfs-$1 f newer=0
	for f in "$HERE/build-apps.sh" "$HERE/apps-init.sh" "$bin" "$OUT/modules/ORDER" "$OUT/base/initrd.img"; do
		[ "$(readlink -f "$f")" -nt "$img" ] && newer=1
	done
	[ -n "$(find "$approot" -newer "$img" 2>/dev/null | head -1)" ] && newer=1
	[ -s "$img" ] && [ $newer = 0 ] && return 0
	rm -rf "$R"
	mkdir -p "$R"/{bin,sbin,etc,proc,sys,dev,tmp,run,data,lib/modules,var/log/nginx,var/lib/nginx}
	cp /bin/busybox "$R/bin/busybox"
	for a in sh mount cat echo poweroff sleep insmod ip dd printf sysctl; do
		ln -s busybox "$R/bin/$a"
	done
	cp "$OUT/base/rootfs/bin/mono" "$R/bin/mono"
	cp "$OUT"/modules/*.ko "$OUT/modules/ORDER" "$R/lib/modules/"
	copy_bin "$R" "$bin" "$bin"
	cp -a "$approot/." "$R/"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\n' > "$R/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\nnobody:x:65534:\nwww-data:x:33:\n' > "$R/etc/group"
	printf 'passwd: files\ngroup: files\nhosts: files\n' > "$R/etc/nsswitch.conf"
	echo "127.0.0.1 localhost" > "$R/etc/hosts"
	echo "$bin" > "$R/etc/tdapp"
	cp "$HERE/apps-init.sh" "$R/init"
	chmod 755 "$R/init"
	(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -9) > "$img.tmp"
	mv "$img.tmp" "$img"
	echo "build-apps: $img $(($(stat -c %s "$img") / 1024)) KiB" >&2
}
mkinitrd "$APP" "$BIN" "$APPROOT"
