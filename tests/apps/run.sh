#!/bin/bash
# tests/apps/run.sh BUILD -- the nginx and redis appliances (issue 12)
# under QEMU TCG -M pc, on a tap in a network namespace of ours
# (192.0.2.0/24): what a user does with them, checked from the host side.
#   nginx: GET (a 1 KiB page, a 10 MiB file by sha256), 404, HEAD, a range
#     request, keep-alive, 1,000 concurrent connections with wrk without
#     errors, a malformed-request flood after which it still serves, and
#     a graceful stop (ACPI power button: SIGTERM, status 0).
#   redis: SET/GET/INCR/LPUSH/HSET/EXPIRE (expiry honoured), pipelining,
#     redis-benchmark with 1,000 clients without errors, protocol garbage
#     after which it still serves, BGSAVE refused (no fork), a graceful
#     stop, and the data back after a reboot on the same ext4 disk (AOF,
#     appendfsync always); e2fsck -fn clean afterwards.
#   durability: redis killed with SIGKILL at random points while a client
#     INCRs, rebooted on the same disk each time: no acknowledged write
#     lost (tests/apps/durability.sh).
#   kvm: nginx and redis served under -accel kvm, where `tandem probe-kvm`
#     says apps run (it boots apps/kvmprobe: SSE, threads, sleeps).
# tests/apps/run.sh BUILD [PART...] runs only the named parts (nginx,
# redis, durability, kvm). Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
shift $(($# > 0))
PARTS=" ${*:-nginx redis durability kvm} "
want() { [[ $PARTS == *" $1 "* ]]; }
T=$B/tests/apps
mkdir -p "$T"
. tests/boot/lib.sh
NS=tdapps$$
IP=192.0.2.2
GPID=

cleanup() {
	[ -n "$GPID" ] && kill "$GPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT
tools/deps.sh check 2>/dev/null || tools/deps.sh install
ip netns add "$NS" && ip netns exec "$NS" ip tuntap add dev tap0 mode tap &&
    ip netns exec "$NS" ip addr add 192.0.2.1/24 dev tap0 &&
    ip netns exec "$NS" ip link set tap0 up &&
    ip netns exec "$NS" ip link set lo up ||
    { fail "network namespace"; summary; exit 1; }
in_ns() { ip netns exec "$NS" "$@"; }

# start NAME IMAGE WAIT-RE [launcher options] -- [guest words]
start() {
	local name=$1 img=$2 re=$3 i
	shift 3
	LOG=$T/$name.log
	: > "$LOG"
	in_ns "$B/bin/tandem" run "${ACCEL:-tcg}" "$img" --net tap:tap0 --timeout 600 \
	    --shutdown-after "${STOPMARK:-TEST-STOP-$name}" "$@" > "$LOG" \
	    2> "$T/$name.err" &
	GPID=$!
	for ((i = 0; i < 900; i++)); do
		grep -qE "$re" "$LOG" 2>/dev/null && return 0
		kill -0 "$GPID" 2>/dev/null || break
		sleep 0.1
	done
	fail "$name: never ready" "" "$LOG"
	return 1
}
# stop NAME: the graceful stop and its status
stop() {
	local rc
	wait "$GPID"
	rc=$?
	GPID=
	if [ "$rc" = 0 ] && grep -q 'ACPI power button' "$LOG"; then
		pass "$1: graceful stop (power button, SIGTERM), status 0"
	else
		fail "$1: graceful stop: status $rc" "" "$LOG"
	fi
}


# ---- nginx ------------------------------------------------------------
if want nginx; then
	W=$T/www
	rm -rf "$W"; mkdir -p "$W/srv/www"
	cp -a apps/nginx/root/. "$W/"
	head -c 1024 /dev/urandom | base64 -w 64 | head -c 1024 > "$W/srv/www/1k.html"
	head -c $((10 << 20)) /dev/urandom > "$W/srv/www/10m.bin"
	if "$B/bin/tandem" bake "$B/apps/nginx/objs/nginx" -o "$T/nginx-test.img" \
	    --root "$W" --config net --mem 64 \
	    --args "-p / -c /etc/nginx/nginx.conf" 2> "$T/bake-nginx.err"; then
		pass "nginx: test image baked with a 10 MiB file"
	else
		fail "nginx: bake" "" "$T/bake-nginx.err"
	fi
	U=http://$IP
	if start nginx "$T/nginx-test.img" '^tandem: net: virt0' -- ip=$IP/24; then
		sleep 1
		got=$(in_ns curl -s -m 10 "$U/1k.html" | sha256sum)
		check "nginx: GET 1 KiB page" [ "$got" = "$(sha256sum < "$W/srv/www/1k.html")" ]
		got=$(in_ns curl -s -m 60 "$U/10m.bin" | sha256sum)
		check "nginx: GET 10 MiB file, same sha256" \
		    [ "$got" = "$(sha256sum < "$W/srv/www/10m.bin")" ]
		check "nginx: 404" [ "$(in_ns curl -s -o /dev/null -w '%{http_code}' "$U/nope")" = 404 ]
		h=$(in_ns curl -s -I -m 10 "$U/1k.html" | tr -d '\r')
		check "nginx: HEAD" grep -q '^Content-Length: 1024$' <<< "$h"
		r=$(in_ns curl -s -m 10 -r 100-199 -w ' %{http_code}' "$U/10m.bin" | tail -c 4)
		check "nginx: range request (206)" [ "$r" = " 206" ]
		n=$(in_ns curl -s -v -m 10 "$U/1k.html" "$U/1k.html" -o /dev/null -o /dev/null 2>&1 |
		    grep -c 'Re-using existing connection\|Reusing existing connection')
		check "nginx: keep-alive (second request on the same connection)" [ "$n" -ge 1 ]
		in_ns wrk -t 2 -c 1000 -d 8 --timeout 8s "$U/1k.html" > "$T/wrk.out" 2>&1
		req=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$T/wrk.out")
		if [ "${req:-0}" -gt 0 ] && ! grep -qE 'Socket errors|Non-2xx' "$T/wrk.out"; then
			pass "nginx: wrk, 1000 connections, $req requests, no errors"
		else
			fail "nginx: wrk, 1000 connections" "" "$T/wrk.out"
		fi
		in_ns python3 - "$IP" > "$T/flood.out" 2>&1 <<-'PY'
	import socket, sys, random
	random.seed(7)
	for i in range(500):
	    s = socket.create_connection((sys.argv[1], 80), timeout=1)
	    junk = bytes(random.getrandbits(8) for _ in range(random.randint(1, 600)))
	    s.sendall(random.choice([junk, b"GET /" + junk + b"\r\n\r\n", b"\x00" * 100,
	        b"GET / HTTP/9.9\r\nHost: " + b"a" * 5000 + b"\r\n\r\n"]))
	    try:
	        s.recv(100)
	    except Exception:
	        pass
	    s.close()
	print("flood done")
	PY
		check "nginx: serves after a malformed-request flood" \
		    [ "$(in_ns curl -s -o /dev/null -w '%{http_code}' -m 10 "$U/1k.html")" = 200 ]
		in_ns curl -s -o /dev/null -m 5 "$U/TEST-STOP-nginx"
		stop nginx
	fi

fi

# ---- redis --------------------------------------------------------------
if want redis; then
	D=$T/redis-disk.img
	rm -f "$D"; truncate -s 128M "$D"
	mkfs.ext4 -q -F -O ^has_journal "$D"
	rc() { in_ns timeout 20 redis-cli -h "$IP" "$@" 2>&1; }
	# redis logs "DB saved on disk" after SAVE: the last command of each
	# boot, and the launcher's cue to press the power button
	STOPMARK="DB saved on disk"
	if start redis "$B/img/redis.img" 'Ready to accept connections' --disk "$D" \
	    -- ip=$IP/24; then
		check "redis: SET/GET" [ "$(rc SET k v1 && rc GET k)" = "$(printf 'OK\nv1')" ]
		rc INCR n > /dev/null; rc INCR n > /dev/null
		check "redis: INCR" [ "$(rc INCR n)" = 3 ]
		rc LPUSH l a b c > /dev/null
		check "redis: LPUSH/LRANGE" [ "$(rc LRANGE l 0 -1 | tr '\n' ' ')" = "c b a " ]
		rc HSET h f1 x f2 y > /dev/null
		check "redis: HSET/HGET" [ "$(rc HGET h f2)" = y ]
		rc SET e gone PX 300 > /dev/null
		sleep 1
		check "redis: EXPIRE honoured" [ -z "$(rc GET e)" ]
		p=$(for i in $(seq 1 100); do printf 'INCR p\r\n'; done |
		    in_ns redis-cli -h "$IP" --pipe 2>&1 | tail -1)
		check "redis: pipelining (100 commands, one write)" grep -q 'errors: 0, replies: 100' <<< "$p"
		in_ns redis-benchmark -h "$IP" -c 1000 -n 20000 -t set,get -q \
		    > "$T/redis-bench.out" 2>&1
		if grep -q 'requests per second' "$T/redis-bench.out" &&
		    ! grep -qiE 'error|refused|reset' "$T/redis-bench.out"; then
			pass "redis: redis-benchmark 1000 clients, no errors"
		else
			fail "redis: redis-benchmark 1000 clients" "" "$T/redis-bench.out"
		fi
		in_ns python3 - "$IP" > "$T/garbage.out" 2>&1 <<-'PY'
	import socket, sys, random
	random.seed(11)
	for i in range(200):
	    # redis answers garbage with an error or waits for the rest of a
	    # command: either way, do not wait long for it
	    s = socket.create_connection((sys.argv[1], 6379), timeout=0.3)
	    s.sendall(random.choice([bytes(random.getrandbits(8) for _ in range(300)),
	        b"*99999999\r\n$5\r\nhello\r\n", b"$-7\r\n", b"*1\r\n$999999999999\r\n"]))
	    try:
	        s.recv(100)
	    except Exception:
	        pass
	    s.close()
	PY
		check "redis: serves after protocol garbage" [ "$(rc PING)" = PONG ]
		rc SET persisted yes > /dev/null
		check "redis: BGSAVE refused (no fork), SAVE works" \
		    [ "$(rc BGSAVE | head -c 3)$(rc SAVE)" = "ERROK" ]
		stop redis
		if e2fsck -fn "$D" > "$T/e2fsck.out" 2>&1; then
			pass "redis: e2fsck -fn clean after the stop"
		else
			fail "redis: e2fsck -fn" "" "$T/e2fsck.out"
		fi
		if start redis2 "$B/img/redis.img" 'Ready to accept connections' \
		    --disk "$D" -- ip=$IP/24; then
			check "redis: data back after a reboot on the same disk (AOF)" \
			    [ "$(rc GET persisted)$(rc GET n)" = yes3 ]
			rc SAVE > /dev/null
			stop redis2
		fi
	fi
fi

# ---- KVM: the appliances with -accel kvm, where apps run -----------------
if want kvm; then
	if ! "$B/bin/tandem" probe-kvm > "$T/probe-kvm.log" 2>&1; then
		skip "appliances on kvm" "$(grep -m1 'KVM unusable' "$T/probe-kvm.log" | sed 's/^tandem: //')"
	else
		ACCEL=kvm
		if STOPMARK= start nginx-kvm "$B/img/nginx.img" '^tandem: net: virt0' -- ip=$IP/24; then
			check "kvm: nginx GET /" [ "$(in_ns curl -s -o /dev/null -w '%{http_code}' -m 20 "http://$IP/")" = 200 ]
			check "kvm: nginx 404" [ "$(in_ns curl -s -o /dev/null -w '%{http_code}' -m 20 "http://$IP/nope")" = 404 ]
			in_ns curl -s -o /dev/null -m 5 "http://$IP/TEST-STOP-nginx-kvm"
			stop "kvm: nginx"
		fi
		D=$T/redis-kvm.img
		rm -f "$D"; truncate -s 64M "$D"
		mkfs.ext4 -q -F -O ^has_journal "$D"
		if STOPMARK="DB saved on disk" start redis-kvm "$B/img/redis.img" \
		    'Ready to accept connections' --disk "$D" -- ip=$IP/24; then
			r=$(in_ns timeout 20 redis-cli -h "$IP" SET k kvm 2>&1; in_ns timeout 20 redis-cli -h "$IP" GET k 2>&1)
			check "kvm: redis SET/GET" [ "$r" = "$(printf 'OK\nkvm')" ]
			in_ns timeout 20 redis-cli -h "$IP" SAVE > /dev/null 2>&1
			stop "kvm: redis"
		fi
		ACCEL=
	fi
fi

# ---- durability: SIGKILL at random points (tests/apps/durability.sh) ---
if want durability; then
	. tests/apps/durability.sh
	durability_qemu
fi
summary
