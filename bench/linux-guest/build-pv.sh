#!/bin/bash
# bench/linux-guest/build-pv.sh OUTDIR XENDIR epecho|nginx|redis [APPROOT]
#
# The Linux side of bench/xen-apps.sh: an initramfs for Debian's kernel
# booted as a Xen PV domU -- the very vmlinuz the nested dom0 runs
# (XENDIR from tests/xen/build-dom0.sh, whose debs/ cache holds its
# package) -- with
#   busybox-static, the Xen front ends (xen-netfront, xen-blkfront) and
#   ext4 of that package, in `modprobe --show-depends` order, and the app:
#     epecho   apps/epecho/epecho.c built natively (static): the program
#              Tandem's epecho.img is built from
#     nginx    Debian's /usr/sbin/nginx + its ldd closure + APPROOT
#     redis    Debian's /usr/bin/redis-server + closure + APPROOT
#   /init = pv-init.sh (netfront up, /data on xvda, runs the app)
# Output: OUTDIR/pv-APP.cpio, uncompressed (the kernel would spend seconds
# of nested TCG inflating it: Tandem images are not compressed either).
# Rebuilt when an input is newer; the modules are cached per kernel.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: build-pv.sh OUTDIR XENDIR APP [APPROOT]}
X=${2:?xen dir}
APP=${3:?app}
APPROOT=${4:-}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
MODS="xen-netfront xen-blkfront ext4"
MODVER=2	# bump when the module selection below changes
KVER=$(cat "$X/kernel-version.txt")
DEB=$(ls "$X"/debs/linux-image-"$KVER"_*.deb 2>/dev/null | tail -1)
[ -n "$DEB" ] || { echo "build-pv: no linux-image-$KVER in $X/debs" >&2; exit 1; }

# ---- modules (cached per kernel package and list) -------------------------
STAMP="${DEB##*/} | $MODS | $MODVER"
if [ "$(cat "$OUT/modules/STAMP" 2>/dev/null)" != "$STAMP" ]; then
	# unpacked outside BUILD: make reads every *.d under BUILD
	S=$(mktemp -d "${TMPDIR:-/tmp}/tdpv.XXXXXX")
	rm -rf "$OUT/modules.tmp"
	mkdir -p "$OUT/modules.tmp"
	dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$S" --wildcards "./lib/modules/$KVER/*"
	depmod -b "$S" "$KVER"
	: > "$OUT/modules.tmp/ORDER"
	# crc32c-intel needs SSE4.2, which the nested CPU (qemu64) lacks:
	# crc32c_generic serves ext4
	for m in $MODS; do
		modprobe -d "$S" -S "$KVER" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ && $2 !~ /crc32c-intel/ {print $2}' |
	    while read -r ko; do
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

case $APP in
epecho) BIN=/bin/epecho SRC=$HERE/../../apps/epecho/epecho.c ;;
nginx) BIN=/usr/sbin/nginx SRC=$BIN ;;
redis) BIN=/usr/bin/redis-server SRC=$BIN ;;
*) echo "build-pv: app must be epecho, nginx or redis" >&2; exit 2 ;;
esac
[ -r "$SRC" ] || { echo "build-pv: $SRC missing (tools/deps.sh install)" >&2; exit 1; }
IMG=$OUT/pv-$APP.cpio
newer=0
for f in "$HERE/build-pv.sh" "$HERE/pv-init.sh" "$(readlink -f "$SRC")" "$OUT/modules/ORDER"; do
	[ "$f" -nt "$IMG" ] && newer=1
done
[ -n "$APPROOT" ] && [ -n "$(find "$APPROOT" -newer "$IMG" 2>/dev/null | head -1)" ] && newer=1
[ -s "$IMG" ] && [ $newer = 0 ] && exit 0

# copy_bin ROOT SRC DEST: a binary and its ldd closure (SONAME paths kept)
copy_bin() {
	local r=$1 lib
	install -D -m 755 "$(readlink -f "$2")" "$r$3"
	ldd "$2" | awk '/=>/ {print $3} /^[ \t]*\/lib64/ {print $1}' | while read -r lib; do
		[ -f "$lib" ] && install -D -m 755 "$(readlink -f "$lib")" "$r$lib"
	done
	true
}
R=$(mktemp -d "${TMPDIR:-/tmp}/tdpvroot.XXXXXX")
trap 'rm -rf "$R"' EXIT
mkdir -p "$R"/{bin,sbin,etc,proc,sys,dev,tmp,run,data,lib/modules,var/log/nginx,var/lib/nginx}
cp /bin/busybox "$R/bin/busybox"
for a in sh mount umount cat echo poweroff sleep insmod ip grep sysctl; do
	ln -s busybox "$R/bin/$a"
done
cp "$OUT"/modules/*.ko "$OUT/modules/ORDER" "$R/lib/modules/"
if [ "$APP" = epecho ]; then
	gcc -std=gnu11 -O2 -static -o "$R/bin/epecho" "$SRC" 2>/dev/null
else
	copy_bin "$R" "$BIN" "$BIN"
fi
[ -n "$APPROOT" ] && cp -a "$APPROOT/." "$R/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\nnobody:x:65534:\nwww-data:x:33:\n' > "$R/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files\n' > "$R/etc/nsswitch.conf"
echo "127.0.0.1 localhost" > "$R/etc/hosts"
echo "$BIN" > "$R/etc/tdapp"
install -m 755 "$HERE/pv-init.sh" "$R/init"
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$IMG.tmp"
mv "$IMG.tmp" "$IMG"
rm -rf "$R"
echo "build-pv: $IMG $(($(stat -c %s "$IMG") / 1024)) KiB" >&2
