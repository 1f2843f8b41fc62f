#!/bin/bash
# tests/fs/run.sh BUILD -- the file system tier, on platform posix:
# libos/fs/ext4 (libext2fs built from Debian's e2fsprogs source, our
# rumpuser I/O manager) driven through its vnode ops by tests/fs/fstest,
# the image a host file given as blk0.  Checked from the host with
# Debian's e2fsck and debugfs:
#   - trees written by us on ext2/ext3/ext4 variants: e2fsck -fn clean,
#     debugfs rdump gives the same manifest and bytes (tree.py)
#   - trees made on the host (mke2fs -d) read by us, ext2/3/4 and a
#     read-only inline_data fs
#   - the mount policy: refused features and states, with their errors
#   - ENOSPC: fill, delete, fill; e2fsck clean
#   - crash: 4 KiB appends with fsync, SIGKILL at >= 20 points,
#     e2fsck -fy, every acknowledged record intact
#   - in a guest under QEMU TCG (tests/fs/guest.sh): a tree written by
#     the guest checked on the host, a host tree read by the guest, QEMU
#     SIGKILLed at >= 20 points mid-stream: 0 acknowledged records lost
#   - fuzz: corrupted images mounted and walked under ASan (FS_FUZZ_N,
#     default 100000): no crash
# Prints "N passed, N failed"; non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
T=$B/tests/fs
rm -rf "$T"
mkdir -p "$T"
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "PASS $1"; }
bad() {
	fail=$((fail + 1)); echo "FAIL $1${2:+: $2}"
	[ -n "${3:-}" ] && [ -s "$3" ] && tail -n 12 "$3" | sed 's/^/    | /'
	return 0
}
skip() { echo "SKIP $1"; }
check() { local n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else bad "$n"; fi; }
export ASAN_OPTIONS=detect_leaks=0:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1
export E2FSPROGS_FAKE_TIME= MKE2FS_CONFIG=/etc/mke2fs.conf

# ---- build: libext2fs (host gcc, plain and ASan), fstest, the fuzzer ----
. tests/hypercall/posix-build.sh
FSSRC=$(echo libos/fs/ext4_*.c)
TSRC="tests/fs/fstest.c tests/fs/fsutil.c tests/fs/lostub.c"
build_all() {
	local e
	libos/fs/build-ext2fs.sh gcc "$B/ext2fs-host" -O2 -g || return 1
	libos/fs/build-ext2fs.sh gcc "$B/ext2fs-asan" -O1 -g \
	    -fno-omit-frame-pointer -fsanitize=address || return 1
	e=$B/ext2fs-host
	POSIX_LIBS="$e/lib/libext2fs.a $e/lib/libcom_err.a" \
	    posix_build "$B/fs/fstest" "$B/fs/obj" "-I$e/include" $TSRC $FSSRC ||
	    return 1
	e=$B/ext2fs-asan
	POSIX_LIBS="$e/lib/libext2fs.a $e/lib/libcom_err.a" \
	    posix_build "$B/fs/fstest-asan" "$B/fs/obj-asan" \
	    "-I$e/include -fsanitize=address,undefined -fno-sanitize-recover=all" \
	    $TSRC $FSSRC || return 1
	gcc -std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra \
	    -Wno-unused-parameter -Iinclude -I$e/include \
	    -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -o "$B/fs/fsfuzz" tests/fs/fsfuzz.c tests/fs/memdisk.c \
	    tests/fs/fsutil.c tests/fs/lostub.c $FSSRC \
	    "$e/lib/libext2fs.a" "$e/lib/libcom_err.a"
}
if build_all > "$T/build.log" 2>&1; then ok "build (libext2fs from Debian's e2fsprogs, fstest, fuzzer)"
else bad "build" "" "$T/build.log"; echo "$pass passed, $fail failed"; exit 1; fi
grep -q 'warning:' "$T/build.log" && bad "build without warnings" "" "$T/build.log"

