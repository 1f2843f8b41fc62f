#!/bin/bash
# bench/net.sh [BUILD [MACHINE [COUNT]]] -- ICMP echo round trips per second
# through virtio-net, from the host side of a tap device in a network
# namespace this script creates (192.0.2.1/24; the guest is 192.0.2.2), one
# request at a time (tests/virtio/nettest.py ping: 56-byte payload, i.e.
# 64-byte ICMP messages, COUNT of them, default 2000), Tandem against a
# Debian Linux guest in one run:
#   Tandem: pingd.img (ip=192.0.2.2/24 count=COUNT) answers the echoes.
#   Linux:  Debian's kernel + busybox initramfs (bench/linux-guest/, built
#           into BUILD/bench/linux), /init with tdbench=net: loads the
#           virtio modules, configures eth0 from ip=, and the kernel's own
#           ICMP code answers; the guest exits once Icmp OutEchoReps has
#           grown by COUNT.
# Same pinger, count and payload for both; both guests go through the same
# launcher (`tandem run tcg --net tap:tap0`, -m $MEM, default 128), so the
# QEMU commands are the same but for -kernel, -append and Linux's -initrd;
# the script checks that.  Needs root.  Prints a markdown table (also
# BUILD/bench/net/results.md; logs beside it).  Nothing is asserted about
# speed; exit 1 if some guest or pinger run failed, 2 on setup errors.
# -M microvm: Tandem only.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
M=${2:-pc}
N=${3:-2000}
D=$B/bench/net
. bench/guest-lib.sh
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "net.sh: COUNT must be a positive number" >&2; exit 2; }
[ -x "$B/bin/tandem" ] && [ -r "$B/img/pingd.img" ] ||
    { echo "net.sh: no $B/bin/tandem or $B/img/pingd.img (run make BUILD=$B)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "net.sh: needs python3" >&2; exit 2; }
mkdir -p "$D" || exit 2
rm -f "$D"/*.log "$D"/*.err "$D"/*.host
lx_build

NS=tdbench$$
timeout 10 ip netns add "$NS" || { echo "net.sh: cannot create netns $NS (root?)" >&2; exit 2; }
trap 'timeout 10 ip netns del "$NS" 2>/dev/null' EXIT
timeout 10 ip -n "$NS" link set lo up &&
timeout 10 ip -n "$NS" tuntap add dev tap0 mode tap &&
timeout 10 ip -n "$NS" addr add 192.0.2.1/24 dev tap0 &&
timeout 10 ip -n "$NS" link set tap0 up || { echo "net.sh: cannot set up tap0 in $NS" >&2; exit 2; }

# the pinger's worst case is 1 s per lost echo: bound it
PING_TIMEOUT=$((120 + N / 10))

# one NAME READY_RE READY_S GUEST_TIMEOUT IMAGE [launcher args...] -- guest args
#   -> sets <NAME>_rt (round trips/s) on success
one() {
	local name=$1 re=$2 rs=$3 gt=$4 img=$5 log=$D/$1.log pid i hrc grc rt
	shift 5
	: > "$log"
	ip netns exec "$NS" "$B/bin/tandem" run tcg "$img" --machine "$M" --mem "$MEM" \
	    --timeout "$gt" --show-cfg --net tap:tap0 "$@" > "$log" 2> "$D/$name.err" &
	pid=$!
	for ((i = 0; i < rs * 10; i++)); do
		grep -qaE "$re" "$log" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -qaE "$re" "$log"; then
		fail "$name: guest not ready within ${rs}s, see $log"
		kill "$pid" 2>/dev/null	# the launcher stops its QEMU
		wait "$pid" 2>/dev/null
		return
	fi
	timeout "$PING_TIMEOUT" ip netns exec "$NS" python3 tests/virtio/nettest.py \
	    ping 192.0.2.2 "$N" > "$D/$name.host" 2>&1
	hrc=$?
	[ "$hrc" = 0 ] || { fail "$name: pinger status $hrc, see $D/$name.host"; kill "$pid" 2>/dev/null; }
	wait "$pid"
	grc=$?
	[ "$hrc" != 0 ] || [ "$grc" = 0 ] || fail "$name: guest status $grc, see $log"
	rt=$(sed -n 's/.*(\([0-9]*\) round trips\/s).*/\1/p' "$D/$name.host")
	[ "$hrc" = 0 ] && [ "$grc" = 0 ] && printf -v "${name}_rt" '%s' "$rt"
}

tandem_rt='' linux_rt=''
one tandem '^pingd: ready' 30 120 "$B/img/pingd.img" -- ip=192.0.2.2/24 count="$N"
if [ -n "$LX" ]; then
	# shellcheck disable=SC2086
	one linux '^TDBENCH_NET_READY' 240 $((300 + N / 10)) "$LX/vmlinuz" "${LXQ[@]}" -- \
	    $LX_APPEND tdbench=net ip=192.0.2.2/24 count="$N" tdwait=$((PING_TIMEOUT + 30))
	same_shape "$D/tandem.err" "$D/linux.err"
fi

na() { [ -n "$LX" ] && echo "$1" || echo "n/a"; }
OUT=$D/results.md
{
echo "| virtio-net, -M $M, TCG, -m $MEM, tap | Tandem | Linux | Tandem / Linux |"
echo "|---|---|---|---|"
echo "| ICMP echo round trips/s (64-byte, one at a time, $N) | ${tandem_rt:-fail} | ${linux_rt:-$(na fail)} | $(ratio "$tandem_rt" "$linux_rt") |"
[ "$FAILS" -gt 0 ] && echo && echo "**$FAILS run(s) failed** — see $D/."
} > "$OUT"
cat "$OUT"
[ "$FAILS" -eq 0 ]
