#!/bin/bash
# tests/virtio/run.sh BUILD -- virtio-blk and virtio-net under QEMU TCG on
# pc, q35 and microvm, through blkcheck.img and pingd.img, checked from
# the host: patterns written on one side are verified on the other, pings
# and raw frames come from a network namespace this script creates (a tap
# device in it, 192.0.2.0/24).  Plus the virtqueue consumer fuzzer.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
T=$B/tests/virtio
. tests/boot/lib.sh
mkdir -p "$T"
BLK=$B/img/blkcheck.img
PINGD=$B/img/pingd.img
PAT=$T/pattern
TIMEOUT=${TIMEOUT:-60}

gcc -O2 -Wall -Wextra -o "$PAT" tests/virtio/pattern.c ||
	{ echo "virtio: cannot build the host pattern tool"; echo "0 passed, 1 failed"; exit 1; }

newdisk() { rm -f "$1"; truncate -s "$2" "$1"; }
hostpat() { "$PAT" "$@" > "$T/pattern.out" 2>&1; }

# ---- block ------------------------------------------------------------------
# blk_suite MACHINE TAG [extra launcher options...]
blk_suite() {
	local m=$1 tag=$2 d0=$T/$2-d0.img d1=$T/$2-d1.img
	shift 2
	newdisk "$d0" 8M
	BOOT_OPTS=(--disk "$d0" "$@")
	boot "blk-$tag-write" "$m" "$BLK" write 11
	expect_rc "blk $tag: guest write rc" 0
	expect_line "blk $tag: flushed" "$LOG" '^blkcheck: blk0: wrote 8388608 bytes, seed 11, .*flushed'
	check "blk $tag: host verifies the guest's pattern" hostpat verify 11 "$d0"
	hostpat write 12 "$d0"
	boot "blk-$tag-verify" "$m" "$BLK" verify 12
	expect_rc "blk $tag: guest verifies the host's pattern" 0
	expect_line "blk $tag: verified" "$LOG" '^blkcheck: blk0: verified 8388608 bytes'
	boot "blk-$tag-bad" "$m" "$BLK" verify 13
	expect_rc "blk $tag: wrong seed fails" 1
	expect_line "blk $tag: first mismatch" "$LOG" '^blkcheck: blk0: mismatch at byte 0: got 0x'
	BOOT_OPTS=()
}

# Writes and flushes, then QEMU is killed (SIGKILL): the data must be there.
blk_kill() {
	local m=$1 d=$T/$1-kill.img pidf=$T/$1-qemu.pid pid i
	newdisk "$d" 8M
	rm -f "$pidf"
	LOG=$T/blk-$m-kill.log
	: > "$LOG"	# not last run's: the launcher's redirect comes later
	"$(t_launcher)" run tcg "$BLK" --machine "$m" --timeout "$TIMEOUT" \
	    --disk "$d" --qemu -pidfile --qemu "$pidf" -- write 21 hold \
	    > "$LOG" 2> "$T/blk-$m-kill.err" &
	pid=$!
	for ((i = 0; i < 300; i++)); do
		grep -q '^blkcheck: holding' "$LOG" 2>/dev/null && break
		sleep 0.1
	done
	expect_line "blk $m kill: flushed before the kill" "$LOG" '^blkcheck: blk0: wrote .*flushed'
	[ -s "$pidf" ] && kill -KILL "$(cat "$pidf")" 2>/dev/null
	wait "$pid" 2>/dev/null
	check "blk $m kill: data present after SIGKILL" hostpat verify 21 "$d"
}

blk_two() {
	local m=$1 a=$T/$1-two0.img b=$T/$1-two1.img
	newdisk "$a" 4M
	newdisk "$b" 6M
	BOOT_OPTS=(--disk "$a" --disk "$b")
	boot "blk-$m-two" "$m" "$BLK" write 31 blk0,blk1
	expect_rc "blk $m two disks: write rc" 0
	check "blk $m two disks: blk0 on the host" hostpat verify 31 "$a"
	check "blk $m two disks: blk1 on the host" hostpat verify 32 "$b"
	boot "blk-$m-two-verify" "$m" "$BLK" verify 31 blk0,blk1
	expect_rc "blk $m two disks: guest verifies both" 0
	BOOT_OPTS=()
}

for m in pc q35 microvm; do
	blk_suite "$m" "$m"
	blk_kill "$m"
	blk_two "$m"
