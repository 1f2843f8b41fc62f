#!/bin/bash
# tests/libos/extra.sh BUILD -- checks of libos that are not differential
# (Linux has no baked root, no mount words): a corrupt root archive gives
# a clear error and a non-zero status, never a crash; mount words for a
# file system type the image lacks; the read-only root; bake's /etc
# defaults; mount(2) of tmpfs over a root directory; the archive parser
# fuzzed on the host (tests/libos/rootfs_fuzz.c, ASan+UBSan).
# Sourced by tests/libos/run.sh (which prints the one summary line), or
# run alone (then it prints its own).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	cd "$(dirname "$0")/../.."
	B=${1:-build}
	T=$B/tests/libos
	. tests/boot/lib.sh
	EXTRA_ALONE=1
fi
X=$T/extra
mkdir -p "$X"
img=$B/img/lo-fs_root.img

# expect_out NAME FILE: the console of the last boot, minus Tandem's own
# lines, equals FILE
expect_out() {
	local f
	f=$X/$(echo "$1" | tr -cs 'A-Za-z0-9_.-' '_')
	grep -vE '^(tandem|virtio|acpi|blkfront|netfront|xenbus): ' "$LOG" | tr -d '\r' > "$f.out"
	if cmp -s "$2" "$f.out"; then pass "$1"
	else diff "$2" "$f.out" > "$f.diff"; fail "$1" "output" "$f.diff"
	fi
}

# ere STRING: STRING as a grep -E pattern matching itself
ere() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|/]/\\&/g'; }

