#!/bin/bash
# bench/linux-guest/build.sh OUTDIR
#
# Builds the Linux baseline that bench/boot.sh compares Tandem against:
#   OUTDIR/vmlinuz      Debian's linux-image-amd64 kernel (bzImage), fetched
#                       with `apt-get download` and cached in OUTDIR/dl/
#   OUTDIR/initrd.img   gzip'd newc cpio: busybox-static + a freestanding
#                       rdtsc helper; /init prints one marker line and powers
#                       off with `poweroff -f`
#   OUTDIR/kernel-version.txt
# The marker (first thing /init does after mounting /proc):
#   TDBENCH_INIT uptime=<s from /proc/uptime> tsc=<guest TSC> mono_ns=<CLOCK_MONOTONIC ns>
# Everything is rebuilt only when missing or older than this script.
# Set LINUX_DEB=/path/to/linux-image-*.deb to use a local package instead of
# downloading.  Needs: apt-get, dpkg-deb, cpio, gzip, gcc, busybox-static.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: build.sh OUTDIR}
mkdir -p "$OUT/dl"
OUT=$(cd "$OUT" && pwd)

missing=""
for p in busybox-static cpio; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "linux-guest: installing$missing" >&2
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq $missing >&2
fi

# ---- kernel: linux-image-amd64 -> linux-image-<abi>-amd64 ------------------
if [ ! -s "$OUT/vmlinuz" ] || [ ! -s "$OUT/kernel-version.txt" ]; then
	if [ -n "${LINUX_DEB:-}" ]; then
		DEB=$LINUX_DEB
	else
		KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
		    awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
		[ -n "$KPKG" ] || { echo "linux-guest: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
		if ! ls "$OUT"/dl/"${KPKG}"_*.deb >/dev/null 2>&1; then
			echo "linux-guest: apt-get download $KPKG" >&2
			(cd "$OUT/dl" && timeout 900 apt-get download -q "$KPKG" >&2)
		fi
		DEB=$(ls "$OUT"/dl/"${KPKG}"_*.deb | head -1)
	fi
	rm -rf "$OUT/kroot"
	mkdir -p "$OUT/kroot"
	# only the kernel image, not the 300 MB of modules
	dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$OUT/kroot" --wildcards './boot/vmlinuz-*'
	VMLINUZ=$(ls "$OUT"/kroot/boot/vmlinuz-* | head -1)
	KVER=${VMLINUZ##*/vmlinuz-}
	cp "$VMLINUZ" "$OUT/vmlinuz.tmp" && mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
	echo "$(dpkg-deb -f "$DEB" Package) $(dpkg-deb -f "$DEB" Version) ($KVER)" > "$OUT/kernel-version.txt"
	rm -rf "$OUT/kroot"
fi

# ---- initramfs -----------------------------------------------------------
if [ ! -s "$OUT/initrd.img" ] || [ "$HERE/build.sh" -nt "$OUT/initrd.img" ] ||
    [ "$HERE/rdtsc.c" -nt "$OUT/initrd.img" ]; then
	R=$OUT/rootfs
	rm -rf "$R"
	mkdir -p "$R"/{bin,sbin,proc,sys,dev}
	cp /bin/busybox "$R/bin/busybox"
	for a in sh mount cat echo poweroff sleep; do ln -s busybox "$R/bin/$a"; done
	gcc -O2 -static -nostdlib -ffreestanding -fno-pic -no-pie -fno-stack-protector \
	    -fcf-protection=none -Wl,--build-id=none -o "$R/bin/rdtsc" "$HERE/rdtsc.c"
	cat > "$R/init" <<'EOF'
#!/bin/sh
# Read the clocks first: this is the moment "Linux reached /init".
T=$(/bin/rdtsc)
/bin/mount -t proc proc /proc
U=$(/bin/cat /proc/uptime)
N=""
while read -r a b c d; do
	[ "$a $b" = "now at" ] && { N=$c; break; }
done < /proc/timer_list
echo "TDBENCH_INIT uptime=${U%% *} tsc=$T mono_ns=$N"
/bin/poweroff -f
echo "TDBENCH_POWEROFF_FAILED"
/bin/sleep 5
EOF
	chmod 755 "$R/init"
	(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -9) > "$OUT/initrd.img.tmp"
	mv "$OUT/initrd.img.tmp" "$OUT/initrd.img"
fi
echo "linux-guest: $OUT/vmlinuz ($(cat "$OUT/kernel-version.txt")), initrd $(($(stat -c %s "$OUT/initrd.img") / 1024)) KiB" >&2