FST=$B/fs/fstest
fst() {	# fst IMAGE ARGS... > log: fstest with IMAGE as blk0
	local img=$1
	shift
	timeout 300 "$FST" --disk "blk0=$img" "$@"
}
clean() { e2fsck -fn "$1" > "$1.fsck" 2>&1; }

# ---- trees written by us, checked by the host ---------------------------
tree_case() {	# NAME MKE2FS-ARGS...
	local n=$1 img=$T/$1.img
	shift
	rm -f "$img"
	mke2fs -q -F "$@" "$img" 64M > /dev/null 2>&1 || { bad "$n: mke2fs $*"; return; }
	fst "$img" tree > "$T/$n.log" 2>&1
	if [ $? = 0 ] && grep -q '^fstest: ok$' "$T/$n.log"; then
		ok "$n: tree written, read back after remount"
	else
		bad "$n: tree written, read back" "" "$T/$n.log"
	fi
	if clean "$img"; then ok "$n: e2fsck -fn clean"
	else bad "$n: e2fsck -fn clean" "" "$img.fsck"; fi
	rm -rf "$T/$n.dump"
	mkdir -p "$T/$n.dump"
	debugfs -R "rdump / $T/$n.dump" "$img" > /dev/null 2>&1
	python3 tests/fs/tree.py walk "$T/$n.dump" > "$T/$n.host" 2>&1 ||
	    bad "$n: host sees every byte as written" "" "$T/$n.host"
	if [ -s "$T/$n.host" ] && diff <(grep '^M' "$T/$n.log") "$T/$n.host" > "$T/$n.diff"
	then ok "$n: debugfs rdump: same names, types, sizes, modes, links ($(wc -l < "$T/$n.host") entries)"
	else bad "$n: debugfs rdump manifest" "" "$T/$n.diff"; fi
}
tree_case ext2 -t ext2
tree_case ext3 -t ext3
tree_case ext4 -t ext4
tree_case ext4-nojournal -t ext4 -O ^has_journal
tree_case ext4-1k -t ext4 -b 1024
tree_case ext4-gdtcsum -t ext4 -O ^metadata_csum,uninit_bg
tree_case ext4-128 -t ext4 -I 128
# the debugfs view of one file written by us, by name
img=$T/ext4.img
debugfs -R "stat /a/renamed" "$img" 2>/dev/null | grep -q 'mtime: 0x499602d2:00000014' &&
    ok "ext4: mtime with nanoseconds as debugfs sees it" ||
    bad "ext4: mtime with nanoseconds" "" <(debugfs -R "stat /a/renamed" "$img" 2>&1)
debugfs -R "stat /a/size3145733" "$img" 2>/dev/null | grep -q 'EXTENTS' &&
    ok "ext4: new files use extents" || bad "ext4: new files use extents"

