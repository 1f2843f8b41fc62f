# net.sh -- the network part of the Xen tier (sourced by tests/xen/run.sh
# after split.sh, whose hook_head it uses): epecho (apps/epecho, an
# ordinary epoll C program built with tandem-cc, lwIP under libos) on
# netfront as PV and PVH guests, driven from dom0 by tests/net/nclient.c
# (dom0 has no Python: the C twin of tests/net/client.py).  One job per
# type: ~15 s each.
#
# And `-p` through the nested Xen (pv only): the batch's outer QEMU
# forwards two host ports to 10.0.2.15 on its user network, dom0 bridges
# that network to xenbr0 (UPLINK), epecho takes its DHCP lease from the
# outer QEMU and answers curl and nc from the host (a poller started
# before the batch; it quits the guest once it got through).
#
#   net_jobs TYPE        queues TYPE's jobs (pv, pvh)
#   net_checks TYPE      after xen_run: their checks

NJ=$T/net
NMAC=00:16:3e:54:00:20

# net_prepare: the dom0 client, once; 1 when it cannot be built
net_prepare() {
	# dom0's bridge address for the guests on xenbr0 (split.sh asks
	# for the same one)
	T_JOBS+=("@env BRIDGE_IP=192.0.2.1/24")
	[ -x "$NJ/nclient" ] && [ "$NJ/nclient" -nt tests/net/nclient.c ] &&
	    return 0
	mkdir -p "$NJ"
	gcc -O2 -Wall -static -o "$NJ/nclient" tests/net/nclient.c \
	    > "$NJ/build.log" 2>&1
}

net_jobs() {
	local ty=$1 d=$NJ/ep-$1
	net_prepare || return 0
	[ -r "$B/img/epecho.img" ] || return 0
	rm -rf "$d"
	mkdir -p "$d"
	cp "$NJ/nclient" "$d/"
	# the suite of tests/net/run.sh on the QEMU tier, from dom0 over
	# the bridge and netback: fewer bytes (nested TCG is slow)
	{ hook_head; cat <<'EOS'
ip -6 addr add 2001:db8::1/64 dev xenbr0 nodad 2>/dev/null ||
    ip addr add 2001:db8::1/64 dev xenbr0
waitfor "epecho: ready" 60
N=$JOB/nclient
$N conns 192.0.2.2 7 1000
$N bulk 192.0.2.2 7 10
$N bulk 2001:db8::2 7 1
$N udp 192.0.2.2 7 16
$N udp 2001:db8::2 7 8
$N outbound 192.0.2.2 7 192.0.2.1
$N http 192.0.2.2 80
# a guest that does not take "quit" is not left to its time limit
$N ctl 192.0.2.2 7 quit || xl destroy "$NAME"
ip addr del 2001:db8::1/64 dev xenbr0
EOS
	} > "$d/hook.sh"
	XEN_OPTS=("file=$d/hook.sh" "file=$d/nclient"
	    "xl=vif = [ 'bridge=xenbr0,mac=$NMAC' ]")
	XEN_TIMEOUT=150 xen_job "epecho-$ty" "$ty" "$B/img/epecho.img" \
	    ip=192.0.2.2/24 ip6=2001:db8::2/64
	XEN_OPTS=()
	[ "$ty" = pv ] && net_fwd_job
}

NFPID=
net_fwd_job() {
	local d=$NJ/fwd p=$(( 20000 + ($$ + 11) % 20000 ))
	rm -rf "$d"
	mkdir -p "$d"
	NFPORT=$p
	XEN_OPTS=("port=$p:80" "port=$((p + 1)):7" "port=$((p + 2)):8"
	    "xl=vif = [ 'bridge=xenbr0,mac=$NMAC' ]")
	XEN_TIMEOUT=240 xen_job "fwd-pv" pv "$B/img/epecho.img" net_wait=30
	XEN_OPTS=()
	# the host side, while the batch runs: curl until the guest answers,
	# an echo through nc, then quit over the control port
	( for ((i = 0; i < 1500; i++)); do
		if curl -s --max-time 5 "http://127.0.0.1:$p/" > "$d/curl" 2>&1 &&
		    grep -q '^epecho: hello' "$d/curl"; then
			printf 'hello through two hops\n' |
			    timeout 20 nc -q 3 127.0.0.1 $((p + 1)) > "$d/nc" 2>&1
			printf 'quit\n' | timeout 20 nc -q 3 127.0.0.1 $((p + 2)) \
			    > "$d/quit" 2>&1
			exit 0
		fi
		sleep 1
	  done ) > /dev/null 2>&1 &
	NFPID=$!
}

net_checks() {
	local ty=$1 p="xen-$1 epecho"
	if [ ! -x "$NJ/nclient" ]; then
		fail "$p: dom0 client" "cannot build tests/net/nclient.c" "$NJ/build.log"
		return
	fi
	if [ ! -r "$B/img/epecho.img" ]; then
		fail "$p: no $B/img/epecho.img (make first)"
		return
	fi
	expect_job "$p (ordinary epoll program on netfront) exits 0" "epecho-$ty" 0
	expect_line "$p: address from ip= and ip6=" "$LOG" '^tandem: net: virt0 inet 192\.0\.2\.2/24 .*inet6 2001:DB8::2'
	expect_line "$p: 1000 concurrent connections from dom0" "$LOG" '^hook: conns ok 1000 concurrent'
	expect_line "$p: 10 MB each way, checksums equal" "$LOG" '^hook: bulk ok 10 MB each way'
	expect_line "$p: TCP over IPv6, checksums equal" "$LOG" '^hook: bulk ok 1 MB each way'
	expect_line "$p: UDP echo" "$LOG" '^hook: udp ok 16/16'
	expect_line "$p: UDP echo over IPv6" "$LOG" '^hook: udp ok 8/8'
	expect_line "$p: outbound connection to dom0" "$LOG" '^hook: outbound ok: guest says "connect ok'
	expect_line "$p: HTTP answer" "$LOG" '^hook: http ok 200: epecho: hello ::ffff:192\.0\.2\.1 '
	expect_line "$p: quit over the control port" "$LOG" '^hook: bye$'
	expect_last "$p: last line" <(grep -v '^hook: ' "$LOG") '^tandem: exit 0$'
	[ "$ty" = pv ] && net_fwd_checks
}

net_fwd_checks() {
	local d=$NJ/fwd out
	[ -n "$NFPID" ] && kill "$NFPID" 2>/dev/null
	expect_job "xen -p: epecho behind the forwards exits 0" fwd-pv 0
	expect_line "xen -p: DHCP lease from the outer QEMU over dom0's bridge" "$LOG" '^tandem: net: virt0 inet 10\.0\.2\.15/24 gw 10\.0\.2\.2'
	out=$(cat "$d/curl" 2>/dev/null)
	if [[ $out == "epecho: hello 10.0.2.2 port "* || $out == "epecho: hello ::ffff:10.0.2.2 port "* ]]; then
		pass "xen -p $NFPORT:80: curl from the host: $out"
	else
		fail "xen -p $NFPORT:80: curl from the host" "got '$out'"
	fi
	check "xen -p $((NFPORT + 1)):7: nc from the host, echoed" \
	    grep -qx 'hello through two hops' "$d/nc"
	check "xen -p $((NFPORT + 2)):8: quit through the control port" \
	    grep -qx 'bye' "$d/quit"
}
