# posix-build.sh -- sourced by tests/hypercall/run.sh and
# bench/hypercall.sh: builds a platform posix program from core/,
# hypercall/, platform/posix/ and the given app sources.
#   posix_build OUT OBJDIR "EXTRA CFLAGS" APP.c...
# (POSIX_LIBS: extra link arguments after the objects, e.g. archives)
# core/main.c calls the app's main(); on posix the process main() is the
# platform's, so core and the app see it renamed.  core/string.c is libc
# the host already has.
posix_build() {
	local out=$1 od=$2 fl=$3 objs="" f o
	shift 3
	local cf="-std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra \
	    -Wno-unused-parameter -Werror=implicit-function-declaration \
	    -Iinclude"
	mkdir -p "$od"
	for f in $(ls core/*.c | grep -v core/string.c) "$@"; do
		o=$od/$(echo "$f" | tr / _).o
		gcc $cf $fl -Dmain=td_app_main -c "$f" -o "$o" || return 1
		objs="$objs $o"
	done
	for f in hypercall/*.c platform/posix/*.c arch/x86_64/irq.c; do
		o=$od/$(echo "$f" | tr / _).o
		gcc $cf $fl -c "$f" -o "$o" || return 1
		objs="$objs $o"
	done
	gcc -c arch/x86_64/switch.S -o "$od/switch.o" || return 1
	gcc $fl -rdynamic -o "$out" $objs "$od/switch.o" ${POSIX_LIBS:-}
}