done
G=(--qemu -global --qemu)
blk_suite pc pc-legacy "${G[@]}" virtio-blk-pci.disable-modern=on
blk_suite pc pc-intx "${G[@]}" virtio-blk-pci.vectors=0
blk_suite pc pc-legacy-intx "${G[@]}" virtio-blk-pci.disable-modern=on "${G[@]}" virtio-blk-pci.vectors=0
blk_suite q35 q35-intx "${G[@]}" virtio-blk-pci.vectors=0
blk_suite microvm microvm-v2 "${G[@]}" virtio-mmio.force-legacy=false
expect_no_line "blk: no device was disabled" <(cat "$T"/blk-*.log) '^virtio: .*device disabled'

# ---- network ----------------------------------------------------------------
NS=tdvirtio$$
ns_up() {
	ip netns add "$NS" 2>/dev/null || return 1
	ip -n "$NS" link set lo up &&
	ip -n "$NS" tuntap add dev tap0 mode tap &&
	ip -n "$NS" addr add 192.0.2.1/24 dev tap0 &&
	ip -n "$NS" link set tap0 up
}
ns_down() { ip netns del "$NS" 2>/dev/null; }

# net_run NAME MACHINE "GUEST ARGS" "HOST ARGS" [launcher options...]
net_run() {
	local name=$1 m=$2 gargs=$3 hargs=$4 pid i
	shift 4
	LOG=$T/$name.log
	: > "$LOG"
	# shellcheck disable=SC2086
	ip netns exec "$NS" "$(t_launcher)" run tcg "$PINGD" --machine "$m" \
	    --timeout "$TIMEOUT" --net tap:tap0 "$@" -- $gargs > "$LOG" \
	    2> "$T/$name.err" &
	pid=$!
	for ((i = 0; i < 300; i++)); do
		grep -q '^pingd: ready' "$LOG" 2>/dev/null && break
		sleep 0.1
	done
	# shellcheck disable=SC2086
	timeout 120 ip netns exec "$NS" python3 tests/virtio/nettest.py $hargs \
	    > "$T/$name.host" 2>&1
	HRC=$?
	wait "$pid"
	RC=$?
}

net_suite() {
	local m=$1 tag=$2 mac=52:54:00:12:34:56
	shift 2
	net_run "net-$tag-ping" "$m" "ip=192.0.2.2/24 count=500" \
	    "ping 192.0.2.2 500" "$@"
	check "net $tag: 500 pings, 0 lost" [ "$HRC" = 0 ]
	expect_line "net $tag: ping summary" "$T/net-$tag-ping.host" '^sent 500 received 500 lost 0'
	expect_rc "net $tag: pingd exits 0 after 500 replies" 0
	net_run "net-$tag-l2" "$m" "mode=l2echo count=1455" \
	    "l2echo tap0 $mac 60 1514" "$@"
	check "net $tag: frames 60..1514 echoed intact" [ "$HRC" = 0 ]
	expect_rc "net $tag: pingd l2echo exits 0" 0
}

if ! command -v python3 >/dev/null; then
	skip "net" "no python3"
elif ! ns_up; then
	ns_down
	skip "net" "cannot create a network namespace with a tap device"
else
	trap ns_down EXIT
	for m in pc q35 microvm; do
		net_suite "$m" "$m"
	done
	net_suite pc pc-legacy-intx "${G[@]}" virtio-net-pci.disable-modern=on \
	    "${G[@]}" virtio-net-pci.vectors=0
	ns_down
fi

# ---- the rumpuser suite with a disk: bio/iovread/syncfd over virtio-blk ----
# Same source as tests/hypercall (platform posix, host file as blk0): the
# booted run must end with the same result line.
newdisk "$T/hyptest.img" 8M
BOOT_OPTS=(--cpu max --disk "$T/hyptest.img")
boot "hyptest-disk" pc "$B/img/hypercall-test.img" 'HYPTEST_KEY="hello world"'
BOOT_OPTS=()
expect_rc "hypercall suite with virtio-blk rc" 0
expect_no_line "hypercall suite uses the disk" "$LOG" 'no blk0'
if [ -r "$B/posix/asan.log" ]; then
	same_suite_result "hypercall suite: QEMU+virtio-blk same as posix" \
	    "$LOG" "$B/posix/asan.log"
else
	skip "hypercall suite vs posix" "run tests/hypercall/run.sh first"
fi

# ---- virtqueue fuzzer (host, ASan/UBSan) -------------------------------------
if tests/fuzz/run.sh "$B" > "$T/fuzz.log" 2>&1; then
	pass "virtq fuzz: $(grep -m1 cases "$T/fuzz.log")"
else
	fail "virtq fuzz" "see $T/fuzz.log" "$T/fuzz.log"
fi
summary
