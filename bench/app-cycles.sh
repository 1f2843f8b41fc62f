#!/bin/bash
# bench/app-cycles.sh [BUILD] nginx|redis [N] -- where the time of a
# request goes: guest instructions per request, Tandem vs the Debian
# Linux guest, counted exactly by a QEMU TCG plugin
# (bench/linux-guest/insn-plugin.c: executed instructions per translated
# block, so a halted guest counts nothing -- unlike its TSC under -icount,
# which jumps to the next timer).  Each guest is booted as bench/nginx.sh
# and bench/redis.sh boot it (same QEMU command plus -plugin); the host
# snapshots the counters around windows of a known number of requests:
#   idle      2 s with no traffic (timers; per second, not per request)
#   nginx:    N keep-alive GETs of the 1 KiB page, one connection, one at
#             a time
#   redis:    redis-benchmark -c 1 -n N -P 1, GET then SET; then -P 16
#   (TOP=K: the K functions with most instructions, default 25)
# For Tandem also the 25 functions with the most instructions per request
# (symbols from the image's .dbg).  Prints a report (also in
# BUILD/bench/apps/cycles-APP.txt; SIDES=tandem: only Tandem).  Needs
# root; run bench/nginx.sh or
# bench/redis.sh once first (images, Linux initramfs).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
B=build
case ${1:-} in nginx|redis) ;; *) B=${1:-build}; shift ;; esac
APP=${1:?usage: app-cycles.sh [BUILD] nginx|redis [N]}
N=${2:-2000}
MEM=${MEM:-256}
M=${M:-pc}
W=$B/bench/apps
case $APP in
nginx) PORT=80 KIND=http TIMG=$W/nginx-bench.img ARGS=(-p / -c /etc/nginx/nginx.conf) ;;
redis) PORT=6379 KIND=redis TIMG=$B/img/redis.img ARGS=(/etc/redis/redis.conf --appendonly no) ;;
*) echo "app-cycles.sh: nginx or redis" >&2; exit 2 ;;
esac
. bench/linux-guest/apps-lib.sh
[ -s "$TIMG" ] && [ -s "$LXD/initrd-$APP.img" ] ||
    { echo "app-cycles.sh: run bench/$APP.sh first" >&2; exit 2; }
PLUG=$W/insn-plugin.so
gcc -O2 -shared -fPIC -o "$PLUG" bench/linux-guest/insn-plugin.c || exit 2
CTR=$W/insn-counters
REP="python3 bench/linux-guest/insn-report.py"

if [ "$APP" = nginx ]; then
	probe() { in_ns curl -sf -o /dev/null -m 5 "http://$IP/1k.html"; }
else
	probe() { [ "$(in_ns timeout 5 redis-cli -h "$IP" ping 2>/dev/null)" = PONG ]; }
fi
# http_loop N: N keep-alive GETs on one connection, each answer read whole
http_loop() {
	in_ns python3 - "$IP" "$1" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 80))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
req = b"GET /1k.html HTTP/1.1\r\nHost: g\r\n\r\n"
buf = b""
for i in range(int(sys.argv[2])):
    s.sendall(req)
    while True:
        h = buf.find(b"\r\n\r\n")
        if h >= 0:
            hdr = buf[:h].decode()
            cl = int([l.split(":")[1] for l in hdr.split("\r\n") if l.lower().startswith("content-length")][0])
            if len(buf) >= h + 4 + cl:
                assert hdr.startswith("HTTP/1.1 200"), hdr
                buf = buf[h + 4 + cl:]
                break
        d = s.recv(65536)
        if not d:
            sys.exit("closed")
        buf += d
PY
}
rb() { in_ns redis-benchmark -h "$IP" -c 1 -q "$@" > /dev/null 2>&1; }

# window NAME DIVISOR [SYMS] CMD...: counters around CMD, per DIVISOR
window() {
	local name=$1 div=$2 syms=$3
	shift 3
	$REP snap "$CTR" "$CTR.a"
	"$@" || echo "  ($name: the load command failed)"
	$REP snap "$CTR" "$CTR.b"
	echo "$name: $($REP diff "$CTR.a" "$CTR.b" "$div" "$syms" "${TOP:-25}")"
}

apps_net
exec > >(tee "$W/cycles-$APP.txt") 2>&1
for s in ${SIDES:-tandem linux}; do
	syms=
	if [ $s = tandem ]; then
		nm -n "${TIMG%.img}.dbg" > "$W/$APP.syms" 2>/dev/null && syms=$W/$APP.syms
	fi
	rm -f "$CTR"
	PLUGARGS=(--qemu -plugin --qemu "$PLUG,out=$CTR")
	boot "$s" "$MEM" "$W/cycles-$APP-$s.log" -- "${ARGS[@]}"
	t=$(first_answer 400)
	echo "== $s: first answer after ${t}s (plugin attached)"
	[ "$t" = fail ] && { stop_guest; continue; }
	if [ "$APP" = nginx ]; then
		http_loop 200		# warm: connection, page cache, TLB
		window "idle, instructions per second" 2 "" sleep 2
		window "GET 1 KiB keep-alive, per request" "$N" "$syms" http_loop "$N"
	else
		rb -n 500 -t get,set
		window "idle, instructions per second" 2 "" sleep 2
		window "GET -P 1, per request" "$N" "$syms" rb -n "$N" -t get
		window "SET -P 1, per request" "$N" "$syms" rb -n "$N" -t set
		window "GET -P 16, per request" $((N * 10)) "$syms" rb -n $((N * 10)) -P 16 -t get
		window "SET -P 16, per request" $((N * 10)) "$syms" rb -n $((N * 10)) -P 16 -t set
	fi
	stop_guest
done
