#!/bin/bash
# bench/ev.sh [BUILD] -- libos readiness hot paths (issue 9) in guest
# cycles: bench/ev_bench.c booted under QEMU TCG -icount shift=0 (one
# cycle per instruction, repeatable), empty loop subtracted; and the
# same program on the host's Linux (TSC cycles, for orientation only:
# host cycles are not guest instructions).
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
O=$B/bench/ev
mkdir -p "$O"
"$B/bin/tandem-cc" -O2 -o "$O/ev_bench" bench/ev_bench.c
"$B/lib/tandem/bake.sh" "$O/ev_bench" -o "$O/ev_bench.img" > /dev/null
timeout 300 qemu-system-x86_64 -M pc -accel tcg -icount shift=0,sleep=off,align=off \
    -m 128 -display none -vga none -nodefaults -no-reboot -monitor none \
    -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4 \
    -kernel "$O/ev_bench.img" < /dev/null > "$O/guest.log" 2>&1 || true
grep -q '^bench: ok' <(tr -d '\r' < "$O/guest.log") ||
    { echo "guest bench failed:"; tail -5 "$O/guest.log"; exit 1; }
musl-gcc -O2 -o "$O/ev_bench.native" bench/ev_bench.c
"$O/ev_bench.native" > "$O/native.log"
per() {	# per LOG NAME: cycles per round, empty loop subtracted
	tr -d '\r' < "$1" | awk -v n="$2" '
	    $1 == "bench:" && $2 == "empty" { e = $3 / $4 }
	    $1 == "bench:" && $2 == n { t = $3 / $4 }
	    END { printf "%.1f", t - e }'
}
printf "%-44s %12s %12s\n" "operation (per round)" "Tandem -icount" "host Linux"
printf "%-44s %12s %12s\n" "" "guest cyc" "host TSC"
for r in "getppid:getppid (a trivial call, for scale)" \
    "pipe_rtt:pipe write+read of 1 byte" "write1:  write of 1 byte" \
    "read1:  read of 1 byte" "read_eagain:  read of an empty O_NONBLOCK pipe" "poll1:poll, one ready fd" \
    "epoll1:epoll_wait, one ready fd (LT)" \
    "epoll1k:  the same, 1000 idle fds registered too"; do
	printf "%-44s %12s %12s\n" "${r#*:}" "$(per "$O/guest.log" "${r%%:*}")" \
	    "$(per "$O/native.log" "${r%%:*}")"
done
