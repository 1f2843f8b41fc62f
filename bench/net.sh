#!/bin/bash
# bench/net.sh [BUILD [MACHINE [COUNT]]] -- echo round trips per second
# through virtio-net: pingd.img answers ICMP echo on a tap device in a
# network namespace this script creates (192.0.2.0/24); the host side
# sends one request at a time (tests/virtio/nettest.py).  Also the same
# for 1514-byte L2 echo frames.  Needs root.  The Linux column is n/a
# until bench/linux-guest/ grows virtio-net support.
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
M=${2:-pc}
N=${3:-2000}
D=$B/bench/net
mkdir -p "$D"
NS=tdbench$$
ip netns add "$NS" || exit 2
trap 'ip netns del "$NS" 2>/dev/null' EXIT
ip -n "$NS" link set lo up
ip -n "$NS" tuntap add dev tap0 mode tap
ip -n "$NS" addr add 192.0.2.1/24 dev tap0
ip -n "$NS" link set tap0 up
one() {	# NAME GUESTARGS HOSTARGS
	local pid i
	ip netns exec "$NS" "$B/bin/tandem" run tcg "$B/img/pingd.img" --machine "$M" \
	    --timeout 120 --net tap:tap0 -- $2 > "$D/$1.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 300; i++)); do
		grep -q '^pingd: ready' "$D/$1.log" 2>/dev/null && break
		sleep 0.1
	done
	ip netns exec "$NS" python3 tests/virtio/nettest.py $3 > "$D/$1.host" 2>&1
	wait "$pid"
}
one ping "ip=192.0.2.2/24 count=$N" "ping 192.0.2.2 $N"
rt=$(sed -n 's/.*(\([0-9]*\) round trips\/s).*/\1/p' "$D/ping.host")
echo "| virtio-net, $M, TCG, tap | Tandem | Linux |"
echo "|---|---|---|"
echo "| ICMP echo round trips/s (64-byte, one at a time, $N) | ${rt:-fail} | n/a |"