extra_root() {
	local start base off
	# the archive's place in the file: its address, less the load address,
	# plus the segment's file offset (one PT_LOAD, VMA == LMA)
	start=$(nm "$B/img/lo-fs_root.dbg" | awk '/ __tandem_root_start$/ {print $1}')
	read -r off base < <(readelf -lW "$img" | awk '$1 == "LOAD" {print $2, $3; exit}')
	[ -n "$start" ] && [ -n "$base" ] || { fail "corrupt root: find the archive" "no symbol"; return; }
	aoff=$(( 0x$start - base + off ))
	# corrupt_copy KIND: a copy of the image with one defect; prints the offset
	# (within the archive) of the member the error must name
	corrupt_copy() {
		python3 - "$img" "$X/corrupt-$1.img" "$aoff" "$1" <<'PY'
import sys
src, dst, a, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
b = bytearray(open(src, 'rb').read())
name = b'data/hello.txt\0'
n = b.index(name, a)
hdr = n - 110
while b[hdr:hdr + 6] != b'070701':	# "./data/..." or "data/..."
    n -= 1; hdr = n - 110
if kind == 'magic':
    b[a] = ord('X'); at = 0
elif kind == 'dotdot':
    i = b.index(b'data/hello.txt', hdr + 110)
    b[i:i + 14] = b'../a/hello.txt'; at = hdr - a
elif kind == 'size':
    b[hdr + 54:hdr + 62] = b'7fffffff'; at = hdr - a
elif kind == 'nul':
    i = b.index(name, hdr + 110)
    b[i + 14] = ord('X'); at = hdr - a
open(dst, 'wb').write(b)
print(at)
PY
	}
	for k in "magic:bad magic (not a cpio newc archive)" "dotdot:'..' in a name" \
	    "size:file data past the end" "nul:name without its NUL"; do
		kind=${k%%:*} why=${k#*:}
		at=$(corrupt_copy "$kind") || { fail "corrupt root $kind: patch" ""; continue; }
		TIMEOUT=30 boot "corrupt-$kind" pc "$X/corrupt-$kind.img"
		expect_rc "corrupt root ($kind): status 1" 1
		expect_line "corrupt root ($kind): says where and why" "$LOG" \
		    "^tandem: libos: root archive corrupt at offset $at: $(ere "$why")\$"
		if grep -qiE 'panic|fault|trap' "$LOG"; then
			fail "corrupt root ($kind): no crash" "" "$LOG"
		else
			pass "corrupt root ($kind): no crash"
		fi
	done
}

extra_mount_words() {
	TIMEOUT=30 boot mountword pc "$img" mount=blk0:/data
	expect_rc "mount=blk0:/data without ext4: status 1" 1
	expect_line "mount word: clear error" "$LOG" \
	    '^tandem: libos: mount blk0:/data: no file system type ext4 in this image$'
	TIMEOUT=30 boot mountbad pc "$img" mount=data
	expect_rc "mount=data: status 1" 1
	expect_line "bad mount word: clear error" "$LOG" \
	    '^tandem: libos: mount data: want blkN:/path\[:ro\]$'
	if "$B/lib/tandem/bake.sh" "$B/lo-progs/fs_root" -o "$X/mnt.img" \
	    --mount blk0:/srv/disk:ro > "$X/bake-mnt.log" 2>&1; then
		TIMEOUT=30 boot bakemount pc "$X/mnt.img"
		expect_rc "bake --mount without ext4: status 1" 1
		expect_line "bake --mount: clear error" "$LOG" \
		    '^tandem: libos: mount blk0:/srv/disk: no file system type ext4 in this image$'
	else
		fail "bake --mount" "" "$X/bake-mnt.log"
	fi
}

extra_rofs() {
	cat > "$X/rofs.want" <<'W'
mkdir /x: -1 EROFS
mkdir /data: -1 EEXIST
create /new: -1 EROFS
open wronly: -1 EROFS
open trunc: -1 EROFS
unlink: -1 EROFS
unlink missing: -1 ENOENT
rmdir: -1 EROFS
rename: -1 EROFS
rename to tmp: -1 EXDEV
symlink: -1 EROFS
link: -1 EROFS
chmod: -1 EROFS
truncate: -1 EROFS
access W: -1 EROFS
access R: OK
rmdir /tmp (mount): -1 EBUSY
rmdir /: -1 EBUSY
fchmod: -1 EROFS
stat /tmp: OK
/tmp sticky 1777
/: . .. data dev etc tmp
open /dev/tty: -1 ENXIO
open /dev/console: OK
to the console
W
	TIMEOUT=30 boot rofs pc "$img" -- rofs
	expect_rc "read-only root: status 0" 0
	expect_out "read-only root: EROFS and friends" "$X/rofs.want"

	printf '== /etc/hosts\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n== /etc/passwd\ntester:x:1000:1000:Tester:/home/tester:/bin/sh\n== /etc/group\nroot:x:0:\nnogroup:x:65534:\n== /etc/resolv.conf\n' > "$X/etc.want"
	TIMEOUT=30 boot etc pc "$img" -- cat /etc/hosts /etc/passwd /etc/group /etc/resolv.conf
	expect_rc "bake /etc defaults: status 0" 0
	expect_out "bake /etc defaults (the root's passwd wins)" "$X/etc.want"
}

extra_mount_syscall() {
	cat > "$X/mount.want" <<'W'
mount missing dir: -1 ENOENT
mount on file: -1 ENOTDIR
mount unknown type: -1 ENODEV
mount ext4 (not linked): -1 ENODEV
mount tmpfs: OK
/data/sub: . ..
/data/sub/..: . .. big.bin dangling empty hello.txt link script.sh sub
create in mount: OK
/data/sub: . .. new
rename out of mount: -1 EXDEV
link out of mount: -1 EXDEV
rmdir mount point: -1 EBUSY
rename mount point: -1 EBUSY
chdir: OK
cwd /data/sub
umount busy (cwd): -1 EBUSY
chdir ..: OK
cwd /data
.: . .. big.bin dangling empty hello.txt link script.sh sub
umount not a mount: -1 EINVAL
umount /: -1 EBUSY
umount: OK
/data/sub: . .. deeper up
mount ro: OK
create on ro tmpfs: -1 EROFS
stat /tmp: OK
umount ro: OK
create on /tmp again: OK
W
	TIMEOUT=30 boot mountsys microvm "$img" -- mount
	expect_rc "mount(2) tmpfs over the root: status 0" 0
	expect_out "mount(2): crossing, EXDEV, EBUSY, umount, ro" "$X/mount.want"
}

# the archive parser itself, on the host under ASan+UBSan, on thousands
# of damaged archives
extra_fuzz() {
	if ! gcc -std=gnu11 -ffreestanding -O1 -g -Wall -Wno-unused-parameter \
	    -Iinclude -Ilibos -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -o "$X/rootfs_fuzz" \
	    tests/libos/rootfs_fuzz.c > "$X/rootfs_fuzz.cc.log" 2>&1; then
		fail "rootfs fuzz: build" "" "$X/rootfs_fuzz.cc.log"
		return
	fi
	if ASAN_OPTIONS=detect_leaks=0 "$X/rootfs_fuzz" 30000 \
	    > "$X/rootfs_fuzz.log" 2>&1 &&
	    grep -q '^rootfs fuzz: 30000 archives.*no crash$' "$X/rootfs_fuzz.log"
	then
		pass "rootfs fuzz: $(sed -n 's/^rootfs fuzz: //p' "$X/rootfs_fuzz.log")"
	else
		fail "rootfs fuzz" "" "$X/rootfs_fuzz.log"
	fi
}

extra_fuzz
if [ -f "$img" ]; then
	extra_root
	extra_mount_words
	extra_rofs
	extra_mount_syscall
else
	fail "libos extra checks" "missing $img (make)"
fi
[ -n "${EXTRA_ALONE:-}" ] && summary
