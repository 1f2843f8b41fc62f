#!/bin/bash
# bench/linux-guest/build.sh OUTDIR
#
# Builds the Linux baseline that bench/boot.sh, bench/blk.sh and bench/net.sh
# compare Tandem against:
#   OUTDIR/vmlinuz      Debian's linux-image-amd64 kernel (bzImage), fetched
#                       with `apt-get download` and cached in OUTDIR/dl/
#   OUTDIR/initrd.img   gzip'd newc cpio: busybox-static, two freestanding
#                       helpers (rdtsc, mono: CLOCK_MONOTONIC in ns), and the
#                       virtio modules of the same package (virtio_ring,
#                       virtio, virtio_pci + virtio_pci_legacy_dev/modern_dev,
#                       virtio_blk, failover, net_failover, virtio_net), in the
#                       order `modprobe --show-depends` gives against the
#                       unpacked package (OUTDIR/modules/, cached per package)
#   OUTDIR/kernel-version.txt
# /init switches on the kernel command-line word tdbench=boot|blk|net:
#   boot (default, also when absent): the first thing /init does after
#     mounting /proc is print one marker and power off with `poweroff -f`:
#       TDBENCH_INIT uptime=<s from /proc/uptime> tsc=<guest TSC> mono_ns=<CLOCK_MONOTONIC ns>
#   blk: insmod the modules, then on /dev/vda (the whole disk, bs=65536):
#       dd if=/dev/zero of=/dev/vda oflag=direct conv=fsync   (write + flush)
#       dd if=/dev/vda of=/dev/null iflag=direct              (read)
#     each timed with the guest's CLOCK_MONOTONIC and reported as
#       TDBENCH_RESULT op=write|read bytes=N ns=N rc=N
#   net: insmod the modules, configure eth0 from ip=ADDR/PREFIX, print
#       TDBENCH_NET_READY ip=ADDR/PREFIX
#     then let the kernel answer ICMP echo until Icmp OutEchoReps has grown
#     by count=N (or tdwait=S seconds, default 300, have passed), and print
#       TDBENCH_RESULT op=ping replies=N
#   echo: as net, then run /bin/echosrv (bench/linux-guest/echosrv.c: the
#     services of apps/netecho on ports 7, 8, 9, 19) until told "quit"
#   blk, net and echo end like a Tandem image: "tandem: exit N" on the console
#   (N = number of failed steps) and N written to isa-debug-exit (port
#   0xf4, through /dev/port), so `tandem run` accepts the guest as it
#   accepts an image (QEMU status (N << 1) | 1); `poweroff -f` as fallback.
# Everything is rebuilt only when missing or older than this script.
# Set LINUX_DEB=/path/to/linux-image-*.deb to use a local package instead of
# downloading.  Needs: apt-get, dpkg-deb, cpio, gzip, gcc, busybox-static,
# kmod (depmod, modprobe).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: build.sh OUTDIR}
mkdir -p "$OUT/dl"
OUT=$(cd "$OUT" && pwd)
# module names as the brief gives them; modprobe adds and orders dependencies
MODS="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk failover net_failover virtio_net"

missing=""
for p in busybox-static cpio kmod; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "linux-guest: installing$missing" >&2
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq $missing >&2
fi

