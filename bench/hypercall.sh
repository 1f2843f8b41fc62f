#!/bin/bash
# bench/hypercall.sh [BUILD] -- exact instruction counts (callgrind, on
# platform posix) for the hypercall layer's hot paths.  Prints a table
# of instructions per operation, loop overhead subtracted.
set -eu
cd "$(dirname "$0")/.."
IMG=${1:-build}/img/hypercall-bench.img
B=${1:-build}/posix
. tests/hypercall/posix-build.sh
command -v valgrind > /dev/null || { echo "valgrind not installed"; exit 1; }
posix_build "$B/hypercall-bench" "$B/obj-bench" "-O2" bench/hypercall_bench.c
rm -f "$B"/callgrind.out.*
valgrind --tool=callgrind --instr-atstart=no --max-stackframe=16384 \
    --callgrind-out-file="$B/callgrind.out.%p" "$B/hypercall-bench" \
    > "$B/bench.log" 2>&1
N=$(sed -n 's/^bench: \([0-9]*\) rounds.*/\1/p' "$B/bench.log")
ir() {	# total Ir of the dump named $1
	local f
	f=$(grep -l "^desc: Trigger: Client Request: $1\$" "$B"/callgrind.out.*)
	sed -n 's/^totals: \([0-9]*\).*/\1/p' "$f"
}
empty=$(ir empty)
row() {	# row LABEL DUMP DIVISOR
	local t=$(ir "$2")
	awk -v t="$t" -v e="$empty" -v n="$N" -v d="$3" -v l="$1" \
	    'BEGIN { printf "%-40s %8.1f\n", l, (t - e) / n / d }'
}
printf "%-40s %8s\n" "operation (platform posix, callgrind)" "Ir/op"
row "mutex enter+exit, uncontended" mutex 1
row "rumpuser_clock_gettime(ABSMONO)" clock 1
row "rumpuser_curlwp" curlwp 1
row "cv signal -> waiter wakes (incl. switch)" cvpingpong 2
row "thread switch (td_yield, 2 threads)" yield 2

# The same loops booted (apps/hypercall-bench) under QEMU TCG with
# -icount shift=0: guest TSC cycles, one per instruction, deterministic.
[ -r "$IMG" ] || { echo "no $IMG (run make first)"; exit 1; }
timeout 120 qemu-system-x86_64 -M pc -accel tcg -icount shift=0,sleep=off,align=off \
    -m 128 -display none -vga none -nodefaults -no-reboot -monitor none \
    -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4 \
    -kernel "$IMG" < /dev/null > "$B/bench-guest.log" 2>&1 || true
grep -q '^bench: yield ' "$B/bench-guest.log" ||
    { echo "guest bench failed:"; tail -5 "$B/bench-guest.log"; exit 1; }
gc() { tr -d '\r' < "$B/bench-guest.log" | sed -n "s/^bench: $1 \([0-9]*\)\$/\1/p"; }
gempty=$(gc empty)
grow() {	# grow LABEL NAME DIVISOR
	awk -v t="$(gc "$2")" -v e="$gempty" -v n="$N" -v d="$3" -v l="$1" \
	    'BEGIN { printf "%-40s %8.1f\n", l, (t - e) / n / d }'
}
echo
printf "%-40s %8s\n" "operation (QEMU TCG -icount, booted)" "cyc/op"
grow "mutex enter+exit, uncontended" mutex 1
grow "rumpuser_clock_gettime(ABSMONO)" clock 1
grow "rumpuser_curlwp" curlwp 1
grow "cv signal -> waiter wakes (incl. switch)" cvpingpong 2
grow "thread switch (td_yield, 2 threads)" yield 2
