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
. tests/xen/libos.sh
. tests/xen/fs.sh
. tests/xen/net.sh
. tests/xen/apps.sh
. tests/xen/libvirt.sh
mkdir -p "$T"
IMG=$B/img/hello.img
sha0=$(cat "$B/img/hello.img.sha256" 2>/dev/null || sha256sum "$IMG" | cut -d' ' -f1)
check "hello.img is the image the QEMU tier booted" \
    [ "$(sha256sum "$IMG" | cut -d' ' -f1)" = "$sha0" ]

# the hardening programs booted on Xen too (the rest only under QEMU)
HARDEN="wtext callheap nullptr recmain recthread recpthread mprot smash oom"

split_ok=1
split_prepare || { split_ok=; fail "split drivers: host tools" "cannot build pattern/xnet"; }
for ty in pv pvh; do
	[ -n "$split_ok" ] && split_jobs "$ty"
	xen_job "hello-$ty-0" $ty "$IMG" 0
	xen_job "hello-$ty-7" $ty "$IMG" 7
	xen_job "panic-$ty" $ty "$B/img/panic.img"
	xen_job "stress-$ty" $ty "$B/img/stress.img" 64 5
	xen_job "hyptest-$ty" $ty "$B/img/hypercall-test.img" 'HYPTEST_KEY="hello world"'
	libos_jobs "$ty"
	fs_jobs "$ty"
	net_jobs "$ty"
	apps_jobs "$ty"
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
# `tandem config --xl [--pvh]` output, run by xl create as it is (only
# its kernel path and name become dom0's): an image with a manifest
# (mem, env, default args)
MAN=$T/manifest.img
printf 'name=hello-m\nmem=48\nargs=5\nenv=DEPLOY=yes\n' > "$T/manifest.txt"
cp "$IMG" "$MAN"
objcopy --add-section .tandem.manifest="$T/manifest.txt" "$MAN"
"$B/bin/tandem" config "$MAN" --xl > "$T/config-pv.cfg" 2> "$T/config-pv.err"
"$B/bin/tandem" config "$MAN" --xl --pvh > "$T/config-pvh.cfg" 2> "$T/config-pvh.err"
for ty in pv pvh; do
	XEN_OPTS=("cfg=$T/config-$ty.cfg")
	xen_job "config-$ty" $ty "$MAN"
done
XEN_OPTS=()
# `tandem run xen --debug` (job option debug): a guest that runs past its
# time limit gets every vCPU dumped by xenctx, with the image's symbols
XEN_OPTS=(debug)
XEN_TIMEOUT=8 xen_job hang-debug pv "$B/img/stress.img" 4 100000
XEN_OPTS=()
# `tandem config --libvirt --xen [--pvh]` created by virsh in dom0
# (tests/xen/libvirt.sh): last, libvirtd starts for them only
libvirt_prepare && libvirt_jobs
xen_run
expect_job "--debug: the hung guest times out" hang-debug 124
expect_line "--debug: xenctx dumped its vCPU" "$LOG" '^tandem: xenctx: rip: [0-9a-f]{16} [A-Za-z_]+\+0x'
expect_line "--debug: a symbolized stack trace" "$LOG" '^tandem: xenctx: [0-9a-f]{16}: +\[<[0-9a-f]{16}>\] [a-z][A-Za-z0-9_]*\+0x'

for ty in pv pvh; do
	expect_job "tandem config --xl ($ty): xl create runs it (rc 5)" "config-$ty" 5
	hello_checks "$LOG" "xen-$ty" 5 "config --xl xen-$ty"
	check "config --xl xen-$ty: dom0 ran that xl.cfg" grep -qx 'memory = 48' "$T/xen/config-$ty.cfg"
done
libvirt_checks
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
	libos_checks "$ty"
	fs_checks "$ty"
	net_checks "$ty"
	apps_checks "$ty"
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
