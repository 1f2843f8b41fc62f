# freestanding.sh -- sourced by tests/hypercall/run.sh (uses its B, APP,
# ok, bad, run_suite): platform posix with no C library at all, as
# tandem-cc will link programs.
#  - the hypercall suite linked -nostdlib -static (start.S's _start),
#    nothing undefined, no glibc in it, `syscall` only in host.c; the
#    full suite with a disk and the durable marker; a symbolized panic;
#  - app mode: tests/hypercall/appargs.c sees argv and the environment
#    unchanged; TANDEM_POSIX names the devices and parameters.

# platform/posix includes only compiler and Linux uapi headers
hdrs=$(for f in platform/posix/*.c; do
	gcc $POSIX_CFLAGS $POSIX_STATIC_CFLAGS -M "$f"; done | tr ' \\' '\n\n' |
    grep '^/' | grep -vE '^/usr/include/(linux|asm-generic|[^/]*/asm)/' |
    grep -v "^$(dirname "$(gcc -print-file-name=include/stddef.h)")/" |
    sort -u)
[ -z "$hdrs" ] && ok || bad "platform/posix includes C library headers:" $hdrs

S=$B/hypercall-test-static
if posix_build_static "$S" "$B/obj-static" "" $APP; then
	ok
	u=$(nm -u "$S")
	[ -z "$u" ] && ok || bad "static: undefined symbols: $u"
	g=$(nm "$S" |
	    grep -E ' (__libc_|_IO_|__GI_|_dl_|__stack_chk|_init$|_fini$)|GLIBC')
	h=$(readelf -lW "$S" | grep -E 'INTERP|DYNAMIC')
	[ -z "$g$h" ] && ok || bad "static: C library traces: $g $h"
	sc=""
	for o in "$B"/obj-static/*.o; do
		case $o in *platform_posix_host.c.o) continue;; esac
		objdump -d "$o" | grep -qE '\ssyscall\b' && sc="$sc $o"
	done
	objdump -d "$B/obj-static/platform_posix_host.c.o" |
	    grep -qE '\ssyscall\b' || sc="$sc (none in host.c?)"
	[ -z "$sc" ] && ok || bad "static: syscall instruction outside host.c:" $sc
	run_suite static "$S"
	"$S" HYPTEST_PANIC=1 > "$B/panic-static.log" 2>&1
	rc=$?
	[ $rc -eq 255 ] && grep -q "rumpuser_exit+0x" "$B/panic-static.log" &&
	    ok || bad "static panic: status $rc, backtrace in $B/panic-static.log"
	"$S" HYPTEST_EXIT=9 > "$B/exit-static.log" 2>&1
	[ $? -eq 9 ] && ok || bad "static: rumpuser_exit(9) status"
	TANDEM_MEM_MB=12x "$S" > "$B/mem-static.log" 2>&1
	rc=$?
	[ $rc -eq 1 ] && grep -q "bad TANDEM_MEM_MB=12x" "$B/mem-static.log" &&
	    ok || bad "static: bad TANDEM_MEM_MB: status $rc"
else
	bad "build (static)"
fi

# app mode: `prog 'a b' APPTEST=1 -- x` -- every word arrives as is
A=$B/appargs A1=$B/appargs-appmode
posix_build_static "$A" "$B/obj-app" "" tests/hypercall/appargs.c &&
    posix_build_static "$A1" "$B/obj-app1" "" tests/hypercall/appargs.c \
    platform/posix/appmode.c && ok || bad "build (appargs)"
appdisk=$B/app-disk.img
printf 'APP-DISK-MARKER\n' > "$appdisk"; truncate -s 1M "$appdisk"
expect_app() {	# expect_app LABEL STATUS EXPECTED-OUTPUT CMD...
	local label=$1 st=$2 want=$3 got rc
	shift 3
	# app mode puts Tandem's console on stderr and prints no exit line
	# (the status says it): compare the console wherever it went, with
	# the platform's own diagnostics ("posix: ...") set aside
	"$@" > "$B/app-$label.out" 2> "$B/app-$label.err"
	rc=$?
	got=$(cat "$B/app-$label.out" "$B/app-$label.err" | grep -v '^posix: ')
	if [ $rc -eq "$st" ] && [ "$got" = "$want" ]; then
		ok
	else
		bad "app mode $label: status $rc (want $st)"
		diff <(echo "$want") <(echo "$got") | head -20
	fi
}
argv_out() {	# argv0: the argv lines appargs prints for the test words
	printf 'argc=5\nargv[0]=<%s>\nargv[1]=<a b>\nargv[2]=<APPTEST=1>\n' "$1"
	printf 'argv[3]=<-->\nargv[4]=<x>\nenv <APPTEST_ENV=e f>\n'
}
export APPTEST_ENV="e f"
unset TANDEM_POSIX
expect_app linked 3 "$(argv_out "$A1")
param APPTEST=<(none)>
blk0: none" "$A1" 'a b' APPTEST=1 -- x
expect_app env 3 "$(argv_out "$A")
param APPTEST=<p q>
blk0: 2048 sectors, error 0, <APP-DISK-MARKER>" env TANDEM_POSIX="--disk blk0=$appdisk,ro APPTEST=\"p q\"" \
    "$A" 'a b' APPTEST=1 -- x
expect_app empty 3 "$(argv_out "$A1")
param APPTEST=<(none)>
blk0: none" env TANDEM_POSIX= "$A1" 'a b' APPTEST=1 -- x
# without either, the same words are tool-mode words: parameters first
expect_app tool 3 "argc=2
argv[0]=<app>
argv[1]=<y z>
env <APPTEST_ENV=e f>
param APPTEST=<v w>
blk0: 2048 sectors, error 0, <APP-DISK-MARKER>
tandem: exit 3" "$A" --disk "blk0=$appdisk" "APPTEST=v w" -- "y z"
# bad device words: a message and status 2, never a crash
expect_app baddisk 2 "" env TANDEM_POSIX="--disk blk0=$B/none" \
    "$A" x
grep -q "blk0=$B/none: No such file or directory" "$B/app-baddisk.err" &&
    ok || bad "app mode: no message for a missing disk file"
# posix_set_fsbase: %fs reads through the new base
expect_app fsbase 3 "fsbase: ok
argc=1
argv[0]=<app>
param APPTEST=<(none)>
blk0: none
tandem: exit 3" env -u APPTEST_ENV "$A" APPTEST_FS=1
# a tap NIC (created by the program, gone when it exits)
if [ -w /dev/net/tun ]; then
	expect_app tap 3 "argc=1
argv[0]=<$A1>
param APPTEST=<(none)>
blk0: none
net0: mtu 1500, local unicast mac" env -u APPTEST_ENV TANDEM_POSIX="--net tap:tdpx$$" "$A1"
else
	echo "app mode tap: no writable /dev/net/tun, skipped"
fi
expect_app badnet 2 "" env TANDEM_POSIX="--net eth0" "$A1"
unset APPTEST_ENV
