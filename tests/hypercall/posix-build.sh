# posix-build.sh -- sourced by tests/hypercall/run.sh and
# bench/hypercall.sh: builds a platform posix program from core/,
# hypercall/, platform/posix/ and the given app sources.
#
#   posix_build OUT OBJDIR "EXTRA CFLAGS" APP.c...
# glibc-hosted (for ASan/UBSan and valgrind, whose runtimes need it):
# hosted.c's main() enters the platform.  core/main.c calls the app's
# main(), so core and the app see it renamed.  core/string.c is libc the
# host already has.
#
#   posix_build_static OUT OBJDIR "EXTRA CFLAGS" APP.c...
# No C library at all, as a tandem-cc program: start.S's _start enters
# the platform, core/string.c provides mem*/str*, -nostdlib leaves out
# libc and libgcc.  Add platform/posix/appmode.c to the app sources for
# an app-mode program.
POSIX_CFLAGS="-std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra \
    -Wno-unused-parameter -Werror=implicit-function-declaration -Iinclude"
POSIX_STATIC_CFLAGS="-ffreestanding -fno-stack-protector \
    -fno-tree-loop-distribute-patterns"
POSIX_STATIC_LDFLAGS="-nostdlib -static -no-pie"

posix_build() {
	local out=$1 od=$2 fl=$3 objs="" f o
	shift 3
	mkdir -p "$od"
	for f in $(ls core/*.c | grep -v core/string.c) "$@"; do
		o=$od/$(echo "$f" | tr / _).o
		gcc $POSIX_CFLAGS $fl -Dmain=td_app_main -c "$f" -o "$o" ||
		    return 1
		objs="$objs $o"
	done
	for f in hypercall/*.c arch/x86_64/irq.c; do
		o=$od/$(echo "$f" | tr / _).o
		gcc $POSIX_CFLAGS $fl -c "$f" -o "$o" || return 1
		objs="$objs $o"
	done
	# freestanding here too: not even <stdint.h> may bring glibc's in
	for f in $(ls platform/posix/*.c | grep -v appmode.c); do
		o=$od/$(echo "$f" | tr / _).o
		gcc $POSIX_CFLAGS -ffreestanding $fl -c "$f" -o "$o" || return 1
		objs="$objs $o"
	done
	gcc -c arch/x86_64/switch.S -o "$od/switch.o" || return 1
	gcc $fl -rdynamic -o "$out" $objs "$od/switch.o"
}

posix_build_static() {
	local out=$1 od=$2 fl=$3 objs="" f o
	shift 3
	mkdir -p "$od"
	for f in core/*.c hypercall/*.c \
	    $(ls platform/posix/*.c | grep -v -e hosted.c -e appmode.c) \
	    arch/x86_64/irq.c "$@"; do
		o=$od/$(echo "$f" | tr / _).o
		gcc $POSIX_CFLAGS $POSIX_STATIC_CFLAGS $fl -c "$f" -o "$o" ||
		    return 1
		objs="$objs $o"
	done
	for f in arch/x86_64/switch.S platform/posix/start.S; do
		o=$od/$(echo "$f" | tr / _).o
		gcc -c "$f" -o "$o" || return 1
		objs="$objs $o"
	done
	gcc $POSIX_STATIC_LDFLAGS $fl -o "$out" $objs
}
