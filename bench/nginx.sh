#!/bin/bash
# bench/nginx.sh [BUILD [WRK_SECONDS]] -- the nginx appliance against a
# Debian Linux guest running Debian's own nginx 1.22.1 binary (issue 12),
# in ONE run, under the same QEMU command (`tandem run tcg`, -M $M, -m
# $MEM, QEMU's default -cpu or $CPU, virtio-net on a tap in a network
# namespace this script creates and deletes, the same empty virtio-blk
# disk), driven by the same wrk from the host side of the tap.
#   Tandem: build/apps/nginx/objs/nginx baked as nginx.img is (--config
#     net, same args) with a 1 KiB page added to its root
#   Linux:  Debian's 6.1 kernel + an initramfs with /usr/sbin/nginx and
#     its libraries (bench/linux-guest/build-apps.sh), the SAME root tree
#     (apps/nginx/root/etc/nginx/nginx.conf: one process, epoll, sendfile,
#     no access log), started with the same arguments
# Rows: wrk req/s on the 1 KiB page (-t2 -c32, WRK_SECONDS each, ROUNDS
# boots per side alternating; mean), launch -> first HTTP 200 (from
# starting the launcher to the first answered GET, polled from the host),
# image size, least --mem that serves `wrk -d3` without an error (binary
# search; MINMEM=0 skips it, MINMEM=tandem searches
# Tandem's only, MINMEM_ONLY=1 runs only Tandem's search, up to MINHI).
# LAUNCH_ONLY=1: the launch -> first answer row only (ROUNDS boots per
# side, no load, no memory search).  Prints one markdown table (also in
# BUILD/bench/apps/nginx.md).  Needs root.  Numbers are only comparable
# within one run; nothing here is a pass/fail test.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
D=${2:-10}
ROUNDS=${ROUNDS:-2}
MEM=${MEM:-256}
M=${M:-pc}
LAUNCH_ONLY=${LAUNCH_ONLY:-0}
MINMEM=${MINMEM:-1}
[ "$LAUNCH_ONLY" = 1 ] && MINMEM=0
APP=nginx PORT=80 KIND=http
W=$B/bench/apps
mkdir -p "$W"
tools/deps.sh check 2>/dev/null || tools/deps.sh install || exit 2
. bench/linux-guest/apps-lib.sh
ulimit -n 16384

# ---- the two guests ------------------------------------------------------
[ -x "$B/apps/nginx/objs/nginx" ] && [ -s "$B/img/nginx.img" ] ||
    apps/nginx/build.sh "$B" || exit 2
R=$W/nginx-root
rm -rf "$R"
mkdir -p "$R"
cp -a apps/nginx/root/. "$R/"
python3 -c "
s = '<!DOCTYPE html><html><head><title>bench</title></head><body><p>'
t = '</p></body></html>\n'
print(s + 'x' * (1024 - len(s) - len(t)) + t, end='')" > "$R/srv/www/1k.html"
TIMG=$W/nginx-bench.img
"$B/bin/tandem" bake "$B/apps/nginx/objs/nginx" -o "$TIMG" --root "$R" \
    --config net --mem 32 --args "-p / -c /etc/nginx/nginx.conf" || exit 2
[ "${MINMEM_ONLY:-0}" = 1 ] || bench/linux-guest/build-apps.sh "$LXD" nginx "$R" > "$W/linux-build.log" 2>&1 ||
    { tail "$W/linux-build.log" >&2; exit 2; }
ARGS=(-p / -c /etc/nginx/nginx.conf)
URL=http://$IP/1k.html

probe() { in_ns curl -sf -o /dev/null -m 5 "$URL"; }
# load_ok LOG: 3 s of wrk with no socket error and no non-2xx answer
load_ok() {
	in_ns timeout 60 wrk -t2 -c32 -d3s --timeout 5s "$URL" > "$1.wrk" 2>&1 &&
	    grep -q '^Requests/sec' "$1.wrk" && ! grep -qE 'Socket errors|Non-2xx' "$1.wrk"
}

