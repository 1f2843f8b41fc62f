#!/bin/bash
# bench/netstack.sh [BUILD [SECS]] -- the lwIP sizing choices of
# libos/net/lwipopts.h, measured with the netecho appliance from the host
# side of a tap in a network namespace this script creates (192.0.2.0/24):
#   - TCP window = send buffer of 32, 64 and 256 KiB (our choice) on
#     platform posix (the stack's own cost, no emulator): throughput each
#     way (discard / source services) and 1-byte request/response rates
#     over 1 and 32 connections;
#   - lwIP memory per connection with 1,000 open (idle) connections;
#   - netecho.img, the default build, under QEMU TCG (-M pc) on the same
#     tap: the same throughput and request/response numbers;
#   - epecho.img (apps/epecho: the same services as an ordinary epoll C
#     program built with tandem-cc) under QEMU TCG (-M pc) on the same tap;
#   - the Debian Linux guest (bench/linux-guest, tdbench=echo: the very
#     same apps/epecho/epecho.c built natively) through the same launcher
#     and QEMU command shape.
# One run; numbers are noisy on a shared host (compare within a run).
# NETSTACK_WINDOWS="KIB..." picks the posix rows (empty: none).
# Needs root.  Prints a markdown table (also BUILD/bench/netstack.md).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
S=${2:-4}
D=$B/bench/netstack
mkdir -p "$D"
NET_SRCDIR=$B/src
. tests/net/build.sh
ulimit -n 16384
NS=tdbnet$$
GPID=
cleanup() {
	[ -n "$GPID" ] && kill "$GPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
ip netns add "$NS" || { echo "netstack.sh: cannot create netns (root?)" >&2; exit 2; }
trap cleanup EXIT
ip -n "$NS" link set lo up
ip -n "$NS" tuntap add dev tap0 mode tap
ip -n "$NS" addr add 192.0.2.1/24 dev tap0
ip -n "$NS" link set tap0 up
cl() { timeout 120 ip netns exec "$NS" python3 tests/net/client.py 192.0.2.2 "$@"; }

start() {	# start LOG CMD...
	local log=$1 i
	shift
	ip netns exec "$NS" "$@" > "$log" 2>&1 &
	GPID=$!
	for ((i = 0; i < 600; i++)); do
		grep -qE '^(netecho|epecho): ready' "$log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
stop() {
	cl ctl quit > /dev/null 2>&1
	wait "$GPID" 2>/dev/null
	GPID=
}
# measure NAME: one row
measure() {
	local t r1 r32 m
	t=$(cl tput "$S" | sed 's/tput host->guest \([0-9.]*\) MB\/s guest->host \([0-9.]*\) MB\/s/\1 | \2/')
	r1=$(cl rr "$S" 1 | awk '{print $4}')
	r32=$(cl rr "$S" 32 | awk '{print $4}')
	m=$(cl conns 1000 | sed -n 's/.*stack memory \([0-9]*\) bytes.*/\1/p')
	[ "${m:-0}" = 0 ] && m=n/a || m=$((m / 1000))
	echo "| $1 | $t | $r1 | $r32 | $m |"
}

{
echo "| configuration | host→guest MB/s | guest→host MB/s | rr/s, 1 conn | rr/s, 32 conns | lwIP bytes / idle conn (1,000 open) |"
echo "|---|---|---|---|---|---|"
for w in ${NETSTACK_WINDOWS-32 64 256}; do	# NETSTACK_WINDOWS= : no posix rows
	exe=$D/netecho-w$w
	net_posix_build "$exe" "$D/obj-w$w" "-O2 -DTCP_WND=($w*1024) -DTCP_SND_BUF=($w*1024)" \
	    apps/netecho/main.c apps/netecho/selftest.c > "$D/build-w$w.log" 2>&1 ||
	    { echo "| posix, window $w KiB | build failed |"; continue; }
	if start "$D/posix-w$w.log" "$exe" --net tap:tap0 ip=192.0.2.2/24 selftest=0; then
		measure "posix, TCP window = send buffer $w KiB$([ $w = 256 ] && echo ' (chosen)')"
	else
		echo "| posix, window $w KiB | did not start |"
	fi
	stop
done
if start "$D/qemu-pc.log" "$B/bin/tandem" run tcg "$B/img/netecho.img" --machine pc \
    --timeout 600 --net tap:tap0 -- ip=192.0.2.2/24 selftest=0; then
	measure "netecho.img, QEMU TCG -M pc, tap (256 KiB)"
else
	echo "| QEMU | did not start |"
fi
stop
if start "$D/qemu-pc-epecho.log" "$B/bin/tandem" run tcg "$B/img/epecho.img" --machine pc \
    --timeout 600 --net tap:tap0 -- ip=192.0.2.2/24; then
	measure "epecho.img (ordinary epoll program), QEMU TCG -M pc, tap"
else
	echo "| QEMU epecho | did not start |"
fi
stop
if timeout 1200 bench/linux-guest/build.sh "$B/bench/linux" > "$D/linux-build.log" 2>&1 &&
    start "$D/linux-pc.log" "$B/bin/tandem" run tcg "$B/bench/linux/vmlinuz" \
    --qemu -initrd --qemu "$B/bench/linux/initrd.img" --machine pc \
    --timeout 600 --net tap:tap0 -- console=ttyS0 quiet panic=-1 tdbench=echo \
    ip=192.0.2.2/24; then
	measure "Debian Linux 6.1 guest, same QEMU shape, epecho.c built natively"
else
	echo "| Linux guest | did not start (see $D/linux-*.log) |"
fi
stop
} | tee "$D/netstack.md"
