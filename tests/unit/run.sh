#!/bin/bash
# tests/unit/run.sh BUILD -- builds the host unit tests into BUILD/unit/
# and runs them.  They compile the very core/*.c sources the image uses,
# with host flags, on the fake platform in fake.c.
#
# Sanitizers: ASan+UBSan everywhere except the binaries that switch
# stacks (t_sched, t_main): ASan keeps shadow poison for frames that are
# never unwound (exited threads) and would report heap reuse of those
# stacks, so those two run under UBSan only.
set -u
build=${1:-build}
mkdir -p "$build/unit"
out=$(cd "$build/unit" && pwd)
cd "$(dirname "$0")/../.."

CFLAGS=(-std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra
	-Wno-unused-parameter -Werror -Iinclude -Icore -Itests/unit
	-D__XEN_INTERFACE_VERSION__=0x00040e00)
ASAN=(-fsanitize=address,undefined -fno-sanitize-recover=all)
UBSAN=(-fsanitize=undefined -fno-sanitize-recover=all)
CORE=(core/page.c core/heap.c core/printf.c core/console.c core/panic.c
	core/sched.c core/thread.c core/stack.c core/lazy.c core/cmdline.c arch/x86_64/switch.S tests/unit/fake.c tests/unit/harness.c)

build_one() {	# name sanitizers... -- sources...
	local name=$1; shift
	local san=()
	while [ "$1" != "--" ]; do san+=("$1"); shift; done
	shift
	gcc "${CFLAGS[@]}" "${san[@]}" -rdynamic -o "$out/$name" "$@" ||
		return 1
}

fails=0
builds() {
	build_one t_page "${ASAN[@]}" -- tests/unit/test_page.c "${CORE[@]}" &&
	build_one t_heap "${ASAN[@]}" -- tests/unit/test_heap.c "${CORE[@]}" &&
	build_one t_lazy "${ASAN[@]}" -- tests/unit/test_lazy.c "${CORE[@]}" &&
	build_one t_printf "${ASAN[@]}" -Wno-format -Wno-format-extra-args -- \
	    tests/unit/test_printf.c "${CORE[@]}" &&
	build_one t_cmdline "${ASAN[@]}" -- tests/unit/test_cmdline.c \
	    "${CORE[@]}" &&
	build_one t_string "${ASAN[@]}" -fno-builtin \
	    -fno-tree-loop-distribute-patterns -- tests/unit/test_string.c \
	    tests/unit/string_renamed.c tests/unit/harness.c &&
	build_one t_sched "${UBSAN[@]}" -- tests/unit/test_sched.c \
	    "${CORE[@]}" &&
	build_one t_main "${UBSAN[@]}" -Dmain=app_main -- \
	    tests/unit/test_main.c core/main.c "${CORE[@]}" &&
	gcc "${CFLAGS[@]}" "${UBSAN[@]}" -Iinclude/crt -c core/crt/errno.c \
	    -o "$out/crt_errno.o" &&
	build_one t_crterrno "${UBSAN[@]}" -- tests/unit/test_crt_errno.c \
	    "$out/crt_errno.o" "${CORE[@]}" &&
	build_one t_xenproto "${ASAN[@]}" -Iplatform/xen -- \
	    tests/unit/test_xenproto.c platform/xen/xs_proto.c \
	    tests/unit/harness.c
}
if ! builds; then
	echo "unit: build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

pass=0
for t in t_page t_heap t_lazy t_printf t_cmdline t_string t_sched t_main t_crterrno t_xenproto; do
	log="$out/$t.log"
	"$out/$t" > "$log" 2>&1
	rc=$?
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	grep -v '^PASS ' "$log" | sed "s/^/$t: /"
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$t: exited with status $rc"
		f=1
	fi
	pass=$((pass + p))
	fails=$((fails + f))
done
echo "$pass passed, $fails failed"
[ $fails -eq 0 ]
