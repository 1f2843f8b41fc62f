#!/bin/bash
# bench/net-cycles.sh [BUILD] [N] -- where the time of one TCP
# request/response transaction goes: guest instructions per 1-byte echo
# transaction, epecho.img (apps/epecho through musl, libos, lwIP, virtif,
# virtio-net) vs the Debian Linux guest running the same epecho.c
# (bench/linux-guest, tdbench=echo), counted exactly by the QEMU TCG
# plugin of bench/app-cycles.sh (bench/linux-guest/insn-plugin.c:
# executed instructions per translated block; a halted guest counts
# nothing).  Both guests boot as bench/netstack.sh boots them (same
# launcher, -M pc, -m 128, tap) plus -plugin; the host snapshots the
# counters around windows of a known number of transactions:
#   idle   2 s with no traffic (per second: timers)
#   rr     N transactions on one connection, one at a time (a blocking
#          client: send 1 byte, read 1 byte), per transaction
#   rr 32  4N transactions over 32 connections, one in flight on each
# Also the wall-clock rate of the same loop with the plugin attached
# (slower than without it; compare within the run).  For Tandem the 30
# functions with the most instructions per transaction.  Prints a report
# (also BUILD/bench/netstack/cycles.txt; SIDES="tandem" for one side).
# Needs root; the Linux guest comes from bench/linux-guest/build.sh.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
N=${2:-2000}
TIMG=${TIMG:-$B/img/epecho.img}	# TIMG=IMAGE: another Tandem image (A/B)
D=$B/bench/netstack
mkdir -p "$D"
NS=tdbcyc$$
IP=192.0.2.2
GPID=
cleanup() {
	[ -n "$GPID" ] && kill "$GPID" 2>/dev/null
	[ -n "$GPID" ] && wait "$GPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
ip netns add "$NS" || { echo "net-cycles.sh: cannot create netns (root?)" >&2; exit 2; }
trap cleanup EXIT
trap 'exit 143' TERM INT HUP
ip -n "$NS" link set lo up
ip -n "$NS" tuntap add dev tap0 mode tap
ip -n "$NS" addr add 192.0.2.1/24 dev tap0
ip -n "$NS" link set tap0 up
in_ns() { ip netns exec "$NS" "$@"; }

PLUG=$D/insn-plugin.so
gcc -O2 -shared -fPIC -o "$PLUG" bench/linux-guest/insn-plugin.c || exit 2
CTR=$D/insn-counters
REP="python3 bench/linux-guest/insn-report.py"

# rr_loop N: N one-byte transactions on one connection; prints the rate
rr_loop() {
	in_ns python3 - "$IP" "$1" <<'PY'
import socket, sys, time
s = socket.create_connection((sys.argv[1], 7))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
n = int(sys.argv[2])
t0 = time.time()
for i in range(n):
    s.send(b'x')
    if s.recv(64) != b'x':
        sys.exit("bad echo")
dt = time.time() - t0
s.close()
print("%.0f" % (n / dt))
PY
}
# rr32_loop N: N one-byte transactions over 32 connections, each
# connection with one in flight; prints the rate
rr32_loop() {
	in_ns python3 - "$IP" "$1" <<'PY'
import selectors, socket, sys, time
sel = selectors.DefaultSelector()
ss = []
for i in range(32):
    s = socket.create_connection((sys.argv[1], 7))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    ss.append(s)
n, want, sent = 0, int(sys.argv[2]), 0
t0 = time.time()
for s in ss:
    s.send(b'x')
    sent += 1
while n < want:
    for key, ev in sel.select(5):
        d = key.fileobj.recv(64)
        n += len(d)
        k = min(len(d), want - sent)
        if k > 0:
            key.fileobj.send(b'x' * k)
            sent += k
dt = time.time() - t0
for s in ss:
    s.close()
print("%.0f" % (n / dt))
PY
}
# bulk_loop in|out MB: MB to the discard service or from the source
# service; prints MB/s
bulk_loop() {
	in_ns python3 - "$IP" "$1" "$2" <<'PY'
import socket, sys, time
mb = int(sys.argv[3]); total = mb << 20
if sys.argv[2] == "in":
    s = socket.create_connection((sys.argv[1], 9))
    buf = b'x' * 65536; n = 0; t0 = time.time()
    while n < total:
        n += s.send(buf[:min(65536, total - n)])
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
else:
    s = socket.create_connection((sys.argv[1], 19))
    n = 0; t0 = time.time()
    while n < total:
        d = s.recv(1 << 20)
        if not d:
            break
        n += len(d)
dt = time.time() - t0
s.close()
print("%.1f" % (n / dt / 1e6))
PY
}
start() {	# start SIDE LOG
	local side=$1 log=$2 i
	local common=(--machine pc --timeout 1200 --net tap:tap0
	    --qemu -plugin --qemu "$PLUG,out=$CTR")
	rm -f "$CTR"
	if [ "$side" = tandem ]; then
		in_ns "$B/bin/tandem" run tcg "$TIMG" "${common[@]}" \
		    -- ip=$IP/24 > "$log" 2>&1 &
	else
		in_ns "$B/bin/tandem" run tcg "$B/bench/linux/vmlinuz" "${common[@]}" \
		    --qemu -initrd --qemu "$B/bench/linux/initrd.img" \
		    -- console=ttyS0 quiet panic=-1 tdbench=echo ip=$IP/24 \
		    > "$log" 2>&1 &
	fi
	GPID=$!
	for ((i = 0; i < 1200; i++)); do
		grep -qE '^epecho: ready' "$log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
stop() {
	in_ns timeout 10 python3 tests/net/client.py "$IP" ctl quit > /dev/null 2>&1
	wait "$GPID" 2>/dev/null
	GPID=
}
# window NAME DIVISOR SYMS CMD...: counters around CMD, per DIVISOR
window() {
	local name=$1 div=$2 syms=$3 out
	shift 3
	$REP snap "$CTR" "$CTR.a"
	out=$("$@") || echo "  ($name: the load command failed)"
	$REP snap "$CTR" "$CTR.b"
	echo "$name: $($REP diff "$CTR.a" "$CTR.b" "$div" "$syms" ${TOP:-30})"
	[ -n "$out" ] && echo "  wall-clock rate with the plugin: $out/s"
}

exec > >(tee "$D/cycles.txt") 2>&1
for s in ${SIDES:-tandem linux}; do
	syms=
	if [ "$s" = tandem ]; then
		nm -n "${TIMG%.img}.dbg" > "$D/epecho.syms" 2>/dev/null && syms=$D/epecho.syms
	fi
	if ! start "$s" "$D/cycles-$s.log"; then
		echo "== $s: did not start (see $D/cycles-$s.log)"
		stop
		continue
	fi
	echo "== $s"
	rr_loop 300 > /dev/null		# warm: ARP, connection paths, TLB
	window "idle, instructions per second" 2 "" sleep 2
	window "rr 1 conn, per transaction" "$N" "$syms" rr_loop "$N"
	window "rr 32 conns, per transaction" "$((N * 4))" "" rr32_loop "$((N * 4))"
	if [ -n "${BULK:-}" ]; then
		window "bulk host->guest, per MB" 20 "" bulk_loop in 20
		window "bulk guest->host, per MB" 20 "" bulk_loop out 20
	fi
	stop
done
