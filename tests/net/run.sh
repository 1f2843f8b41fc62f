#!/bin/bash
# tests/net/run.sh BUILD -- the TCP/IP stack (libos/net over lwIP) and its
# socket module, through the netecho appliance (apps/netecho):
#   1. the Linux ABI constants of libos/net/lx.h against the host's headers
#   2. platform posix (ASan+UBSan): the loopback selftest (and under
#      valgrind when installed); then, on a tap in
#      a network namespace this script creates (192.0.2.0/24, 2001:db8::/64):
#      ping, ping6, UDP echo (v4, v6), 1,000 concurrent TCP connections,
#      100 MB each way sha256-checked, TCP over IPv6, an outbound connection
#      to a host server, 10,000 reset connections without a leak, a memory
#      hog and a SYN flood that the guest survives, DHCP + SLAAC from a
#      dnsmasq in the namespace
#   3. the frame fuzzer: 10^6 frames into the netif input path (ASan)
#   4. under QEMU TCG, -M pc and microvm, on the same tap: epecho.img
#      (apps/epecho: an ordinary epoll C program built with tandem-cc)
#      through the suite above; netecho.img for the stack-internal ones
#      (selftest, leak, memory hog, SYN flood); and with QEMU user
#      networking: DHCP from slirp, `tandem run -p` forwards reached with
#      curl and nc from the host
#   5. the same epecho.c built natively: the suite on Linux's loopback
# Needs root (namespaces).  Prints "N passed, N failed"; non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
T=$B/tests/net
. tests/boot/lib.sh
. tests/net/build.sh
mkdir -p "$T"
NET_SRCDIR=$B/src
IMG=$B/img/netecho.img
EPIMG=$B/img/epecho.img
EPLINUX=$B/epecho/epecho-linux
READY='^netecho: ready'
PY=python3
ulimit -n 16384 2>/dev/null
export ASAN_OPTIONS=detect_leaks=0:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"

# ---- 1. ABI -------------------------------------------------------------------
if gcc -std=gnu11 -Wall -Ilibos/net -o "$T/abi" tests/net/abi.c > "$T/abi.log" 2>&1 &&
    "$T/abi" >> "$T/abi.log" 2>&1; then
	pass "lx.h: constants and layouts equal the host's (Linux) headers"
else
	fail "lx.h ABI" "" "$T/abi.log"
fi

# the if_virt upcall: libos/net defines it in netecho; images without the
# stack (pingd, hypercall-test's own fake kernel aside) leave it undefined
n=$(nm "$B/img/netecho.dbg" 2>/dev/null | grep -c ' T rump_virtif_virt_deliverpkt$')
p=$(nm "$B/img/pingd.dbg" 2>/dev/null | grep -c ' T rump_virtif_virt_deliverpkt$')
if [ "$n" = 1 ] && [ "$p" = 0 ]; then
	pass "rump_virtif_virt_deliverpkt: defined once in netecho, not in pingd"
else
	fail "rump_virtif_virt_deliverpkt definers: netecho $n, pingd $p"
fi

# ---- 2. platform posix ------------------------------------------------------------
NE=$B/posix/netecho-asan
if net_posix_build "$NE" "$B/posix/obj-net-asan" "$SAN" apps/netecho/main.c \
    apps/netecho/selftest.c > "$T/build.log" 2>&1; then
	pass "posix build (ASan+UBSan)"
else
	fail "posix build" "" "$T/build.log"
	summary
	exit 1
fi
timeout 120 "$NE" selftest=only net_wait=0 > "$T/selftest.log" 2>&1
rc=$?
line=$(grep -E '^selftest: [0-9]+ passed' "$T/selftest.log")
if [ $rc = 0 ] && [ -n "$line" ]; then
	pass "posix loopback selftest: ${line#selftest: }"
else
	fail "posix loopback selftest (exit $rc)" "" "$T/selftest.log"
fi

# the same selftest under valgrind (uninitialised reads ASan misses);
# core's thread stacks live in its heap: a big SP jump is a switch
if command -v valgrind > /dev/null; then
	if net_posix_build "$B/posix/netecho" "$B/posix/obj-net" "" \
	    apps/netecho/main.c apps/netecho/selftest.c >> "$T/build.log" 2>&1 &&
	    timeout 300 valgrind -q --error-exitcode=99 --max-stackframe=16384 \
	    "$B/posix/netecho" selftest=only net_wait=0 > "$T/valgrind.log" 2>&1 &&
	    grep -qE '^selftest: [0-9]+ passed, 0 failed' "$T/valgrind.log"; then
		pass "posix loopback selftest under valgrind: no error"
	else
		fail "posix loopback selftest under valgrind" "" "$T/valgrind.log"
	fi