# the linux-image-<abi>-amd64 package that linux-image-amd64 points to
DEB=
get_deb() {
	[ -n "$DEB" ] && return 0
	if [ -n "${LINUX_DEB:-}" ]; then
		DEB=$LINUX_DEB
		return 0
	fi
	local kpkg
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	    awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	[ -n "$kpkg" ] || { echo "linux-guest: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
	if ! ls "$OUT"/dl/"${kpkg}"_*.deb >/dev/null 2>&1; then
		echo "linux-guest: apt-get download $kpkg" >&2
		(cd "$OUT/dl" && timeout 900 apt-get download -q "$kpkg" >&2)
	fi
	DEB=$(ls "$OUT"/dl/"${kpkg}"_*.deb | head -1)
}

# ---- kernel ----------------------------------------------------------------
if [ ! -s "$OUT/vmlinuz" ] || [ ! -s "$OUT/kernel-version.txt" ]; then
	get_deb
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
KVER=$(sed -n 's/.*(\(.*\))$/\1/p' "$OUT/kernel-version.txt")
[ -n "$KVER" ] || { echo "linux-guest: no kernel version in $OUT/kernel-version.txt" >&2; exit 1; }

# ---- virtio modules of the same package --------------------------------------
# OUTDIR/modules/*.ko + ORDER (insmod order), cached; STAMP names the
# kernel and the module list they were resolved for.
STAMP="$(cat "$OUT/kernel-version.txt") | $MODS"
if [ ! -s "$OUT/modules/ORDER" ] || [ "$(cat "$OUT/modules/STAMP" 2>/dev/null)" != "$STAMP" ]; then
	get_deb
	S=$OUT/kroot
	rm -rf "$S" "$OUT/modules.tmp"
	mkdir -p "$S" "$OUT/modules.tmp"
	echo "linux-guest: unpacking /lib/modules/$KVER to resolve virtio modules" >&2
	dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$S" --wildcards "./lib/modules/$KVER/*"
	depmod -b "$S" "$KVER"	# Debian's package ships no modules.dep
	: > "$OUT/modules.tmp/ORDER"
	for m in $MODS; do
		modprobe -d "$S" -S "$KVER" --show-depends "$m" ||
		    { echo "linux-guest: modprobe cannot resolve $m" >&2; exit 1; }
	done | awk '$1 == "insmod" && !seen[$2]++ {print $2}' | while read -r ko; do
		f=${ko##*/}
		case $f in
		*.ko.xz) xz -dc "$ko" > "$OUT/modules.tmp/${f%.xz}"; f=${f%.xz} ;;
		*.ko.zst) zstd -qdc "$ko" > "$OUT/modules.tmp/${f%.zst}"; f=${f%.zst} ;;
		*) cp "$ko" "$OUT/modules.tmp/$f" ;;
		esac
		echo "$f" >> "$OUT/modules.tmp/ORDER"
	done
	for m in $MODS; do
		grep -qx "$m.ko" "$OUT/modules.tmp/ORDER" ||
		    { echo "linux-guest: $m is not a loadable module of $KVER" >&2; exit 1; }
	done
	echo "$STAMP" > "$OUT/modules.tmp/STAMP"
	rm -rf "$OUT/modules" "$S"
	mv "$OUT/modules.tmp" "$OUT/modules"
	echo "linux-guest: modules: $(tr '\n' ' ' < "$OUT/modules/ORDER")" >&2
fi

# ---- initramfs -----------------------------------------------------------
if [ ! -s "$OUT/initrd.img" ] || [ "$HERE/build.sh" -nt "$OUT/initrd.img" ] ||
    [ "$HERE/rdtsc.c" -nt "$OUT/initrd.img" ] || [ "$HERE/mono.c" -nt "$OUT/initrd.img" ] ||
    [ "$HERE/bench-init.sh" -nt "$OUT/initrd.img" ] || [ "$OUT/modules/ORDER" -nt "$OUT/initrd.img" ] ||
    [ "$HERE/echosrv.c" -nt "$OUT/initrd.img" ] ||
    [ "$HERE/../../apps/epecho/epecho.c" -nt "$OUT/initrd.img" ]; then
	R=$OUT/rootfs
	rm -rf "$R"
	mkdir -p "$R"/{bin,sbin,proc,sys,dev,tmp,lib/modules}
	cp /bin/busybox "$R/bin/busybox"
	for a in sh mount cat echo poweroff sleep insmod ip dd awk printf; do
		ln -s busybox "$R/bin/$a"
	done
	for h in rdtsc mono; do
		gcc -O2 -static -nostdlib -ffreestanding -fno-pic -no-pie -fno-stack-protector \
		    -fcf-protection=none -Wl,--build-id=none -o "$R/bin/$h" "$HERE/$h.c"
	done
	# tdbench=echo: the TCP echo services of apps/netecho, natively
	gcc -O2 -static -o "$R/bin/echosrv" "$HERE/echosrv.c"
	# ... and apps/epecho (the program Tandem's epecho.img is built from)
	gcc -std=gnu11 -O2 -static -o "$R/bin/epecho" "$HERE/../../apps/epecho/epecho.c"
	cp "$OUT"/modules/*.ko "$OUT/modules/ORDER" "$R/lib/modules/"
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
read -r CL < /proc/cmdline
case " $CL " in
*" tdbench=blk "*|*" tdbench=net "*|*" tdbench=echo "*) exec /bin/sh /bench.sh $CL ;;
esac
/bin/poweroff -f
echo "TDBENCH_POWEROFF_FAILED"
/bin/sleep 5
EOF
	chmod 755 "$R/init"
	cp "$HERE/bench-init.sh" "$R/bench.sh"
	chmod 755 "$R/bench.sh"
	(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -9) > "$OUT/initrd.img.tmp"
	mv "$OUT/initrd.img.tmp" "$OUT/initrd.img"
fi
echo "linux-guest: $OUT/vmlinuz ($(cat "$OUT/kernel-version.txt")), initrd $(($(stat -c %s "$OUT/initrd.img") / 1024)) KiB" >&2