# fsync, then gone without unmounting: everything fsync wrote (inodes,
# directories, extents, bitmaps of the groups that changed, descriptors)
# must already be a consistent file system
for v in "ext4 -b 1024" "ext4" "ext2" "ext3"; do
	n=fsyncdie-${v// /}
	img=$T/$n.img
	rm -f "$img"
	mke2fs -q -F -t $v "$img" 256M > /dev/null 2>&1
	fst "$img" fsyncdie > "$T/$n.log" 2>&1
	grep -q '^fsyncdie: synced, dying$' "$T/$n.log" || bad "$n: tree and fsync" "" "$T/$n.log"
	if clean "$img"; then ok "$v: after fsync and no unmount, e2fsck -fn finds nothing"
	else bad "$v: after fsync and no unmount, e2fsck -fn" "" "$img.fsck"; fi
done

# ---- trees made on the host, read by us ---------------------------------
rm -rf "$T/gen"
python3 tests/fs/tree.py gen "$T/gen"
python3 tests/fs/tree.py walk "$T/gen" > "$T/gen.man"
host_case() {	# NAME MOUNT(rw|ro) MKE2FS-ARGS...
	local n=$1 how=$2 img=$T/$1.img
	shift 2
	rm -f "$img"
	mke2fs -q -F -d "$T/gen" "$@" "$img" 32M > /dev/null 2>&1 || { bad "$n: mke2fs -d $*"; return; }
	fst "$img" walk ${how/rw/} > "$T/$n.log" 2>&1
	if [ $? = 0 ] && grep -q '^fstest: ok$' "$T/$n.log"; then
		ok "$n: host-made tree read ($how), every byte as made"
	else
		bad "$n: host-made tree read" "" "$T/$n.log"
	fi
	if diff <(grep '^M' "$T/$n.log" | grep -v ' /lost+found') "$T/gen.man" > "$T/$n.diff"
	then ok "$n: same manifest as the host tree"
	else bad "$n: same manifest as the host tree" "" "$T/$n.diff"; fi
	if clean "$img"; then ok "$n: e2fsck -fn clean after our $how mount"
	else bad "$n: e2fsck -fn clean after our mount" "" "$img.fsck"; fi
}
host_case host-ext2 rw -t ext2
host_case host-ext3 rw -t ext3
host_case host-ext4 rw -t ext4
host_case host-inline ro -t ext4 -O inline_data

# ---- mount policy -------------------------------------------------------
mount_case() {	# NAME WANT ro|rw SETUP...: SETUP runs on $img after mke2fs
	local n=$1 want=$2 how=$3 img=$T/policy.img got
	shift 3
	rm -f "$img"
	mke2fs -q -F -t ext4 ${MKOPT:-} "$img" 16M > /dev/null 2>&1
	[ $# -gt 0 ] && "$@" > /dev/null 2>&1
	got=$(fst "$img" mount ${how/rw/} 2>&1 | tee "$T/policy-$n.log" |
	    sed -n 's/^mount: //p')
	if [ "$got" = "$want" ]; then ok "mount $n ($how): ${want/#0/ok}$(grep -m1 '^ext4:' "$T/policy-$n.log" | sed 's/^ext4: blk0: / -- /')"
	else bad "mount $n ($how): got '${got:-nothing}', want $want" "" "$T/policy-$n.log"; fi
}
dbg() { debugfs -w -R "$1" "$img"; }
badmagic() { printf '\0\0' | dd of="$img" bs=1 seek=$((1024 + 56)) conv=notrunc; }
mount_case ext4-default 0 rw
mount_case needs_recovery -117 rw dbg "feature needs_recovery"
mount_case needs_recovery -117 ro dbg "feature needs_recovery"
mount_case not-clean -117 rw dbg "ssv state 0"
mount_case not-clean 0 ro dbg "ssv state 0"
mount_case errors -117 rw dbg "ssv state 3"
mount_case unknown-incompat -22 ro dbg "ssv feature_incompat 0x80000"
mount_case bad-magic -22 ro badmagic
MKOPT="-O inline_data" mount_case inline_data -30 rw
MKOPT="-O inline_data" mount_case inline_data 0 ro
MKOPT="-O bigalloc" mount_case bigalloc -30 rw
MKOPT="-O bigalloc" mount_case bigalloc 0 ro
MKOPT="-O quota" mount_case quota -30 rw
MKOPT="-O encrypt" mount_case encrypt -22 ro
MKOPT="-O casefold" mount_case casefold -22 ro
got=$("$FST" mount 2>&1 | sed -n 's/^mount: //p')
[ "$got" = -19 ] && ok "mount without a device: -ENODEV" || bad "mount without a device: got $got"

# ---- ENOSPC -------------------------------------------------------------
enospc_case() {	# NAME SIZE MKE2FS-ARGS...
	local n=$1 sz=$2 img=$T/enospc-$1.img
	shift 2
	rm -f "$img"
	mke2fs -q -F "$@" "$img" "$sz" > /dev/null 2>&1
	fst "$img" enospc > "$T/enospc-$n.log" 2>&1
	[ $? = 0 ] && grep -q '^fstest: ok$' "$T/enospc-$n.log" &&
	    ok "ENOSPC $n: fill, delete, fill again, small files to the end: -ENOSPC each time" ||
	    bad "ENOSPC $n" "" "$T/enospc-$n.log"
	if clean "$img"; then ok "ENOSPC $n: e2fsck -fn clean"
	else bad "ENOSPC $n: e2fsck -fn clean" "" "$img.fsck"; fi
}
enospc_case ext4 8M -t ext4
enospc_case ext4-blocks 8M -t ext4 -N 16384
enospc_case ext2-1k 4M -t ext2 -b 1024 -N 8192

# ---- crash: SIGKILL mid-stream, e2fsck -fy, no acknowledged record lost --
. tests/fs/crash.sh
crash_test "$T"

# ---- the same inside a real guest (QEMU TCG, virtio-blk) ----------------
. tests/fs/guest.sh
guest_tests "$T"

# ---- fuzz ---------------------------------------------------------------
. tests/fs/fuzz.sh
fuzz_test "$T"

# ---- libext2fs and our module built with musl (what tandem-cc will be) --
if command -v musl-gcc > /dev/null; then
	e=$B/ext2fs-musl
	if libos/fs/build-ext2fs.sh musl-gcc "$e" -O2 -g > "$T/musl-build.log" 2>&1 &&
	    musl-gcc -static -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter \
		-Iinclude -I$e/include -o "$B/fs/fsfuzz-musl" tests/fs/fsfuzz.c \
		tests/fs/memdisk.c tests/fs/fsutil.c tests/fs/lostub.c $FSSRC \
		"$e/lib/libext2fs.a" "$e/lib/libcom_err.a" >> "$T/musl-build.log" 2>&1
	then
		ok "musl: libext2fs and libos/fs built with musl-gcc"
		FSFUZZ_IMAGE=$T/host-ext4.img "$B/fs/fsfuzz-musl" 1 0 walk > "$T/musl-walk.log" 2>&1
		grep -q '^fsfuzz: walk: 0 problems$' "$T/musl-walk.log" &&
		    diff <(grep '^M' "$T/musl-walk.log" | grep -v ' /lost+found') "$T/gen.man" > /dev/null &&
		    ok "musl: host-made ext4 tree read, same manifest and bytes" ||
		    bad "musl: host-made ext4 tree" "" "$T/musl-walk.log"
		"$B/fs/fsfuzz-musl" 5000 3 "$T/fz4.img" "$T/fz2.img" "$T/fz4n.img" \
		    > "$T/musl-fuzz.log" 2>&1 &&
		    grep -q '^fsfuzz: 5000 corrupted images, .* 0 crashes$' "$T/musl-fuzz.log" &&
		    ok "musl: $(tail -1 "$T/musl-fuzz.log" | sed 's/^fsfuzz: //')" ||
		    bad "musl: 5000 corrupted images" "" "$T/musl-fuzz.log"
	else
		bad "musl: build" "" "$T/musl-build.log"
	fi
else
	skip "musl build (musl-gcc not installed)"
fi

# ---- the tree once more under ASan+UBSan --------------------------------
img=$T/asan.img
rm -f "$img"
mke2fs -q -F -t ext4 "$img" 64M > /dev/null 2>&1
timeout 600 "$B/fs/fstest-asan" --disk "blk0=$img" tree > "$T/asan.log" 2>&1
[ $? = 0 ] && grep -q '^fstest: ok$' "$T/asan.log" &&
    ! grep -q 'ERROR: AddressSanitizer\|runtime error' "$T/asan.log" &&
    ok "ext4 tree under ASan+UBSan" || bad "ext4 tree under ASan+UBSan" "" "$T/asan.log"
clean "$img" && ok "ASan run: e2fsck -fn clean" || bad "ASan run: e2fsck -fn clean" "" "$img.fsck"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
