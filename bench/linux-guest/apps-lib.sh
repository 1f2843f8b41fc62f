# bench/linux-guest/apps-lib.sh -- sourced by bench/nginx.sh and
# bench/redis.sh: one network namespace with a tap (192.0.2.1 on the host
# side, the guest at 192.0.2.2), guests booted through the same launcher
# (`tandem run tcg`, same -M, -m, -cpu, disk and NIC options; only
# -kernel, -append and the Linux guest's -initrd differ, which same_shape
# of guest-lib.sh checks), launch -> first answer timing from the host,
# and a binary search for the least memory that serves.
# Expects B (build dir), APP (nginx|redis), MEM, M (machine), and the
# caller's functions `probe` (one request: exit 0 iff answered) and
# `load_ok` (a short benchmark: exit 0 iff no error), PORT and KIND
# (http|redis) for first-answer.py.
# shellcheck shell=bash disable=SC2034

. bench/guest-lib.sh
NS=tdb$APP$$
IP=192.0.2.2
LXD=$B/bench/linux-apps
GPID=
PLUGARGS=()
DISK=$B/bench/apps/$APP-disk.img

apps_cleanup() {
	stop_guest
	ip netns del "$NS" 2>/dev/null
}
# apps_net: the namespace and its tap.  The guest's MAC is the launcher's
# first NIC (52:54:00:12:34:56) for both guests: a permanent neighbour
# entry keeps ARP out of the launch -> first answer timing (a SYN sent
# before the guest is up would otherwise fail its ARP for a second).
apps_net() {
	ip netns add "$NS" || { echo "${0##*/}: cannot create netns (root?)" >&2; exit 2; }
	trap apps_cleanup EXIT
	trap 'exit 143' TERM INT HUP	# so that EXIT runs: no QEMU left behind
	ip -n "$NS" link set lo up
	ip -n "$NS" tuntap add dev tap0 mode tap
	ip -n "$NS" addr add 192.0.2.1/24 dev tap0
	ip -n "$NS" link set tap0 up
	ip -n "$NS" neigh replace "$IP" lladdr 52:54:00:12:34:56 dev tap0 nud permanent
	ip netns exec "$NS" sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
}
in_ns() { ip netns exec "$NS" "$@"; }

# fresh_disk: an empty ext4 disk (no journal, like the appliance tests'),
# attached to both guests so their QEMU commands are the same
fresh_disk() {
	rm -f "$DISK"
	truncate -s 64M "$DISK"
	mkfs.ext4 -q -F -O ^has_journal "$DISK"
}

# boot SIDE MEMMB LOG -- APPARGS...: starts the guest (SIDE tandem|linux)
# in the background (GPID); returns at once.  T0 = launch time (ns).
boot() {
	local side=$1 mem=$2 log=$3
	shift 4
	fresh_disk
	local common=(--machine "$M" --mem "$mem" --timeout 3600 --net tap:tap0
	    --disk "$DISK" --show-cfg)
	[ -n "${CPU:-}" ] && common+=(--cpu "$CPU")
	common+=("${PLUGARGS[@]}")	# bench/app-cycles.sh: the counting plugin
	# the poller first, waiting for T0 (first_answer): its start is not
	# part of the launch
	coproc FA { in_ns python3 bench/linux-guest/first-answer.py "$IP" "$PORT" "$KIND" -; }
	read -r _ <&"${FA[0]}"
	T0=${EPOCHREALTIME/[.,]/}000	# ns, without starting a process
	if [ "$side" = tandem ]; then
		in_ns "$B/bin/tandem" run tcg "$TIMG" "${common[@]}" \
		    -- ip=$IP/24 -- "$@" > "$log" 2> "$log.err" &
	else
		# no_timer_check: on a loaded host the kernel's IO-APIC timer
		# test (a busy wait for ticks) can fail under TCG and panic
		# ("IO-APIC + timer doesn't work!"); the usual VM setting
		in_ns "$B/bin/tandem" run tcg "$LXD/vmlinuz" "${common[@]}" \
		    --qemu -initrd --qemu "$LXD/initrd-$APP.img" \
		    -- console=ttyS0 quiet panic=-1 no_timer_check ip=$IP/24 -- "$@" \
		    > "$log" 2> "$log.err" &
	fi
	GPID=$!
}
# descendants PID: the process tree under PID (the launcher's QEMU)
descendants() {
	local c
	for c in $(pgrep -P "$1"); do
		echo "$c"
		descendants "$c"
	done
}
# stop_guest: SIGTERM to the launcher (it stops its QEMU), then waits
# until every process under it is gone (QEMU holds the tap: the next
# guest cannot open it before), SIGKILL after 10 s
stop_guest() {
	[ -n "$GPID" ] || return 0
	local kids i p
	kids=$(descendants "$GPID")
	kill "$GPID" 2>/dev/null
	wait "$GPID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		p=
		for k in $kids; do kill -0 "$k" 2>/dev/null && p+="$k "; done
		[ -z "$p" ] && break
		sleep 0.1
	done
	[ -n "$p" ] && kill -9 $p 2>/dev/null
	GPID=
}

# first_answer LIMIT_S: polls the guest from the host (first-answer.py,
# kind and port from PORT/KIND, started by boot) until the app answers;
# prints seconds from T0, or "fail"
first_answer() {
	local r=fail pid=$FA_PID
	echo "$T0 $1 $GPID" >&"${FA[1]}"
	read -r r <&"${FA[0]}"
	wait "$pid" 2>/dev/null
	echo "$r"
}

# mean "N N ..." DECIMALS: their mean ("" for none)
mean() {
	awk -v d="$2" '{ s = 0; for (i = 1; i <= NF; i++) s += $i
		if (NF) printf "%.*f\n", d, s / NF; else print "" }' <<< "$1"
}

# min_mem SIDE LO HI STEP -- APPARGS: least MiB in (LO, HI] at which the
# guest boots and load_ok passes (HI must pass; LO is taken to fail);
# prints "N" or "fail>HI".  Each try's verdict goes to stderr.
min_mem() {
	local side=$1 lo=$2 hi=$3 step=$4 mid
	shift 5
	try_mem "$side" "$hi" "$@" || { echo "fail>$hi"; return; }
	while [ $((hi - lo)) -gt "$step" ]; do
		mid=$(((lo + hi) / 2))
		if try_mem "$side" "$mid" "$@"; then hi=$mid; else lo=$mid; fi
	done
	echo "$hi"
}
try_mem() {
	local side=$1 mem=$2 ok=1 lim=40 log
	shift 2
	[ "$side" = linux ] && lim=240
	log=$B/bench/apps/$APP-$side-mem$mem.log
	boot "$side" "$mem" "$log" -- "$@"
	if [ "$(first_answer $lim)" = fail ]; then
		ok=0
	else
		load_ok "$log" || ok=0
		probe || ok=0	# still serving afterwards
	fi
	stop_guest
	echo "${0##*/}: $side --mem $mem: $([ $ok = 1 ] && echo serves || echo fails)" >&2
	[ $ok = 1 ]
}
