#!/bin/bash
# bench/syscall.sh [BUILD] -- system-call costs in guest cycles, Tandem
# vs the Debian Linux guest, in one run.  The same program
# (bench/progs/syscall_bench.c) is built with tandem-cc and baked, and
# with Debian's musl-gcc -static as the /init of an initramfs for the
# Linux guest's kernel (bench/linux-guest/build.sh's vmlinuz).  Both boot
# under the same QEMU command shape with -icount shift=0,sleep=off (one
# TSC tick per guest instruction: exact and repeatable).  Prints a table
# of cycles per operation and the ratio (Linux / Tandem); nothing is
# asserted.  Results: BUILD/bench/syscall-results.md.
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
M=pc
. bench/guest-lib.sh
W=$B/bench/syscall
mkdir -p "$W"
SRC=bench/progs/syscall_bench.c

# Tandem: tandem-cc + bake
"$B/bin/tandem-cc" -O2 -o "$W/syscall_bench" "$SRC" -lpthread || exit 2
"$B/bin/tandem" bake "$W/syscall_bench" -o "$W/syscall_bench.img" || exit 2
# Linux: the same source, static musl, as /init (with /dev/console)
command -v musl-gcc > /dev/null || tools/deps.sh install
lx_build
[ -n "$LX" ] || exit 2
R=$W/initrd
rm -rf "$R"; mkdir -p "$R/dev"
musl-gcc -static -O2 -o "$R/init" "$SRC" -lpthread || exit 2
mknod "$R/dev/console" c 5 1
mknod "$R/dev/null" c 1 3
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip) > "$W/initrd.img"

run() {	# run NAME IMAGE [-- APP ARGS]: the options before the first --
	local name=$1 img=$2
	shift 2
	"$B/bin/tandem" run tcg "$img" --icount --machine "$M" --mem "$MEM" \
	    --timeout 300 --show-cfg "$@" > "$W/$name.log" 2> "$W/$name.err"
}
run tandem "$W/syscall_bench.img" -- --	# an -append, as the Linux guest has

"$B/bin/tandem" run tcg "$LX/vmlinuz" --icount --machine "$M" --mem "$MEM" \
    --timeout 300 --show-cfg --qemu -initrd --qemu "$W/initrd.img" \
    -- "console=ttyS0 quiet panic=-1" > "$W/linux.log" 2> "$W/linux.err"
same_shape "$W/tandem.err" "$W/linux.err"
val() { tr -d '\r' < "$W/$1.log" | sed -n "s/^bench: $2 \([0-9.]*\)\$/\1/p" | head -1; }
{
	echo "| operation (guest cycles, -icount shift=0) | Tandem | Linux guest | Linux ÷ Tandem |"
	echo "|---|---|---|---|"
	for op in getpid syscall_getpid clock_gettime_monotonic write_devnull_1byte pipe_roundtrip \
	    thread_create_join futex_wake_to_run; do
		t=$(val tandem "$op"); l=$(val linux "$op")
		echo "| $op | ${t:-n/a} | ${l:-n/a} | $(ratio "$l" "$t") |"
	done
	echo
	echo "commit $(git rev-parse --short HEAD 2>/dev/null), $(date -u +%F), QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}'), -M $M, -m $MEM"
} | tee "$B/bench/syscall-results.md"
[ "$FAILS" = 0 ]
