#!/bin/bash
# tests/libos/harden.sh BUILD [PROG...] -- the hardening tier.  Each
# tests/libos/harden/NAME.c (built by tandem-cc into BUILD/img/hd-NAME.img)
# does one bad thing -- write to text or rodata, call into the heap or
# the stack, dereference NULL, recurse without end in main and in a
# thread, write after mprotect(PROT_READ), overflow a local array -- and
# must end with status 255, a panic as the last line, and every
# "/* EXPECT: REGEX */" line of its source matched by some console line
# (the fault named, the app's function named).  Booted under QEMU TCG,
# -M pc and -M microvm.  canary.c instead runs to completion twice with a
# virtio-rng: the stack-protector canaries must differ.
# Xen PV/PVH: the same images are jobs of tests/xen/run.sh.
# Prints "N passed, N failed"; exits non-zero on failure.
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
shift
T=$B/tests/harden
mkdir -p "$T"
. tests/boot/lib.sh

progs=("$@")
[ ${#progs[@]} -gt 0 ] ||
    progs=($(ls tests/libos/harden/*.c | sed 's|.*/||; s|\.c$||'))

expects() {	# expects FILE: the EXPECT regexes, one a line
	sed -n 's|^/\* EXPECT: \(.*\) \*/$|\1|p' "$1"
}

bad_prog() {	# bad_prog NAME MACHINE
	local p=$1 m=$2 re
	boot "$p-$m" "$m" "$B/img/hd-$p.img"
	expect_rc "$p $m: status" 255
	expect_line "$p $m: panics" "$LOG" '^tandem: panic: '
	while read -r re; do
		[ -n "$re" ] && expect_line "$p $m: /$re/" "$LOG" "$re"
	done < <(expects "tests/libos/harden/$p.c")
}

canary_prog() {	# two boots with an entropy source: different canaries
	local a b
	BOOT_OPTS=()		# the launcher attaches a virtio-rng by default
	boot canary-1 pc "$B/img/hd-canary.img"
	expect_rc "canary boot 1: status" 0
	a=$(sed -n 's/^canary \([0-9a-f]*\).*/\1/p' "$LOG")
	boot canary-2 pc "$B/img/hd-canary.img"
	expect_rc "canary boot 2: status" 0
	b=$(sed -n 's/^canary \([0-9a-f]*\).*/\1/p' "$LOG")
	BOOT_OPTS=()
	expect_no_line "canary: entropy was there" "$LOG" 'canary is predictable'
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] &&
	    [ "$a" != 0000000000000000 ]; then
		pass "canary differs between boots ($a, $b)"
	else
		fail "canary differs between boots" "got '$a' and '$b'"
	fi
	# without a source the image says so instead of pretending
	BOOT_OPTS=(--no-rng)
	boot canary-none pc "$B/img/hd-canary.img"
	BOOT_OPTS=()
	expect_rc "canary without entropy: status" 0
	expect_line "canary without entropy: warned" "$LOG" \
	    'canary is predictable'
}

for p in "${progs[@]}"; do
	[ -f "$B/img/hd-$p.img" ] || { fail "$p: image" "missing $B/img/hd-$p.img (make)"; continue; }
	if [ "$p" = canary ]; then
		canary_prog
		continue
	fi
	for m in pc microvm; do
		bad_prog "$p" "$m"
	done
done
summary
