#!/bin/bash
# bench/net-rr.sh [BUILD [ROUNDS [SECS]]] -- TCP request/response rate of
# epecho.img against the Debian Linux guest running the same epecho.c,
# measured so that the host's load drifts out of the ratio: both guests
# run at once (each in its own network namespace with its own tap,
# 192.0.2.2 behind 192.0.2.1, the same launcher and QEMU command shape
# as bench/netstack.sh), and ROUNDS rounds alternate between them, each
# a SECS-second `client.py rr` with 1 and then 32 connections.  Prints
# every round and the medians (also BUILD/bench/netstack/rr.md).
# GUESTS="NAME:IMAGE ..." adds Tandem images to the rotation (e.g. an
# older build for an A/B comparison); "linux" names the Linux guest.
# ONECONN=1: only the 1-connection rate.  TPUT=1: each round also the
# bulk throughput (client.py tput SECS: host->guest, guest->host MB/s).
# Needs root; the Linux guest comes from bench/linux-guest/build.sh.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
R=${2:-5}
S=${3:-3}
D=$B/bench/netstack
mkdir -p "$D"
GUESTS=${GUESTS:-tandem:$B/img/epecho.img linux}
IP=192.0.2.2
declare -A NSOF PIDOF
cleanup() {
	local g
	for g in "${!PIDOF[@]}"; do
		ip netns exec "${NSOF[$g]}" timeout 10 python3 tests/net/client.py \
		    "$IP" ctl quit > /dev/null 2>&1
		wait "${PIDOF[$g]}" 2>/dev/null
	done
	for g in "${!NSOF[@]}"; do ip netns del "${NSOF[$g]}" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

boot() {	# boot NAME IMAGE|linux
	local g=$1 img=$2 ns=tdbrr$$$1 log=$D/rr-$1.log i
	ip netns add "$ns" || { echo "net-rr.sh: cannot create netns (root?)" >&2; exit 2; }
	NSOF[$g]=$ns
	ip -n "$ns" link set lo up
	ip -n "$ns" tuntap add dev tap0 mode tap
	ip -n "$ns" addr add 192.0.2.1/24 dev tap0
	ip -n "$ns" link set tap0 up
	if [ "$img" = linux ]; then
		ip netns exec "$ns" "$B/bin/tandem" run tcg "$B/bench/linux/vmlinuz" \
		    --qemu -initrd --qemu "$B/bench/linux/initrd.img" --machine pc \
		    --timeout 3600 --net tap:tap0 -- console=ttyS0 quiet panic=-1 \
		    tdbench=echo ip=$IP/24 > "$log" 2>&1 &
	else
		ip netns exec "$ns" "$B/bin/tandem" run tcg "$img" --machine pc \
		    --timeout 3600 --net tap:tap0 -- ip=$IP/24 > "$log" 2>&1 &
	fi
	PIDOF[$g]=$!
	for ((i = 0; i < 1200; i++)); do
		grep -qE '^epecho: ready' "$log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "net-rr.sh: $g did not start (see $log)" >&2
	exit 1
}
rr() {	# rr NAME CONNS: transactions/s
	ip netns exec "${NSOF[$1]}" timeout 120 python3 tests/net/client.py \
	    "$IP" rr "$S" "$2" | awk '{print $4}'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {
	if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

fmedian() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END {
	if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

names=()
for gi in $GUESTS; do
	if [ "$gi" = linux ]; then
		bench/linux-guest/build.sh "$B/bench/linux" > "$D/linux-build.log" 2>&1 ||
		    { echo "net-rr.sh: Linux guest build failed" >&2; exit 1; }
		boot linux linux
		names+=(linux)
	else
		boot "${gi%%:*}" "${gi#*:}"
		names+=("${gi%%:*}")
	fi
done
declare -A R1 R32 M1 M32 TH TG
for g in "${names[@]}"; do rr "$g" 1 > /dev/null; done	# warm
{
echo "rounds (rr/s, 1 conn / 32 conns; $S s each, guests alternating):"
for ((k = 1; k <= R; k++)); do
	line="  $k:"
	for g in "${names[@]}"; do
		a=$(rr "$g" 1)
		b=-
		[ -n "${ONECONN:-}" ] || b=$(rr "$g" 32)
		R1[$g]="${R1[$g]:-} $a"
		R32[$g]="${R32[$g]:-} $b"
		line+=" $g $a / $b"
		if [ -n "${TPUT:-}" ]; then
			t=$(ip netns exec "${NSOF[$g]}" timeout 120 python3 \
			    tests/net/client.py "$IP" tput "$S" |
			    awk '{print $3, $6}')
			TH[$g]="${TH[$g]:-} ${t% *}"
			TG[$g]="${TG[$g]:-} ${t#* }"
			line+=" (tput $t)"
		fi
		line+=";"
	done
	echo "$line"
done
echo
echo "| guest | rr/s, 1 conn (median of $R) | rr/s, 32 conns (median of $R) |${TPUT:+ host→guest MB/s | guest→host MB/s |}"
echo "|---|---|---|${TPUT:+---|---|}"
for g in "${names[@]}"; do
	M1[$g]=$(echo "${R1[$g]}" | median)
	M32[$g]=$(echo "${R32[$g]}" | median)
	tp=
	[ -n "${TPUT:-}" ] && tp=" $(echo "${TH[$g]}" | fmedian) | $(echo "${TG[$g]}" | fmedian) |"
	echo "| $g | ${M1[$g]} | ${M32[$g]} |$tp"
done
if [ -n "${M1[linux]:-}" ]; then
	for g in "${names[@]}"; do
		[ "$g" = linux ] && continue
		awk -v g="$g" -v a="${M1[$g]}" -v b="${M1[linux]}" -v c="${M32[$g]}" \
		    -v d="${M32[linux]}" 'BEGIN { printf "| **%s / linux** | **%.2f×** | **%.2f×** |\n", g, a / b, c / d }'
	done
fi
} | tee "$D/rr.md"