apps_net
# MINMEM_ONLY=1: only Tandem's least-mem search (up to MINHI MiB, 64)
if [ "${MINMEM_ONLY:-0}" = 1 ]; then
	echo "$APP least --mem (MiB), commit $(git rev-parse --short HEAD): $(min_mem tandem 0 "${MINHI:-64}" 1 -- "${ARGS[@]}")"
	exit 0
fi
declare -A RPS LAUNCH ERRS
for s in tandem linux; do RPS[$s]=; LAUNCH[$s]=; ERRS[$s]=0; done
for ((r = 1; r <= ROUNDS; r++)); do
	order="tandem linux"
	[ $((r % 2)) = 0 ] && order="linux tandem"
	for s in $order; do
		log=$W/nginx-$s-r$r.log
		boot "$s" "$MEM" "$log" -- "${ARGS[@]}"
		t=$(first_answer 400)
		if [ "$t" = fail ]; then
			fail "$s round $r: no HTTP answer (see $log)"
			stop_guest
			continue
		fi
		if [ "$LAUNCH_ONLY" = 1 ]; then
			stop_guest
			echo "nginx.sh: round $r $s: first answer ${t}s" >&2
			LAUNCH[$s]+="$t "
			continue
		fi
		in_ns timeout $((D + 60)) wrk -t2 -c32 -d"${D}s" --timeout 5s "$URL" > "$log.wrk" 2>&1
		stop_guest
		rps=$(awk '/^Requests\/sec/ {print $2}' "$log.wrk")
		grep -qE 'Socket errors|Non-2xx' "$log.wrk" && ERRS[$s]=$((ERRS[$s] + 1))
		echo "nginx.sh: round $r $s: first answer ${t}s, ${rps:-?} req/s" >&2
		RPS[$s]+="${rps:-0} "
		LAUNCH[$s]+="$t "
	done
done
same_shape "$W/nginx-tandem-r1.log.err" "$W/nginx-linux-r1.log.err"

tr_=$(mean "${RPS[tandem]}" 0) lr=$(mean "${RPS[linux]}" 0)
tl=$(mean "${LAUNCH[tandem]}" 3) ll=$(mean "${LAUNCH[linux]}" 3)
tsz=$(stat -c %s "$B/img/nginx.img")
lsz=$(($(stat -c %s "$LXD/vmlinuz") + $(stat -c %s "$LXD/initrd-nginx.img")))

tm=n/a lm=n/a
case $MINMEM in
1|tandem) tm=$(min_mem tandem 0 64 1 -- "${ARGS[@]}") ;;
esac
[ "$MINMEM" = 1 ] && lm=$(min_mem linux 32 256 8 -- "${ARGS[@]}")

kib() { echo "$(($1 / 1024)) KiB"; }
{
echo "nginx, 1 KiB static page; commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo '+changes'); -M $M -m $MEM${CPU:+ -cpu $CPU}, TCG; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| metric | Tandem | Debian Linux guest | ratio | target |"
echo "|---|---|---|---|---|"
echo "| wrk -t2 -c32 -d${D}s req/s (per boot: T ${RPS[tandem]}/ L ${RPS[linux]}) | $tr_ | $lr | $(ratio "$tr_" "$lr") (T÷L) | ≥ 3.0× |"
echo "| launch → first HTTP 200, s (per boot: T ${LAUNCH[tandem]}/ L ${LAUNCH[linux]}) | $tl | $ll | $(ratio "$ll" "$tl") (L÷T) | ≥ 50× |"
echo "| image (nginx.img / vmlinuz + initrd) | $(kib "$tsz") | $(kib "$lsz") | $(ratio "$lsz" "$tsz") (L÷T) | ≤ 1.5 MiB |"
echo "| least --mem serving wrk -d3s without error, MiB | $tm | $lm (±8) | | ≤ 8 MiB |"
echo
echo "wrk runs with socket errors or non-2xx answers: Tandem ${ERRS[tandem]}, Linux ${ERRS[linux]}"
} | tee "$W/nginx.md"
[ "$FAILS" = 0 ]
