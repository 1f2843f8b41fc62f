#!/bin/bash
# tests/libos/run.sh BUILD [PROG...] -- the differential suite of libos.
# Every tests/libos/progs/NAME.c is an ordinary C program.  It is built
# twice: with Debian's musl-gcc and run natively on Linux (the reference),
# and with tandem-cc, baked, and booted under QEMU TCG (-M pc and
# -M microvm).  Its output (stdout and stderr as one stream; the console
# lines Tandem adds, "tandem: ...", are set aside) and exit status must be
# identical.  A program says how it is run in comment lines:
#   /* ARGS: a b c */      its arguments (split at blanks)
#   /* STATUS: 3 */        the expected status (checked on both sides)
#   /* MACHINES: pc */     where to boot it (default: pc microvm)
#   /* TIMEOUT: 120 */     per boot, seconds (default 60)
#   /* ENV: K=V */         set in both environments (one per line)
#   /* BOOT: --cpu max */  extra launcher options for the Tandem boots
# Prints "N passed, N failed"; exits non-zero on failure.
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
shift
T=$B/tests/libos
mkdir -p "$T/native"
. tests/boot/lib.sh

progs=("$@")
all=0
[ ${#progs[@]} -gt 0 ] || all=1
[ ${#progs[@]} -gt 0 ] ||
    progs=($(ls tests/libos/progs/*.c | sed 's|.*/||; s|\.c$||'))

field() {	# field NAME FILE: the value of a /* NAME: ... */ line, or ""
	sed -n "s|^/\* $1: \(.*\) \*/\$|\1|p" "$2"
}

command -v musl-gcc > /dev/null || tools/deps.sh install
for p in "${progs[@]}"; do
	src=tests/libos/progs/$p.c
	img=$B/img/lo-$p.img
	[ -f "$img" ] || { fail "$p: image" "missing $img (make)"; continue; }
	args=$(field ARGS "$src")
	want=$(field STATUS "$src")
	machines=$(field MACHINES "$src")
	to=$(field TIMEOUT "$src")
	read -r -a BOOT_OPTS <<< "$(field BOOT "$src")"
	envs=()
	while read -r e; do [ -n "$e" ] && envs+=("$e"); done < <(field ENV "$src")
	# the reference: musl on Linux, in a scratch directory
	nat=$(readlink -f "$T/native")/$p
	if ! musl-gcc -O2 -Wall -o "$nat" "$src" 2> "$T/$p.cc.err"; then
		fail "$p: musl-gcc build" "" "$T/$p.cc.err"; continue
	fi
	rm -rf "$T/run-$p"; mkdir -p "$T/run-$p"
	# shellcheck disable=SC2086
	(cd "$T/run-$p" && env -i PATH=/usr/bin:/bin "${envs[@]}" \
	    timeout "${to:-60}" "$nat" $args \
	    > ../$p.ref 2>&1 < /dev/null)
	rrc=$?
	if [ -n "$want" ] && [ "$rrc" != "$want" ]; then
		fail "$p: native status $rrc, want $want" "" "$T/$p.ref"
		continue
	fi
	envwords=()
	for e in "${envs[@]}"; do envwords+=("env.$e"); done
	for m in ${machines:-pc microvm}; do
		# shellcheck disable=SC2086
		TIMEOUT=${to:-60} boot "$p-$m" "$m" "$img" "${envwords[@]}" \
		    -- $args
		grep -v '^tandem: ' "$LOG" | tr -d '\r' > "$T/$p-$m.out"
		if [ "$RC" != "$rrc" ]; then
			fail "$p $m: status $RC, Linux $rrc" "" "$LOG"
		elif ! cmp -s "$T/$p.ref" "$T/$p-$m.out"; then
			diff "$T/$p.ref" "$T/$p-$m.out" > "$T/$p-$m.diff"
			fail "$p $m: output differs from Linux" "" "$T/$p-$m.diff"
		else
			pass "$p $m"
		fi
	done
done
# Tandem-only checks of areas (on a full run), into the same summary
[ "$all" = 1 ] && . tests/libos/extra-thr.sh
summary
