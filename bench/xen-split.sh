#!/bin/bash
# bench/xen-split.sh [BUILD] -- Xen PV split drivers, Tandem vs a Debian
# Linux PV domU on the same backends (blkback on a raw file, netback on
# xenbr0), in one Xen-in-QEMU batch (TCG, so absolute numbers are slow;
# the ratio is the point).  Prints a markdown table.
#   blk: sequential 64 KiB writes and reads of 32 MiB.  Tandem:
#        blkcheck at queue depth 1 and 16.  Linux: busybox dd with
#        O_DIRECT (queue depth 1).
#   net: dom0 pings the guest 1000 times, one after the other (xnet):
#        round trips per second.  Tandem: pingd.  Linux: its own ICMP.
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
D=$B/bench/xen-split
X=${TANDEM_XEN_DIR:-$B/xen}
rm -rf "$D"; mkdir -p "$D"
D=$(cd "$D" && pwd)
tests/xen/build-dom0.sh "$X" || exit 1
gcc -O2 -static -o "$D/xnet" tests/xen/xnet.c || exit 1

# ---- the Linux guest: Debian's kernel (the dom0's) + a busybox initramfs
kver=$(cat "$X/kernel-version.txt")
# unpacked outside BUILD: make reads every *.d under BUILD as a makefile
st=$(mktemp -d "${TMPDIR:-/tmp}/tdbench.XXXXXX")
trap 'rm -rf "$st"' EXIT
r=$st/root
mkdir -p "$r"/{bin,proc,sys,dev,m}
dpkg-deb -x "$(ls "$X"/debs/linux-image-"$kver"_*.deb | tail -1)" "$st"
dpkg-deb -x "$(ls "$X"/debs/busybox-static_*.deb | tail -1)" "$st"
depmod -b "$st" "$kver"
cp "$st/bin/busybox" "$r/bin/busybox"
# one module per modprobe: further words would be module parameters
for m in xen-blkfront xen-netfront; do
	modprobe -d "$st" -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
	f=${ko##*/}; f=${f%.xz}
	case $ko in *.xz) xz -dc "$ko" > "$r/m/$f" ;; *) cp "$ko" "$r/m/$f" ;; esac
	echo "$f" >> "$r/m/order"
done
cat > "$r/init" <<'EOS'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(cat /m/order); do insmod /m/$m; done
i=0; while [ ! -b /dev/xvda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
up() { read -r u _ < /proc/uptime; echo "${u%.*}${u#*.}"; }
mbs() { echo "$((32 * 100 * 100 / ($2 - $1)))" | sed 's/..$/.&/'; }
t0=$(up); dd if=/dev/zero of=/dev/xvda bs=64k count=512 oflag=direct 2>/dev/null; sync; t1=$(up)
echo "linux: write $(mbs $t0 $t1) MB/s"
t0=$(up); dd if=/dev/xvda of=/dev/null bs=64k count=512 iflag=direct 2>/dev/null; t1=$(up)
echo "linux: read $(mbs $t0 $t1) MB/s"
i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ip addr add 192.0.2.3/24 dev eth0; ip link set eth0 up
echo "linux: ready"
sleep 600
EOS
chmod 755 "$r/init"
(cd "$r" && find . | cpio --quiet -o -H newc -R 0:0) > "$D/linux.cpio"
cp "$X/vmlinuz" "$D/vmlinuz"

# ---- jobs
truncate -s 32M "$D/t.img" "$D/l.img"
cat > "$D/hook-ping.sh" <<'EOS'
i=0; while ! grep -qE 'pingd: ready|linux: ready' "$CLOG"; do sleep 0.2; i=$((i+1)); [ $i -gt 900 ] && exit 1; done
sleep 1
"$JOB/xnet" ping "$IP" 1000
xl destroy "$NAME"
EOS
for ip in 2 3; do sed "1i IP=192.0.2.$ip" "$D/hook-ping.sh" > "$D/hook$ip.sh"; mkdir -p "$D/h$ip"; cp "$D/hook$ip.sh" "$D/h$ip/hook.sh"; done
vif="xl=vif = [ 'bridge=xenbr0,mac=00:16:3e:54:00:20' ]"
dt="xl=disk = [ 'format=raw,vdev=xvda,access=rw,target=@DIR@/t.img' ]"
dl="xl=disk = [ 'format=raw,vdev=xvda,access=rw,target=@DIR@/l.img' ]"
{
	echo "@env BRIDGE_IP=192.0.2.1/24"
	for qd in 1 16; do
		echo "tw$qd|pv|$B/img/blkcheck.img|128|60|write 5 blk0 bs=65536 qd=$qd|$dt|file=$D/t.img"
		echo "tr$qd|pv|$B/img/blkcheck.img|128|60|read 5 blk0 bs=65536 qd=$qd|$dt|file=$D/t.img"
	done
	echo "tping|pv|$B/img/pingd.img|64|90|ip=192.0.2.2/24|$vif|file=$D/h2/hook.sh|file=$D/xnet"
	echo "linux|pv|$D/vmlinuz|256|400|console=hvc0 quiet rdinit=/init|$dl|$vif|xl=ramdisk = \"@DIR@/linux.cpio\"|file=$D/l.img|file=$D/linux.cpio|file=$D/h3/hook.sh|file=$D/xnet"
} > "$D/jobs"
"$B/bin/tandem" xen-batch --out "$D" "$D/jobs" > "$D/summary" 2>&1
mbs() { sed -n 's/.* \([0-9.]*\) MB\/s.*/\1/p' "$D/$1.log" | head -1; }
rtt() { sed -n 's/.*(\([0-9]*\) round trips\/s).*/\1/p' "$D/$1.log" | head -1; }
lw=$(sed -n 's/^linux: write \([0-9.]*\) MB\/s/\1/p' "$D/linux.log")
lr=$(sed -n 's/^linux: read \([0-9.]*\) MB\/s/\1/p' "$D/linux.log")
echo "| Xen PV (nested, TCG) | Tandem | Linux PV domU | Tandem/Linux |"
echo "|---|---|---|---|"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
for qd in 1 16; do
	echo "| blk seq write 64 KiB, qd $qd, MB/s | $(mbs tw$qd) | ${lw:-n/a} (qd 1) | $(ratio "$(mbs tw$qd)" "$lw") |"
	echo "| blk seq read 64 KiB, qd $qd, MB/s | $(mbs tr$qd) | ${lr:-n/a} (qd 1) | $(ratio "$(mbs tr$qd)" "$lr") |"
done
echo "| ping from dom0, round trips/s | $(rtt tping) | $(rtt linux) | $(ratio "$(rtt tping)" "$(rtt linux)") |"
