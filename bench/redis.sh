#!/bin/bash
# bench/redis.sh [BUILD [REQUESTS]] -- the redis appliance against a
# Debian Linux guest running Debian's own redis-server 7.0.15 (issue 12),
# in ONE run, under the same QEMU command (`tandem run tcg`, -M $M, -m
# $MEM, QEMU's default -cpu or $CPU, virtio-net on a tap in a network
# namespace this script creates and deletes, the same empty virtio-blk
# disk, ext4, mounted at /data in both), driven by the same
# redis-benchmark from the host side of the tap.
#   Tandem: build/img/redis.img itself
#   Linux:  Debian's 6.1 kernel + an initramfs with /usr/bin/redis-server
#     and its libraries (bench/linux-guest/build-apps.sh) and the same
#     /etc/redis/redis.conf (apps/redis/root), started with the same
#     arguments: "/etc/redis/redis.conf --appendonly no" (the request path;
#     AOF=1 keeps the appliance's appendonly yes + appendfsync always,
#     which then measures the disk flush path too)
# Rows: redis-benchmark -c 32 GET and SET req/s at -P 1 (REQUESTS) and
# -P 16 (10 x REQUESTS), ROUNDS boots per side alternating (mean);
# launch -> first PONG (from starting the launcher to the first answered
# PING, polled from the host); image size; least --mem that serves
# redis-benchmark -n 5000 (-P 1 and -P 16) without an error (binary
# search; MINMEM=0 skips it, MINMEM=tandem searches
# Tandem's only, MINMEM_ONLY=1 runs only Tandem's search, up to MINHI).
# LAUNCH_ONLY=1: the launch -> first answer row only (ROUNDS boots per
# side, no load, no memory search).  Prints one markdown table (also in
# BUILD/bench/apps/redis.md).  Needs root.  Numbers are only comparable
# within one run; nothing here is a pass/fail test.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
N=${2:-20000}
ROUNDS=${ROUNDS:-2}
MEM=${MEM:-256}
M=${M:-pc}
LAUNCH_ONLY=${LAUNCH_ONLY:-0}
MINMEM=${MINMEM:-1}
[ "$LAUNCH_ONLY" = 1 ] && MINMEM=0
APP=redis PORT=6379 KIND=redis
W=$B/bench/apps
mkdir -p "$W"
tools/deps.sh check 2>/dev/null || tools/deps.sh install || exit 2
. bench/linux-guest/apps-lib.sh
ulimit -n 16384

# ---- the two guests ------------------------------------------------------
[ -s "$B/img/redis.img" ] || apps/redis/build.sh "$B" || exit 2
TIMG=$B/img/redis.img
[ "${MINMEM_ONLY:-0}" = 1 ] || bench/linux-guest/build-apps.sh "$LXD" redis apps/redis/root > "$W/linux-build.log" 2>&1 ||
    { tail "$W/linux-build.log" >&2; exit 2; }
ARGS=(/etc/redis/redis.conf)
[ "${AOF:-0}" = 1 ] || ARGS+=(--appendonly no)

probe() { [ "$(in_ns timeout 5 redis-cli -h "$IP" ping 2>/dev/null)" = PONG ]; }
# bench OUT P N [SECS]: redis-benchmark SET and GET, csv in OUT; status 0
# iff both rows are there and nothing reported an error within SECS (600)
bench() {
	in_ns timeout "${4:-600}" redis-benchmark -h "$IP" -c 32 -n "$3" -P "$2" -t set,get --csv > "$1" 2>&1 &&
	    grep -q '^"SET"' "$1" && grep -q '^"GET"' "$1" && ! grep -qiE 'error|refused|reset' "$1"
}
# (5,000 requests take about a second: a guest that died under them, e.g.
# out of memory in the least --mem search, costs 60 s, not 600)
load_ok() { bench "$1.p1" 1 5000 60 && bench "$1.p16" 16 5000 60; }
rate() { tr -d '"' < "$1" | awk -F, -v t="$2" '$1 == t {print $2}'; }

apps_net
# MINMEM_ONLY=1: only Tandem's least-mem search (up to MINHI MiB, 64)
if [ "${MINMEM_ONLY:-0}" = 1 ]; then
	echo "$APP least --mem (MiB), commit $(git rev-parse --short HEAD): $(min_mem tandem 0 "${MINHI:-64}" 1 -- "${ARGS[@]}")"
	exit 0
