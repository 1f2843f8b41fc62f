#!/bin/bash
# bench/fs.sh [BUILD] -- ext4 on virtio-blk, Tandem vs the Debian Linux
# guest, in one run: fsync'd 4 KiB appends, sequential write and read of
# 256 MiB, create+stat+unlink of 10,000 small files.
#   The same program (bench/progs/fs_bench.c) is built with tandem-cc and
#   baked (--config fs --mount blk0:/data), and with musl-gcc -static for
#   the Linux guest, whose /init (busybox sh) loads virtio-blk and ext4
#   (modules of the same Debian kernel package as bench/linux-guest/build.sh,
#   resolved with modprobe), mounts /dev/vda on /data and runs it.
#   Both get a fresh 512 MiB disk made by Debian's `mke2fs -t ext4` (the
#   same shape: 4 KiB blocks, has_journal; Linux journals, Tandem writes
#   without journalling, see docs/ext4.md) and the same QEMU command
#   (`tandem run tcg`, -m $MEM, default 128; checked), TCG wall time.
# FS_BENCH_APPENDS (500) and FS_BENCH_ONLY=append|seq|files (all) narrow it.
# Prints a markdown table of rates and ratios (BUILD/bench/fs/results.md).
# Nothing is asserted about speed; exit 1 if a guest run failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
M=pc
APPENDS=${FS_BENCH_APPENDS:-500}
ONLY=${FS_BENCH_ONLY:-all}	# or append, seq, files: one phase
D=$B/bench/fs
. bench/guest-lib.sh
[ -x "$B/bin/tandem-cc" ] || { echo "fs.sh: run make BUILD=$B first" >&2; exit 2; }
mkdir -p "$D" || exit 2
rm -f "$D"/*.log "$D"/*.err
SRC=bench/progs/fs_bench.c

# ---- Tandem image ----
"$B/bin/tandem-cc" -O2 -o "$D/fs_bench" "$SRC" || exit 2
"$B/lib/tandem/bake.sh" "$D/fs_bench" -o "$D/fs_bench.img" --config fs \
    --mem "$MEM" --mount blk0:/data || exit 2

# ---- Linux guest: the bench guest's kernel and busybox + ext4 ----
command -v musl-gcc > /dev/null || tools/deps.sh install
lx_build
[ -n "$LX" ] || exit 2
R=$D/rootfs
KVER=$(sed -n 's/.*(\(.*\))$/\1/p' "$LX/kernel-version.txt")
DEB=$(ls "$LX"/dl/linux-image-*.deb 2>/dev/null | head -1)
if [ ! -s "$D/modules/ORDER" ] || [ "$D/modules/ORDER" -ot "$LX/kernel-version.txt" ]; then
	[ -n "$DEB" ] || { echo "fs.sh: no kernel package in $LX/dl" >&2; exit 2; }
	rm -rf "$D/kroot" "$D/modules"
	mkdir -p "$D/kroot" "$D/modules"
	dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$D/kroot" --wildcards "./lib/modules/$KVER/*"
	depmod -b "$D/kroot" "$KVER"
	for m in virtio_pci virtio_blk ext4; do
		modprobe -d "$D/kroot" -S "$KVER" --show-depends "$m" || exit 2
	done | awk '$1 == "insmod" && !seen[$2]++ {print $2}' | while read -r ko; do
		f=${ko##*/}
		case $f in
		*.ko.xz) xz -dc "$ko" > "$D/modules/${f%.xz}"; f=${f%.xz} ;;
		*.ko.zst) zstd -qdc "$ko" > "$D/modules/${f%.zst}"; f=${f%.zst} ;;
		*) cp "$ko" "$D/modules/$f" ;;
		esac
		echo "$f" >> "$D/modules/ORDER"
	done
	rm -rf "$D/kroot"
fi
rm -rf "$R"
mkdir -p "$R"/{bin,proc,sys,dev,data,lib/modules}
cp /bin/busybox "$R/bin/busybox"
for a in sh mount cat echo poweroff sleep insmod dd printf sync; do
	ln -s busybox "$R/bin/$a"
done
cp "$D"/modules/*.ko "$D/modules/ORDER" "$R/lib/modules/"
musl-gcc -static -O2 -o "$R/bin/fs_bench" "$SRC" || exit 2
cat > "$R/init" <<EOF
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in \$(cat /lib/modules/ORDER); do insmod /lib/modules/\$m; done
i=0
while [ ! -b /dev/vda ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
rc=1
mount -t ext4 /dev/vda /data && { /bin/fs_bench /data $APPENDS $ONLY; rc=\$?; }
sync
echo "tandem: exit \$rc"
sleep 0.2
printf "\\\\\$(printf %o "\$rc")" | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
poweroff -f
EOF
chmod 755 "$R/init"
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip) > "$D/initrd.img"

disk() { rm -f "$1"; mke2fs -q -F -t ext4 "$1" 512M > /dev/null 2>&1; }
disk "$D/tandem-disk.img"
"$B/bin/tandem" run tcg "$D/fs_bench.img" --machine "$M" --mem "$MEM" \
    --timeout 900 --show-cfg --disk "$D/tandem-disk.img" -- /data "$APPENDS" "$ONLY" \
    > "$D/tandem.log" 2> "$D/tandem.err" ||
    fail "tandem guest: status $?, see $D/tandem.log"
disk "$D/linux-disk.img"
"$B/bin/tandem" run tcg "$LX/vmlinuz" --machine "$M" --mem "$MEM" \
    --timeout 900 --show-cfg --disk "$D/linux-disk.img" \
    --qemu -initrd --qemu "$D/initrd.img" -- $LX_APPEND \
    > "$D/linux.log" 2> "$D/linux.err" ||
    fail "linux guest: status $?, see $D/linux.log"
same_shape "$D/tandem.err" "$D/linux.err"
for w in tandem linux; do
	e2fsck -fn "$D/$w-disk.img" > "$D/$w-disk.fsck" 2>&1 ||
	    fail "$w: e2fsck -fn not clean after the run, see $D/$w-disk.fsck"
done

val() { tr -d '\r' < "$D/$1.log" | sed -n "s/^bench: $2 \([0-9.]*\)\$/\1/p" | head -1; }
OUT=$D/results.md
{
echo "| ext4, virtio-blk, -M $M, TCG, -m $MEM, 512 MiB disk | Tandem | Linux guest | Tandem / Linux |"
echo "|---|---|---|---|"
row() {
	local t l
	t=$(val tandem "$1"); l=$(val linux "$1")
	echo "| $2 | ${t:-fail} | ${l:-fail} | $(ratio "$t" "$l") |"
}
row append_per_s "fsync'd 4 KiB appends ($APPENDS), per s"
row seqwrite_mb_s "sequential write 256 MiB (1 MiB writes + fsync), MB/s"
row seqread_mb_s "sequential read 256 MiB (Linux: caches dropped), MB/s"
row files_per_s "10,000 small files: create+write, stat, unlink; files/s"
echo
echo "commit $(git rev-parse --short HEAD 2>/dev/null), $(date -u +%F), QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}'), $(cat "$LX/kernel-version.txt")"
[ "$FAILS" -gt 0 ] && echo && echo "**$FAILS run(s) failed** — see $D/."
} > "$OUT"
cat "$OUT"
[ "$FAILS" -eq 0 ]
