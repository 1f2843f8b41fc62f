#!/bin/bash
# build-musl.sh BUILD -- Debian's musl, built unmodified except for our
# overlay of its x86_64 system-call layer (libos/musl/overlay: the
# syscall_arch.h header, the six .s files that issue `syscall` and
# syscall(2) itself, src/misc/x86_64/syscall.s), into
# BUILD/musl/{include,lib}.  The pristine source stays in BUILD/src; the
# overlay is laid over a copy.  Rebuilt only when the overlay or this
# script change.
set -euo pipefail
B=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
out=$B/musl
stamp=$out/.stamp
want=$(cat "$0" $(find "$here/overlay" -type f | sort) | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
    [ -f "$out/lib/libc.a" ]; then
	exit 0
fi
src=$("$here/../../tools/srcpkg.sh" musl "$B/src")
work=$B/musl-build
rm -rf "$work" "$out"
mkdir -p "$work"
cp -a "$src/." "$work/"
cp -a "$here/overlay/." "$work/"
# The images run every thread's code on stacks that interrupts share
# (no IST), so no red zone; non-PIC objects for the low 2 GiB; the
# kernel's CET setting.  No -O: musl's configure chooses (-Os, and -O2
# for its hot directories: malloc, string, internal).
cflags="-g -mno-red-zone -fno-pic -fno-pie -fcf-protection=none"
echo "  MUSL    $(basename "$src") + overlay -> $out" >&2
(cd "$work" && ./configure --prefix="$out" --disable-shared \
    CC=gcc AR=ar RANLIB=ranlib CFLAGS="$cflags" > configure.log 2>&1) || {
	tail -20 "$work/configure.log" >&2; exit 1; }
make -C "$work" -j"$(nproc)" lib/libc.a lib/crt1.o lib/crti.o lib/crtn.o \
    > "$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
make -C "$work" install-headers install-libs > "$work/install.log" 2>&1 || {
	tail -30 "$work/install.log" >&2; exit 1; }
# no syscall instruction may be left in libc.a: the mnemonic column of
# objdump's listing (its third tab-separated field), so that a function
# named syscall (ours, syscall(2)) is not taken for one; through a file,
# so that grep stopping early cannot fail objdump's side of a pipe
objdump -d "$out/lib/libc.a" > "$work/libc.dis"
if awk -F'\t' '$3 ~ /^(syscall|sysenter|int +\$0x80)( |$)/ { bad = 1 } END { exit !bad }' \
    "$work/libc.dis"; then
	echo "build-musl: libc.a still issues system calls:" >&2
	awk -F'\t' '/>:$/ { f = $0 } $3 ~ /^(syscall|sysenter|int +\$0x80)( |$)/ { print f; print }' \
	    "$work/libc.dis" | head >&2
	exit 1
fi
# The kernel's uapi headers (<linux/...>, <asm/...>) beside musl's, as a
# Linux toolchain has them; links, not copies, to Debian's linux-libc-dev.
mkdir -p "$out/kinclude"
for d in linux asm-generic mtd rdma misc sound video drm scsi; do
	[ -d "/usr/include/$d" ] && ln -sfn "/usr/include/$d" "$out/kinclude/$d"
done
ln -sfn /usr/include/x86_64-linux-gnu/asm "$out/kinclude/asm"
echo "$want" > "$stamp"
