# build.sh -- sourced by tests/net/run.sh and bench: builds platform posix
# programs with libos/net and lwIP (host compiler, optional sanitizers).
#   net_lwip_src                      -> prints the lwIP source directory
#   net_posix_build OUT OBJDIR "FLAGS" APP.c...
# Like tests/hypercall/posix-build.sh (core/ + hypercall/ + platform/posix
# + the app, whose main() core calls), plus libos/net and liblwip.a.
net_lwip_src() {
	TANDEM_QUIET=1 tools/srcpkg.sh lwip "${NET_SRCDIR:-build/src}"
}

net_posix_build() {
	local out=$1 od=$2 fl=$3 objs="" f o lw
	shift 3
	local cf="-std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra \
	    -Wno-unused-parameter -Werror=implicit-function-declaration \
	    -Iinclude"
	lw=$(net_lwip_src) || return 1
	mkdir -p "$od"
	libos/net/build-lwip.sh "$lw" "$od/liblwip.a" "$od/lwip" $cf $fl \
	    -ffreestanding || return 1
	for f in $(ls libos/net/*.c | grep -v -e sockfile.c -e sockmsg.c); do	# libos glue
		o=$od/$(echo "$f" | tr / _).o
		gcc $cf $fl -ffreestanding -Ilibos/net -Ilibos/net/libc \
		    -I"$lw/src/include" -c "$f" -o "$o" || return 1
		objs="$objs $o"
	done
	for f in $(ls core/*.c | grep -v core/string.c) "$@"; do
		o=$od/$(echo "$f" | tr / _).o
		gcc $cf $fl -Ilibos/net -Dmain=td_app_main -c "$f" -o "$o" ||
		    return 1
		objs="$objs $o"
	done
	for f in hypercall/*.c $(ls platform/posix/*.c | grep -v appmode.c) \
	    arch/x86_64/irq.c; do	# appmode.c would make it an app-mode program
		o=$od/$(echo "$f" | tr / _).o
		gcc $cf $fl -c "$f" -o "$o" || return 1
		objs="$objs $o"
	done
	gcc -c arch/x86_64/switch.S -o "$od/switch.o" || return 1
	gcc $fl -rdynamic -o "$out" $objs "$od/switch.o" "$od/liblwip.a"
}
