#!/bin/bash
# tests/libos/xen-thr.sh BUILD -- threads, futexes, time and signals of
# libos as Xen PV and PVH guests (one Xen boot for all jobs, ~1-2 min
# under TCG), and the graceful stop: `xl shutdown` posts SIGTERM to the
# app; a handler that exits 0 makes the guest's status 0, SIGTERM's
# default action 143.  The outputs must equal the Linux references the
# differential tier (tests/libos/run.sh) wrote.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
T=$B/tests/libos-xen
. tests/boot/lib.sh
mkdir -p "$T"
R=$B/tests/libos		# the references of tests/libos/run.sh

progs=(th_pthread th_futex th_signal th_alarm th_fpu th_cancel th_clock th_timer
    th_sched th_many)
for ty in pv pvh; do
	for p in "${progs[@]}"; do
		XEN_TIMEOUT=60 xen_job "$p-$ty" $ty "$B/img/lo-$p.img"
	done
	XEN_OPTS=("shutdown-after=armed")
	xen_job "term-handled-$ty" $ty "$B/img/lo-th_sigterm.img" -- handled wait
	xen_job "term-default-$ty" $ty "$B/img/lo-th_sigterm.img" -- wait
	XEN_OPTS=()
done
xen_run

for ty in pv pvh; do
	for p in "${progs[@]}"; do
		expect_job "$p xen-$ty rc" "$p-$ty" 0
		if [ -r "$R/$p.ref" ]; then
			grep -vE '^(tandem|virtio|acpi|blkfront|netfront|xenbus): ' "$LOG" | tr -d '\r' > "$T/$p-$ty.out"
			check "$p xen-$ty output as on Linux" \
			    cmp -s "$R/$p.ref" "$T/$p-$ty.out"
		else
			skip "$p xen-$ty output" "run tests/libos/run.sh first"
		fi
	done
	expect_job "xl shutdown, SIGTERM handled: xen-$ty rc 0" \
	    "term-handled-$ty" 0
	expect_line "xl shutdown: handler ran xen-$ty" "$LOG" \
	    '^SIGTERM handled, exiting cleanly$'
	expect_job "xl shutdown, SIGTERM default: xen-$ty rc 143" \
	    "term-default-$ty" 143
done
summary