else
	skip "valgrind selftest" "valgrind not installed"
fi

NS=tdnet$$
ns_up() {
	ip netns add "$NS" 2>/dev/null || return 1
	ip -n "$NS" link set lo up &&
	ip -n "$NS" tuntap add dev tap0 mode tap &&
	ip -n "$NS" addr add 192.0.2.1/24 dev tap0 &&
	ip -n "$NS" addr add 2001:db8::1/64 dev tap0 nodad &&
	ip -n "$NS" link set tap0 up
}
GPID=
DPID=
cleanup() {
	[ -n "$GPID" ] && kill "$GPID" 2>/dev/null
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
nsx() { ip netns exec "$NS" "$@"; }
client() {	# client NAME TIMEOUT ARGS...: a tests/net/client.py run
	local name=$1 to=$2 out
	shift 2
	out=$T/$name.host
	if timeout "$to" ip netns exec "$NS" $PY tests/net/client.py "$@" \
	    > "$out" 2>&1; then
		pass "$name: $(tail -1 "$out")"
	else
		fail "$name" "" "$out"
	fi
}
# guest_start NAME CMD...: runs a guest in the namespace, waits for ready
guest_start() {
	local name=$1 i
	shift
	LOG=$T/$name.log
	: > "$LOG"
	ip netns exec "$NS" "$@" > "$LOG" 2> "$T/$name.err" &
	GPID=$!
	for ((i = 0; i < 1800; i++)); do
		grep -qE "$READY" "$LOG" 2>/dev/null && return 0
		kill -0 "$GPID" 2>/dev/null || break
		sleep 0.1
	done
	fail "$name: never ready" "" "$LOG"
	kill "$GPID" 2>/dev/null
	wait "$GPID" 2>/dev/null
	GPID=
	return 1
}
# guest_quit NAME ADDR: asks the guest to exit, checks status 0
guest_quit() {
	nsx $PY tests/net/client.py "$2" ctl quit > /dev/null 2>&1
	wait "$GPID"
	RC=$?
	GPID=
	expect_rc "$1: exits 0 when told to" 0
}
pingck() {	# pingck NAME ADDR
	if timeout 30 ip netns exec "$NS" ping -c 20 -i 0.05 -W 2 "$2" \
	    > "$T/$1.host" 2>&1 && grep -q ' 0% packet loss' "$T/$1.host"; then
		pass "$1: 20 echoes, 0 lost"
	else
		fail "$1" "" "$T/$1.host"
	fi
}

# the functional suite against a guest at $1 (v6 at $2)
suite() {
	local tag=$1 a4=$2 a6=$3 full=$4
	if [ "$full" != stack ]; then
		pingck "$tag ping" "$a4"
		pingck "$tag ping6" "$a6"
		client "$tag udp echo" 60 "$a4" udp 32
		client "$tag udp6 echo" 60 "$a6" udp 16
		client "$tag 1000 concurrent tcp" 300 "$a4" conns 1000
		client "$tag bulk" 600 "$a4" bulk 100
		client "$tag bulk over IPv6" 300 "$a6" bulk 10
		client "$tag outbound" 60 "$a4" outbound 192.0.2.1
	fi
	if [ "$full" = abort ]; then
		client "$tag 10000 aborted connections, fds back" 600 "$a4" abort 10000
	fi
	if [ "$full" = full ] || [ "$full" = stack ]; then
		client "$tag 10000 aborted connections, no leak" 600 "$a4" abort 10000
		client "$tag memory hog" 300 "$a4" hog 300
		client "$tag syn flood" 300 "$a4" synflood 20000 7
	fi
}

if ! command -v $PY > /dev/null || ! ns_up; then
	cleanup
	skip "posix tap" "no python3 or cannot create a network namespace"
else
	trap cleanup EXIT
	if guest_start posix-static "$NE" --net tap:tap0 ip=192.0.2.2/24 \
	    ip6=2001:db8::2/64 selftest=0; then
		expect_line "posix: address from ip=" "$LOG" '^tandem: net: virt0 inet 192.0.2.2/24 .*inet6 2001:DB8::2'
		suite posix 192.0.2.2 2001:db8::2 full
		guest_quit posix 192.0.2.2
		expect_no_line "posix: no sanitizer report" "$T/posix-static.err" 'ERROR: AddressSanitizer|runtime error'
	fi

	# DHCP and SLAAC from dnsmasq
	if command -v dnsmasq > /dev/null; then
		# ip netns exec execs dnsmasq: $! is dnsmasq itself
		ip netns exec "$NS" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		    --interface=tap0 --bind-interfaces --except-interface=lo \
		    --port=0 --dhcp-range=192.0.2.50,192.0.2.59,255.255.255.0,1h \
		    --dhcp-option=option:router,192.0.2.1 \
		    --dhcp-option=option:dns-server,192.0.2.1 \
		    --enable-ra --dhcp-range=::,constructor:tap0,ra-only \
		    --dhcp-leasefile="$PWD/$T/leases" \
		    --log-facility="$PWD/$T/dnsmasq.log" --log-dhcp \
		    > "$T/dnsmasq.err" 2>&1 &
		DPID=$!
		sleep 0.5
		if guest_start posix-dhcp "$NE" --net tap:tap0 selftest=0 net_wait=20; then
			expect_line "posix dhcp: lease + gateway" "$LOG" '^tandem: net: virt0 inet 192\.0\.2\.5[0-9]/24 gw 192\.0\.2\.1'
			expect_line "posix dhcp: dns server" "$LOG" '^tandem: net: dns 192\.0\.2\.1$'
			a=$(sed -n 's/^tandem: net: virt0 inet \(192\.0\.2\.5[0-9]\)\/.*/\1/p' "$LOG")
			if [ -n "$a" ]; then
				pingck "posix dhcp: ping the leased address" "$a"
				# SLAAC: the router advertisement comes after start
				v6=
				for i in $(seq 20); do
					v6=$(timeout 5 ip netns exec "$NS" $PY \
					    tests/net/client.py "$a" ctl ifconfig |
					    grep -oE '2001:DB8::[0-9A-F:]+' | head -1)
					[ -n "$v6" ] && break
					sleep 0.5
				done
				if [ -n "$v6" ]; then
					pass "posix slaac: $v6 from the router advertisement"
					pingck "posix slaac: ping6 $v6" "$v6"
				else
					fail "posix slaac: no 2001:db8:: address"
				fi
			fi
			if [ -n "$a" ]; then
				guest_quit "posix dhcp" "$a"
			else
				kill "$GPID"; wait "$GPID"; GPID=
			fi
		fi
		kill "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
		DPID=
	else
		skip "posix dhcp" "no dnsmasq"
	fi

	# ---- 4. QEMU TCG: epecho (an ordinary epoll program) on pc and
	# microvm; netecho (lsock, stack statistics) on pc ----
	READY='^epecho: ready'
	for m in pc microvm; do
		[ -r "$EPIMG" ] || { fail "qemu: no $EPIMG (make first)"; break; }
		if guest_start "qemu-$m-epecho" "$(t_launcher)" run tcg "$EPIMG" \
		    --machine "$m" --timeout 1500 --net tap:tap0 -- \
		    ip=192.0.2.2/24 ip6=2001:db8::2/64; then
			if [ $m = pc ]; then
				suite "qemu $m epecho" 192.0.2.2 2001:db8::2 abort
			else
				suite "qemu $m epecho" 192.0.2.2 2001:db8::2 short
			fi
			guest_quit "qemu $m epecho" 192.0.2.2
			expect_last "qemu $m epecho: last line" "$LOG" '^tandem: exit 0$'
		fi
	done
	READY='^netecho: ready'
	for m in pc microvm; do
		[ -r "$IMG" ] || { fail "qemu: no $IMG (make first)"; break; }
		if guest_start "qemu-$m" "$(t_launcher)" run tcg "$IMG" --machine "$m" \
		    --timeout 1500 --net tap:tap0 -- ip=192.0.2.2/24 \
		    ip6=2001:db8::2/64; then
			expect_line "qemu $m: loopback selftest" "$LOG" '^selftest: [0-9]+ passed, 0 failed'
			if [ $m = pc ]; then
				suite "qemu $m netecho" 192.0.2.2 2001:db8::2 stack
			else
				pingck "qemu $m netecho ping" 192.0.2.2
				client "qemu $m netecho bulk" 300 192.0.2.2 bulk 10
			fi
			guest_quit "qemu $m" 192.0.2.2
			expect_last "qemu $m: last line" "$LOG" '^tandem: exit 0$'
		fi
	done
	cleanup
	trap - EXIT
fi

# ---- QEMU user networking: DHCP from slirp (no root, no tap) ----
if [ -r "$IMG" ]; then
	BOOT_OPTS=(--net user)
	boot qemu-user-dhcp pc "$IMG" selftest=only net_wait=20
	BOOT_OPTS=()
	expect_rc "qemu user net: selftest after DHCP, exit 0" 0
	expect_line "qemu user net: DHCP lease from slirp" "$LOG" '^tandem: net: virt0 inet 10\.0\.2\.15/24 gw 10\.0\.2\.2'
	expect_line "qemu user net: DNS server from DHCP" "$LOG" '^tandem: net: dns 10\.0\.2\.3$'
fi

# ---- QEMU user networking + `tandem run -p`: epecho's echo, control and
# HTTP ports forwarded to 127.0.0.1, reached with curl and nc ----
trap '[ -n "$GPID" ] && kill "$GPID" 2>/dev/null' EXIT
if [ -r "$EPIMG" ]; then
	P0=$(( 20000 + $$ % 20000 ))
	LOG=$T/qemu-user-fwd.log
	: > "$LOG"	# now: the job's own `>` may come after the first poll
	"$(t_launcher)" run tcg "$EPIMG" --net user -p "$P0:7" \
	    -p "$((P0 + 1)):8" -p "$((P0 + 2)):80" --timeout 300 -- \
	    net_wait=20 > "$LOG" 2> "$T/qemu-user-fwd.err" &
	GPID=$!
	# a loaded host: boot and slirp's DHCP may take a while
	for ((i = 0; i < 1800; i++)); do
		grep -q '^epecho: ready' "$LOG" 2>/dev/null && break
		kill -0 "$GPID" 2>/dev/null || break
		sleep 0.1
	done
	expect_line "user net -p: DHCP lease from slirp" "$LOG" '^tandem: net: virt0 inet 10\.0\.2\.15/24 gw 10\.0\.2\.2'
	out=$(curl -s --max-time 20 "http://127.0.0.1:$((P0 + 2))/" 2>&1)
	if [[ $out == "epecho: hello ::ffff:10.0.2.2 port "* ]]; then
		pass "user net -p $((P0 + 2)):80: curl from the host: $out"
	else
		fail "user net -p: curl" "got '$out'"
	fi
	if command -v nc > /dev/null; then
		out=$(printf 'hello through the forward\n' |
		    timeout 20 nc -q 3 127.0.0.1 "$P0" 2>&1)
		if [ "$out" = "hello through the forward" ]; then
			pass "user net -p $P0:7: nc from the host, echoed"
		else
			fail "user net -p: nc echo" "got '$out'"
		fi
	else
		skip "user net -p: nc" "no nc (netcat-openbsd)"
	fi
	if timeout 120 $PY tests/net/client.py -p "$P0" 127.0.0.1 bulk 10 \
	    > "$T/user-fwd-bulk.host" 2>&1; then
		pass "user net -p: $(tail -1 "$T/user-fwd-bulk.host")"
	else
		fail "user net -p: bulk" "" "$T/user-fwd-bulk.host"
	fi
	timeout 20 $PY tests/net/client.py -p "$P0" 127.0.0.1 ctl quit > /dev/null 2>&1
	wait "$GPID"
	RC=$?
	GPID=
	expect_rc "user net -p: epecho exits 0 when told to" 0
fi

# ---- 5. the same epecho.c on Linux: loopback sanity ----
if [ -x "$EPLINUX" ]; then
	P0=$(( 30000 + $$ % 20000 ))
	LOG=$T/linux-epecho.log
	: > "$LOG"
	"$EPLINUX" -p "$P0" -w "$((P0 + 3))" > "$LOG" 2>&1 &
	GPID=$!
	for ((i = 0; i < 50; i++)); do
		grep -q '^epecho: ready' "$LOG" 2>/dev/null && break
		sleep 0.1
	done
	lx() {	# lx NAME ARGS...
		local n=$1
		shift
		if timeout 120 $PY tests/net/client.py -p "$P0" "$@" \
		    > "$T/linux-$n.host" 2>&1; then
			pass "linux epecho $n: $(tail -1 "$T/linux-$n.host")"
		else
			fail "linux epecho $n" "" "$T/linux-$n.host"
		fi
	}
	lx conns 127.0.0.1 conns 1000
	lx bulk 127.0.0.1 bulk 100
	lx bulk6 ::1 bulk 10
	lx udp 127.0.0.1 udp 32
	lx udp6 ::1 udp 16
	lx outbound 127.0.0.1 outbound 127.0.0.1
	lx abort 127.0.0.1 abort 1000
	out=$(curl -s --max-time 10 "http://127.0.0.1:$((P0 + 3))/" 2>&1)
	check "linux epecho http: $out" [ "${out%% port *}" = "epecho: hello ::ffff:127.0.0.1" ]
	timeout 20 $PY tests/net/client.py -p "$P0" 127.0.0.1 ctl quit > /dev/null 2>&1
	wait "$GPID"
	RC=$?
	GPID=
	expect_rc "linux epecho: exits 0 when told to" 0
else
	fail "linux epecho: no $EPLINUX (make first)"
fi

# ---- 3. fuzzer ------------------------------------------------------------------
if tests/net/fuzz.sh "$B" "${NET_FUZZ_CASES:-1000000}" > "$T/fuzz.log" 2>&1; then
	pass "netif fuzz: $(tail -1 "$T/fuzz.log")"
else
	fail "netif fuzz" "" "$T/fuzz.log"
fi
summary
