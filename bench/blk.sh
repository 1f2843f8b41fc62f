#!/bin/bash
# bench/blk.sh [BUILD [MACHINE]] -- sequential virtio-blk throughput of
# blkcheck.img at 64 KiB requests (queue depth 1 and 16), write then
# read, on a 64 MiB raw disk under QEMU TCG (cache=writeback, as
# `tandem run --disk`).  Prints a markdown table.  The Linux column (a
# Debian guest doing dd on the same QEMU shape) is n/a until
# bench/linux-guest/ grows virtio modules and a dd /init.
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
M=${2:-pc}
D=$B/bench/blk
mkdir -p "$D"
disk=$D/disk.img
rm -f "$disk"; truncate -s 64M "$disk"
run() {	# OP QD -> MB/s
	"$B/bin/tandem" run tcg "$B/img/blkcheck.img" --machine "$M" --timeout 120 \
	    --disk "$disk" -- "$1" 5 blk0 bs=65536 qd="$2" > "$D/$1-qd$2.log" 2>&1
	sed -n 's/.* \([0-9.]*\) MB\/s.*/\1/p' "$D/$1-qd$2.log" | head -1
}
echo "| virtio-blk, $M, TCG, 64 MiB, 64 KiB requests | Tandem MB/s | Linux MB/s |"
echo "|---|---|---|"
for qd in 1 16; do
	w=$(run write $qd); r=$(run verify $qd); rr=$(run read $qd)
	echo "| sequential write, qd $qd (+flush) | ${w:-fail} | n/a |"
	echo "| sequential read + verify, qd $qd | ${r:-fail} | n/a |"
	echo "| sequential read, qd $qd | ${rr:-fail} | n/a |"
done