fi
declare -A RES LAUNCH ERRS
for s in tandem linux; do
	LAUNCH[$s]=; ERRS[$s]=0
	for k in SET1 GET1 SET16 GET16; do RES[$s$k]=; done
done
for ((r = 1; r <= ROUNDS; r++)); do
	order="tandem linux"
	[ $((r % 2)) = 0 ] && order="linux tandem"
	for s in $order; do
		log=$W/redis-$s-r$r.log
		boot "$s" "$MEM" "$log" -- "${ARGS[@]}"
		t=$(first_answer 400)
		if [ "$t" = fail ]; then
			fail "$s round $r: no PONG (see $log)"
			stop_guest
			continue
		fi
		LAUNCH[$s]+="$t "
		if [ "$LAUNCH_ONLY" = 1 ]; then
			stop_guest
			echo "redis.sh: round $r $s: first PONG ${t}s" >&2
			continue
		fi
		for p in 1 16; do
			n=$N
			[ $p = 16 ] && n=$((N * 10))
			bench "$log.p$p" $p $n || ERRS[$s]=$((ERRS[$s] + 1))
			for k in SET GET; do
				RES[$s$k$p]+="$(rate "$log.p$p" $k) "
			done
		done
		stop_guest
		echo "redis.sh: round $r $s: first PONG ${t}s, SET/GET -P1 $(rate "$log.p1" SET)/$(rate "$log.p1" GET), -P16 $(rate "$log.p16" SET)/$(rate "$log.p16" GET)" >&2
	done
done
same_shape "$W/redis-tandem-r1.log.err" "$W/redis-linux-r1.log.err"

tl=$(mean "${LAUNCH[tandem]}" 3) ll=$(mean "${LAUNCH[linux]}" 3)
tsz=$(stat -c %s "$B/img/redis.img")
lsz=$(($(stat -c %s "$LXD/vmlinuz") + $(stat -c %s "$LXD/initrd-redis.img")))
tm=n/a lm=n/a
case $MINMEM in
1|tandem) tm=$(min_mem tandem 0 64 1 -- "${ARGS[@]}") ;;
esac
[ "$MINMEM" = 1 ] && lm=$(min_mem linux 32 256 8 -- "${ARGS[@]}")

kib() { echo "$(($1 / 1024)) KiB"; }
row() {	# row LABEL KEY N
	local a b
	a=$(mean "${RES[tandem$2]}" 0) b=$(mean "${RES[linux$2]}" 0)
	echo "| $1 -n $3 req/s (per boot: T ${RES[tandem$2]}/ L ${RES[linux$2]}) | $a | $b | $(ratio "$a" "$b") (T÷L) | ≥ 2.0× |"
}
{
echo "redis ($([ "${AOF:-0}" = 1 ] && echo 'appendonly yes, appendfsync always' || echo 'appendonly no')), redis-benchmark -c 32; commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo '+changes'); -M $M -m $MEM${CPU:+ -cpu $CPU}, TCG; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| metric | Tandem | Debian Linux guest | ratio | target |"
echo "|---|---|---|---|---|"
row "SET -P 1" SET1 "$N"
row "GET -P 1" GET1 "$N"
row "SET -P 16" SET16 $((N * 10))
row "GET -P 16" GET16 $((N * 10))
echo "| launch → first PONG, s (per boot: T ${LAUNCH[tandem]}/ L ${LAUNCH[linux]}) | $tl | $ll | $(ratio "$ll" "$tl") (L÷T) | ≥ 50× |"
echo "| image (redis.img / vmlinuz + initrd) | $(kib "$tsz") | $(kib "$lsz") | $(ratio "$lsz" "$tsz") (L÷T) | ≤ 2.5 MiB |"
echo "| least --mem serving redis-benchmark -n 5000 -P 1 and -P 16 without error, MiB | $tm | $lm (±8) | | ≤ 16 MiB |"
echo
echo "boots whose redis-benchmark reported an error: Tandem ${ERRS[tandem]}, Linux ${ERRS[linux]}"
} | tee "$W/redis.md"
[ "$FAILS" = 0 ]
