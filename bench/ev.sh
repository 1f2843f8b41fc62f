#!/bin/bash
# bench/ev.sh [BUILD] -- libos readiness hot paths (issue 9) in guest
# cycles: bench/ev_bench.c booted under QEMU TCG -icount shift=0 (the
# guest TSC then counts instructions: exact and repeatable), empty loop
# subtracted.  The same program, linked statically with Debian's
# musl-gcc, runs as /init of the Debian Linux guest (bench/linux-guest)
# under the very same QEMU flags: the Linux column.  The host column is
# the program run natively (host TSC cycles, for orientation only).
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
O=$B/bench/ev
LX=$B/bench/linux
mkdir -p "$O"
QEMU=(qemu-system-x86_64 -M pc -accel tcg -icount shift=0,sleep=off,align=off
    -m 128 -display none -vga none -nodefaults -no-reboot -monitor none
    -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4)

"$B/bin/tandem-cc" -O2 -o "$O/ev_bench" bench/ev_bench.c
"$B/lib/tandem/bake.sh" "$O/ev_bench" -o "$O/ev_bench.img" > /dev/null
timeout 300 "${QEMU[@]}" -kernel "$O/ev_bench.img" < /dev/null \
    > "$O/guest.log" 2>&1 || true
grep -q '^bench: ok' <(tr -d '\r' < "$O/guest.log") ||
    { echo "guest bench failed:"; tail -5 "$O/guest.log"; exit 1; }
musl-gcc -O2 -static -o "$O/ev_bench.native" bench/ev_bench.c
"$O/ev_bench.native" > "$O/native.log"

# the Linux guest: its initramfs plus one more archive whose /init runs
# the benchmark (the kernel unpacks concatenated archives in order)
: > "$O/linux.log"
if [ -f "$LX/vmlinuz" ] || timeout 1200 bench/linux-guest/build.sh "$LX" >&2; then
	rm -rf "$O/ovl"; mkdir -p "$O/ovl"
	cp "$O/ev_bench.native" "$O/ovl/ev_bench"
	printf '#!/bin/sh\n/bin/mount -t proc proc /proc\nulimit -n 4096\n/ev_bench\n/bin/poweroff -f\n' \
	    > "$O/ovl/init"
	chmod 755 "$O/ovl/init"
	(cd "$O/ovl" && printf 'init\nev_bench\n' | cpio -o -H newc --quiet | gzip) \
	    > "$O/ovl.cpio.gz"
	cat "$LX/initrd.img" "$O/ovl.cpio.gz" > "$O/linux-initrd.img"
	timeout 600 "${QEMU[@]}" -kernel "$LX/vmlinuz" -initrd "$O/linux-initrd.img" \
	    -append "console=ttyS0 quiet panic=-1" < /dev/null \
	    > "$O/linux.log" 2>&1 || true
	grep -q '^bench: ok' <(tr -d '\r' < "$O/linux.log") ||
	    echo "Linux guest bench failed (see $O/linux.log)" >&2
fi

per() {	# per LOG NAME: cycles per round, empty loop subtracted
	tr -d '\r' < "$1" | awk -v n="$2" '
	    $1 == "bench:" && $2 == "empty" { e = $3 / $4 }
	    $1 == "bench:" && $2 == n { t = $3 / $4; ok = 1 }
	    END { if (ok) printf "%.1f", t - e; else printf "n/a" }'
}
printf "%-44s %10s %10s %8s %10s\n" "operation (per round)" "Tandem" "Linux" \
    "ratio" "host"
printf "%-44s %10s %10s %8s %10s\n" "" "guest cyc" "guest cyc" "L/T" "host TSC"
for r in "getppid:getppid (a trivial call, for scale)" \
    "pipe_rtt:pipe write+read of 1 byte" "write1:  write of 1 byte" \
    "read1:  read of 1 byte" "read_eagain:  read of an empty O_NONBLOCK pipe" "poll1:poll, one ready fd" \
    "epoll1:epoll_wait, one ready fd (LT)" \
    "epoll1k:  the same, 1000 idle fds registered too"; do
	t=$(per "$O/guest.log" "${r%%:*}")
	l=$(per "$O/linux.log" "${r%%:*}")
	printf "%-44s %10s %10s %8s %10s\n" "${r#*:}" "$t" "$l" \
	    "$(awk -v a="$l" -v b="$t" 'BEGIN { if (a == "n/a" || b + 0 <= 0) print "n/a"; else printf "%.1fx", a / b }')" \
	    "$(per "$O/native.log" "${r%%:*}")"
done
