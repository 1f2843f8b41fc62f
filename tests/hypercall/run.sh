#!/bin/bash
# tests/hypercall/run.sh BUILD -- the rumpuser v17 conformance suite on
# platform posix: builds BUILD/posix/hypercall-test{,-asan}, runs the
# suite under ASan+UBSan and (when installed) valgrind, checks
# rumpuser_exit, durability on the host file and that every v17 entry
# point is defined.  Prints "N passed, N failed"; non-zero on failure.
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}/posix
mkdir -p "$B/obj" "$B/obj-asan"

HCFLAGS="-std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra \
  -Wno-unused-parameter -Werror=implicit-function-declaration -Iinclude"
SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all"
# core/main.c calls the app's main(); on posix the process main() is the
# platform's, so core and the app see it renamed.
APPDEF="-Dmain=td_app_main"
# core/string.c is libc the host already has.
SRC_CORE=$(ls core/*.c | grep -v core/string.c)
SRC_OTHER="$(ls hypercall/*.c platform/posix/*.c) arch/x86_64/irq.c"
SRC_APP="tests/hypercall/suite.c tests/hypercall/main.c"

pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

build() {	# build OUT OBJDIR EXTRAFLAGS
	local out=$1 od=$2 fl=$3 objs="" f o
	for f in $SRC_CORE $SRC_APP; do
		o=$od/$(echo "$f" | tr / _).o
		gcc $HCFLAGS $fl $APPDEF -c "$f" -o "$o" || return 1
		objs="$objs $o"
	done
	for f in $SRC_OTHER; do
		o=$od/$(echo "$f" | tr / _).o
		gcc $HCFLAGS $fl -c "$f" -o "$o" || return 1
		objs="$objs $o"
	done
	gcc -c arch/x86_64/switch.S -o "$od/switch.o" || return 1
	gcc $fl -rdynamic -o "$out" $objs "$od/switch.o" || return 1
}

build "$B/hypercall-test-asan" "$B/obj-asan" "$SANFLAGS" && ok ||
    { bad "build (asan)"; echo "$pass passed, $fail failed"; exit 1; }
build "$B/hypercall-test" "$B/obj" "" && ok || bad "build"

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

if command -v valgrind > /dev/null; then
	run_suite valgrind valgrind -q --error-exitcode=99 \
	    --max-stackframe=4000000 "$B/hypercall-test"
else
	echo "valgrind: not installed, skipped"
fi

# every v17 entry point (and the if_virt calls) is defined
missing=$(nm --defined-only $B/obj/hypercall_*.o | awk '$2 ~ /T/ { print $3 }' |
    sort -u | comm -13 - <(sort -u tests/hypercall/rumpuser-v17.syms))
if [ -z "$missing" ]; then ok; else bad "undefined entry points: $missing"; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
