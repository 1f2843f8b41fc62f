#!/bin/bash
# tests/xen/run.sh BUILD -- the Xen tier: Debian's Xen 4.17 + a Debian
# dom0 booted in QEMU TCG, the very same images as the QEMU tier run as
# PV and as PVH domains.  All jobs share one Xen boot (~20 s), each job
# costs ~5 s.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
T=$B/tests/xen
. tests/boot/lib.sh
. tests/xen/split.sh
mkdir -p "$T"
IMG=$B/img/hello.img
sha0=$(cat "$B/img/hello.img.sha256" 2>/dev/null || sha256sum "$IMG" | cut -d' ' -f1)
check "hello.img is the image the QEMU tier booted" \
    [ "$(sha256sum "$IMG" | cut -d' ' -f1)" = "$sha0" ]

# the hardening programs booted on Xen too (the rest only under QEMU)
HARDEN="wtext callheap nullptr recmain recthread mprot smash"

split_ok=1
split_prepare || { split_ok=; fail "split drivers: host tools" "cannot build pattern/xnet"; }
for ty in pv pvh; do
	[ -n "$split_ok" ] && split_jobs "$ty"
	xen_job "hello-$ty-0" $ty "$IMG" 0
	xen_job "hello-$ty-7" $ty "$IMG" 7
	xen_job "panic-$ty" $ty "$B/img/panic.img"
	xen_job "stress-$ty" $ty "$B/img/stress.img" 64 5
	xen_job "hyptest-$ty" $ty "$B/img/hypercall-test.img" 'HYPTEST_KEY="hello world"'
	# hardening (tests/libos/harden.sh): each must end in a clear panic
	for p in $HARDEN; do
		xen_job "hd-$p-$ty" $ty "$B/img/hd-$p.img"
	done
done
# ... and as a PV guest with a blkfront disk as blk0, like posix's host file
if [ -n "$split_ok" ]; then
	d=$(job_dir hyptestd-pv)
	truncate -s 8M "$d/hd.img"
	XEN_OPTS=("file=$d/hd.img" "$(disk_line hd.img)")
	XEN_TIMEOUT=60 xen_job hyptestd-pv pv "$B/img/hypercall-test.img" \
	    'HYPTEST_KEY="hello world"'
	XEN_OPTS=()
fi
xen_run

for ty in pv pvh; do
	for st in 0 7; do
		expect_job "hello xen-$ty rc $st" "hello-$ty-$st" $st
		hello_checks "$LOG" "xen-$ty" $st "hello xen-$ty/$st"
	done
	expect_job "panic xen-$ty rc" "panic-$ty" 255
	expect_line "panic xen-$ty trap" "$LOG" '^tandem: trap 14 \(page fault\) err 0x[0-9a-f]+ at crash_here\+0x[0-9a-f]+ addr 0x7ff0000000'
	expect_line "panic xen-$ty backtrace" "$LOG" '^ +[0-9a-f]{16} level2\+0x'
	expect_line "panic xen-$ty panic line" "$LOG" '^tandem: panic: page fault at crash_here'
	expect_job "stress xen-$ty rc" "stress-$ty" 0
	expect_line "stress xen-$ty ok" "$LOG" '^stress: OK$'
	# the rumpuser suite: same source and same result as booted under
	# QEMU (tests/boot) and natively on posix (tests/hypercall)
	expect_job "hypercall suite xen-$ty rc" "hyptest-$ty" 0
	expect_line "hypercall suite xen-$ty result" "$LOG" '^[0-9]+ passed, 0 failed$'
	same_suite_result "hypercall suite xen-$ty same as QEMU" "$LOG" \
	    "$B/tests/boot/hyptest-pc.log"
	# the split drivers (tests/xen/split.sh)
	[ -n "$split_ok" ] && split_checks "$ty"
	# hardening: status 255 and the EXPECT lines of each program
	for p in $HARDEN; do
		expect_job "harden $p xen-$ty rc" "hd-$p-$ty" 255
		while read -r re; do
			[ -n "$re" ] && expect_line "harden $p xen-$ty /$re/" \
			    "$LOG" "$re"
		done < <(sed -n 's|^/\* EXPECT: \(.*\) \*/$|\1|p' \
		    "tests/libos/harden/$p.c")
	done
done
if [ -n "$split_ok" ]; then
	expect_job "hypercall suite xen-pv with blkfront rc" hyptestd-pv 0
	expect_no_line "hypercall suite xen-pv uses the disk" "$LOG" 'no blk0'
	if [ -r "$B/posix/asan.log" ]; then
		same_suite_result "hypercall suite: Xen PV+blkfront same as posix" \
		    "$LOG" "$B/posix/asan.log"
	else
		skip "hypercall suite vs posix" "run tests/hypercall/run.sh first"
	fi
fi
summary
