#!/bin/bash
# build-ext2fs.sh CC OUTDIR [CFLAGS...] -- e2fsprogs' libext2fs and its
# com_err (lib/et) from Debian's e2fsprogs source package, built unmodified
# with e2fsprogs' own configure + make, with compiler CC, into OUTDIR:
#
#   OUTDIR/lib/libext2fs.a, OUTDIR/lib/libcom_err.a
#   OUTDIR/include/ext2fs/*.h, OUTDIR/include/et/com_err.h
#
# Only lib/et and lib/ext2fs are made (and the few generated headers they
# need), not the tools.  CFLAGS go to configure as CFLAGS and LDFLAGS
# (configure links its test programs and e2fsprogs' build helpers with
# them): -fsanitize=address for the fuzzer, or what tandem-cc wants.
# EXT2FS_CONFIGURE_ARGS: more configure arguments (a cross build may
# want --host=x86_64-linux-musl or --without-pthread).
# Idempotent: a stamp of CC, CFLAGS and this script skips work done.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 CC OUTDIR [CFLAGS...]" >&2; exit 2; }
cc=$1 out=$2
shift 2
cflags="${*:--O2 -g}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
stamp=$(printf '%s\n%s\n%s\n' "$cc" "$cflags" "${EXT2FS_CONFIGURE_ARGS:-}" | cat - "$here/build-ext2fs.sh" | sha256sum | cut -d' ' -f1)
[ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ] && [ -s "$out/lib/libext2fs.a" ] && exit 0

exec 9> "$out/.lock"
flock 9
srcdir=$(TANDEM_QUIET=1 "$top/tools/srcpkg.sh" e2fsprogs "$top/build/src")
obj=$out/obj
rm -rf "$obj"
mkdir -p "$obj"
cd "$obj"
log() { echo "build-ext2fs: $*" >&2; }
log "configure ($cc $cflags)"
# Everything optional off: no NLS, no MMP (we refuse the mmp feature),
# no tdb, no backtrace(), no shared libraries, no fuse2fs; the private
# libuuid is never linked (nothing we call generates UUIDs).
"$srcdir/configure" CC="$cc" CFLAGS="$cflags" LDFLAGS="$cflags" \
    --disable-nls --disable-mmp --disable-tdb --disable-backtrace \
    --disable-bmap-stats --disable-elf-shlibs --disable-fuse2fs \
    --disable-debugfs --disable-imager --disable-resizer --disable-defrag \
    --disable-uuidd --disable-rpath --disable-fsck \
    ${EXT2FS_CONFIGURE_ARGS:-} \
    > configure.log 2>&1 || { tail -20 configure.log >&2; exit 1; }
log "make lib/et lib/ext2fs"
{ make -C util subst && make -C lib/et && make -C lib/ext2fs libext2fs.a; } \
    > make.log 2>&1 || { tail -30 make.log >&2; exit 1; }
mkdir -p "$out/lib" "$out/include/ext2fs" "$out/include/et"
cp lib/libext2fs.a lib/libcom_err.a "$out/lib/"
cp "$srcdir"/lib/ext2fs/*.h lib/ext2fs/ext2_err.h lib/ext2fs/ext2_types.h \
    "$out/include/ext2fs/"
cp lib/et/com_err.h "$out/include/et/" 2>/dev/null ||
    cp "$srcdir/lib/et/com_err.h" "$out/include/et/"
cp lib/config.h lib/dirpaths.h "$out/include/" 2>/dev/null || true
echo "$stamp" > "$out/.stamp"
log "done: $out"
