#!/bin/bash
# tests/hypercall/run.sh BUILD -- the rumpuser v17 conformance suite on
# platform posix: builds BUILD/posix/hypercall-test{,-asan,-static}, runs
# the suite under ASan+UBSan, (when installed) valgrind and linked
# freestanding with no C library at all; checks rumpuser_exit,
# durability on the host file, symbolized panics, that every v17 entry
# point is defined, and the posix app mode (argv and environment
# passed through unchanged, devices from TANDEM_POSIX).
# Prints "N passed, N failed"; non-zero on failure.
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}/posix
unset TANDEM_POSIX	# it would put every posix program in app mode

SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all"
APP="tests/hypercall/suite.c tests/hypercall/main.c"
. tests/hypercall/posix-build.sh

pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

posix_build "$B/hypercall-test-asan" "$B/obj-asan" "$SANFLAGS" $APP && ok ||
    { bad "build (asan)"; echo "$pass passed, $fail failed"; exit 1; }
posix_build "$B/hypercall-test" "$B/obj" "" $APP && ok || bad "build"

disk=$B/disk.img
run_suite() {	# run_suite LABEL CMD...
	local label=$1 log=$B/$1.log rc line
	shift
	rm -f "$disk"; truncate -s 8M "$disk"
	timeout 300 "$@" --disk "blk0=$disk" HYPTEST_KEY="hello world" \
	    > "$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
	echo "$label: ${line:-no result} (exit $rc)"
	grep -E '^FAIL|ERROR|runtime error|Invalid|uninitialised' "$log" |
	    head -20
	if [ $rc -eq 0 ] && [ -n "$line" ]; then
		ok
		pass=$((pass + ${line%% passed*}))
	else
		bad "$label (see $log)"
		if [ -n "$line" ]; then
			pass=$((pass + ${line%% passed*}))
			n=${line#*, }; fail=$((fail + ${n%% failed*}))
		fi
	fi
	grep -q TANDEM-HYPERCALL-DURABLE "$disk" && ok ||
	    bad "$label: synced marker not in host file"
}

export ASAN_OPTIONS=detect_leaks=0:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1
run_suite asan "$B/hypercall-test-asan"

# rumpuser_exit: plain status, and RUMPUSER_PANIC dumping state
"$B/hypercall-test-asan" HYPTEST_EXIT=7 > "$B/exit.log" 2>&1
[ $? -eq 7 ] && ok || bad "rumpuser_exit(7) status"
"$B/hypercall-test-asan" HYPTEST_PANIC=1 > "$B/panic.log" 2>&1
rc=$?
[ $rc -eq 255 ] && grep -q "panic" "$B/panic.log" && ok ||
    bad "rumpuser_exit(RUMPUSER_PANIC): status $rc"
# the backtrace names the caller, found in the program's own .symtab
grep -q "rumpuser_exit+0x" "$B/panic.log" && ok ||
    bad "asan panic backtrace not symbolized (see $B/panic.log)"

if command -v valgrind > /dev/null; then
	# Thread stacks live in core's heap and valgrind is not told about
	# them: an SP jump of more than 16 KiB counts as a thread switch
	# (stacks are >= 64 KiB apart), not as a huge frame.
	run_suite valgrind valgrind -q --error-exitcode=99 \
	    --max-stackframe=16384 "$B/hypercall-test"
else
	echo "valgrind: not installed, skipped"
fi

# every v17 entry point (and the if_virt calls) is defined
missing=$(nm --defined-only $B/obj/hypercall_*.o | awk '$2 ~ /T/ { print $3 }' |
    sort -u | comm -13 - <(sort -u tests/hypercall/rumpuser-v17.syms))
if [ -z "$missing" ]; then ok; else bad "undefined entry points: $missing"; fi

. tests/hypercall/freestanding.sh

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
