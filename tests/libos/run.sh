#!/bin/bash
# tests/libos/run.sh BUILD [PROG...] -- the differential suite of libos.
# Every tests/libos/progs/NAME.c is an ordinary C program.  It is built
# twice: with Debian's musl-gcc and run natively on Linux (the reference),
# and with tandem-cc: that program is run on Linux (platform posix, as a
# configure script would run it), and baked and booted under QEMU TCG
# (-M pc and -M microvm).  Its output (stdout and stderr as one stream; the console
# lines Tandem adds, "tandem: ...", are set aside) and exit status must be
# identical.  A program says how it is run in comment lines:
#   /* ARGS: a b c */      its arguments (split at blanks)
#   /* STATUS: 3 */        the expected status (checked on both sides)
#   /* MACHINES: pc pv */  where to run it (default: posix pc microvm, and Xen
#                          pv pvh in the Xen tier, tests/xen/libos.sh)
#   /* TIMEOUT: 120 */     per boot, seconds (default 60)
#   /* ENV: K=V */         set in both environments (one per line)
#   /* BOOT: --cpu max */  extra launcher options for the Tandem boots
# Without PROG arguments, tests/libos/extra*.sh add the checks that are
# not differential (corrupt root, mount words, unimplemented-call report
# ...), tests/libos/autotools.sh builds GNU hello, and image-checks.sh
# inspects the images.
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
	# a root of its own (baked into the image): the same files here
	[ -d "tests/libos/roots/$p" ] && cp -a "tests/libos/roots/$p/." "$T/run-$p/"
	# default signal dispositions, whatever this script inherited (a
	# parent that ignores SIGPIPE would make ev_pipe_sigpipe's
	# reference "still alive?")
	# (in braces with stderr away: bash's own "Terminated" when a
	# program's expected end is SIGTERM, th_sigterm, is no output)
	# shellcheck disable=SC2086
	{ (cd "$T/run-$p" && env -i --default-signal PATH=/usr/bin:/bin "${envs[@]}" \
	    timeout "${to:-60}" "$nat" $args \
	    > ../$p.ref 2>&1 < /dev/null); } 2>/dev/null
	rrc=$?
	echo "$rrc" > "$T/$p.refrc"
	if [ -n "$want" ] && [ "$rrc" != "$want" ]; then
		fail "$p: native status $rrc, want $want" "" "$T/$p.ref"
		continue
	fi
	envwords=()
	for e in "${envs[@]}"; do envwords+=("env.$e"); done
	# platform posix: the very program tandem-cc linked, run on Linux
	# (what a configure script runs), in the same kind of scratch dir
	px=$(readlink -f "$B/lo-progs/$p")
	if [ -z "$machines" ] || [[ " $machines " == *" posix "* ]]; then
		rm -rf "$T/prun-$p"; mkdir -p "$T/prun-$p"
		[ -d "tests/libos/roots/$p" ] && cp -a "tests/libos/roots/$p/." "$T/prun-$p/"
		# shellcheck disable=SC2086
		{ (cd "$T/prun-$p" && env -i --default-signal PATH=/usr/bin:/bin "${envs[@]}" \
		    timeout "${to:-60}" "$px" $args \
		    > ../$p-posix.raw 2>&1 < /dev/null); } 2>/dev/null
		prc=$?
		# Tandem's own messages (stderr in app mode) are set aside
		grep -vE '^(tandem|virtio|acpi|blkfront|netfront|xenbus): ' "$T/$p-posix.raw" > "$T/$p-posix.out"
		if [ "$prc" != "$rrc" ]; then
			fail "$p posix: status $prc, Linux $rrc" "" "$T/$p-posix.out"
		elif ! cmp -s "$T/$p.ref" "$T/$p-posix.out"; then
			diff "$T/$p.ref" "$T/$p-posix.out" > "$T/$p-posix.diff"
			fail "$p posix: output differs from Linux" "" "$T/$p-posix.diff"
		else
			pass "$p posix"
		fi
	fi
	qm=
	for m in ${machines:-pc microvm}; do
		case $m in pc|q35|microvm) qm+=" $m" ;; esac
	done
	for m in $qm; do
		# shellcheck disable=SC2086
		TIMEOUT=${to:-60} boot "$p-$m" "$m" "$img" "${envwords[@]}" \
		    -- $args
		grep -vE '^(tandem|virtio|acpi|blkfront|netfront|xenbus): ' "$LOG" | tr -d '\r' > "$T/$p-$m.out"
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
. tests/libos/image-checks.sh "$B"
# the checks that are not differential (corrupt root, mount words ...)
# when the whole suite runs
[ "$all" = 1 ] && . tests/libos/extra.sh
[ "$all" = 1 ] && . tests/libos/extra-thr.sh
[ "$all" = 1 ] && . tests/libos/autotools.sh
summary
