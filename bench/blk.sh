#!/bin/bash
# bench/blk.sh [BUILD [MACHINE]] -- sequential virtio-blk throughput at
# 64 KiB requests on a 64 MiB raw disk under QEMU TCG (cache=writeback, as
# `tandem run --disk`), Tandem against a Debian Linux guest, in one run.
#   Tandem: blkcheck.img write (+flush) / verify / read, queue depth 1 and 16.
#   Linux:  Debian's kernel + busybox initramfs (bench/linux-guest/, built
#           into BUILD/bench/linux), /init with tdbench=blk: on /dev/vda
#           `dd if=/dev/zero bs=64k oflag=direct conv=fsync`, then
#           `dd of=/dev/null bs=64k iflag=direct` -- one request at a time,
#           so it is compared with Tandem's qd 1 rows; timed in the guest
#           with CLOCK_MONOTONIC.
# Both guests go through the same launcher (`tandem run tcg`, -m $MEM,
# default 128), so the QEMU commands are the same but for -kernel, -append
# and Linux's -initrd; the script checks that.  MB/s = 10^6 bytes/s.
# Prints a markdown table (also BUILD/bench/blk/results.md; logs beside it).
# Nothing is asserted about speed; exit 1 if some guest run failed, 2 on
# setup errors.  -M microvm: Tandem only.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
M=${2:-pc}
D=$B/bench/blk
. bench/guest-lib.sh
[ -x "$B/bin/tandem" ] && [ -r "$B/img/blkcheck.img" ] ||
    { echo "blk.sh: no $B/bin/tandem or $B/img/blkcheck.img (run make BUILD=$B)" >&2; exit 2; }
mkdir -p "$D" || exit 2
rm -f "$D"/*.log "$D"/*.err
disk=$D/disk.img
ldisk=$D/linux-disk.img
rm -f "$disk"; truncate -s 64M "$disk" || exit 2
lx_build

td() {	# VAR OP QD -> VAR = MB/s
	local var=$1 log=$D/$2-qd$3.log rc v
	shift
	"$B/bin/tandem" run tcg "$B/img/blkcheck.img" --machine "$M" --mem "$MEM" \
	    --timeout 120 --show-cfg --disk "$disk" -- "$1" 5 blk0 bs=65536 qd="$2" \
	    > "$log" 2> "${log%.log}.err"
	rc=$?
	v=$(sed -n 's/^blkcheck: .* \([0-9.]*\) MB\/s.*/\1/p' "$log" | head -1)
	[ "$rc" = 0 ] && [ -n "$v" ] || fail "tandem blkcheck $1 qd $2: status $rc, see $log"
	printf -v "$var" '%s' "$v"
}

lw='' lr=''
lx() {	# -> lw, lr (MB/s)
	local log=$D/linux.log rc l b n
	[ -n "$LX" ] || return 0
	rm -f "$ldisk"; truncate -s 64M "$ldisk" || { fail "cannot create $ldisk"; return; }
	# shellcheck disable=SC2086
	"$B/bin/tandem" run tcg "$LX/vmlinuz" --machine "$M" --mem "$MEM" \
	    --timeout 300 --show-cfg --disk "$ldisk" "${LXQ[@]}" -- $LX_APPEND tdbench=blk \
	    > "$log" 2> "$D/linux.err"
	rc=$?
	[ "$rc" = 0 ] || fail "linux guest (tdbench=blk): status $rc, see $log and $D/linux.err"
	for op in write read; do
		l=$(grep -a -m1 "^TDBENCH_RESULT op=$op " "$log")
		b=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$l")
		n=$(sed -n 's/.* ns=\([0-9]*\).*/\1/p' <<<"$l")
		if [ -z "$b" ] || [ -z "$n" ] || [ "$n" = 0 ] || ! grep -q ' rc=0$' <<<"$l"; then
			fail "linux dd $op: no result, see $log"
			continue
		fi
		printf -v "l${op:0:1}" '%s' "$(awk -v b="$b" -v n="$n" 'BEGIN { printf "%.3f", b * 1000 / n }')"
	done
	same_shape "$D/write-qd1.err" "$D/linux.err"
}

# interleaved: Tandem qd 1, Linux, Tandem qd 16
td w1 write 1; td v1 verify 1; td r1 read 1
lx
td w16 write 16; td v16 verify 16; td r16 read 16

na() { [ -n "$LX" ] && echo "$1" || echo "n/a"; }
OUT=$D/results.md
{
echo "| virtio-blk, -M $M, TCG, -m $MEM, 64 MiB disk, 64 KiB requests | Tandem MB/s | Linux MB/s | Tandem / Linux |"
echo "|---|---|---|---|"
echo "| sequential write, qd 1 (+flush; Linux: dd oflag=direct conv=fsync) | ${w1:-fail} | ${lw:-$(na fail)} | $(ratio "$w1" "$lw") |"
echo "| sequential read + verify, qd 1 | ${v1:-fail} | n/a | |"
echo "| sequential read, qd 1 (Linux: dd iflag=direct) | ${r1:-fail} | ${lr:-$(na fail)} | $(ratio "$r1" "$lr") |"
echo "| sequential write, qd 16 (+flush) | ${w16:-fail} | n/a (dd: qd 1) | |"
echo "| sequential read + verify, qd 16 | ${v16:-fail} | n/a | |"
echo "| sequential read, qd 16 | ${r16:-fail} | n/a (dd: qd 1) | |"
[ "$FAILS" -gt 0 ] && echo && echo "**$FAILS run(s) failed** — see $D/."
} > "$OUT"
cat "$OUT"
[ "$FAILS" -eq 0 ]
