# guest.sh -- part of tests/fs/run.sh: ext4 inside a real guest under QEMU
# TCG (virtio-blk), the program tests/fs/guest.c baked with --config fs
# --mount blk0:/data (build/img/fs-guest.img, also booted under Xen by
# tests/xen/fs.sh):
#   - a tree written by the guest: e2fsck -fn clean, debugfs rdump gives
#     the same manifest and bytes as tree.py's on the host
#   - a host tree (mke2fs -d) walked by the guest: same manifest, and
#     e2fsck -fn clean after the guest's read-write mount
#   - crash: QEMU SIGKILLed mid-stream at FS_QCRASH_N (>= 20) points while
#     the guest appends fsync'd 4 KiB records; e2fsck -fy after each; every
#     acknowledged record intact, /log's extent tree out of the inode
# Needs `make` (tandem-cc, bake.sh, the launcher); uses ok/bad of run.sh.
GIMG=$B/img/fs-guest.img

# guest_build: tests/fs/guest.c with tandem-cc, baked
guest_build() {
	"$B/bin/tandem-cc" -O2 -g -Wall -Wextra -o "$B/fs/guest" \
	    tests/fs/guest.c &&
	"$B/lib/tandem/bake.sh" "$B/fs/guest" -o "$GIMG" --config fs \
	    --mem 64 --mount blk0:/data
}

# guest_run DISK LOG ARGS...: boots the image on DISK, console to LOG
guest_run() {
	local disk=$1 log=$2
	shift 2
	timeout 300 "$B/bin/tandem" run tcg "$GIMG" --disk "$disk" \
	    --timeout 240 -- "$@" > "$log" 2> "$log.err"
}

# manifest LOG: the guest's "M"/"BAD" lines
manifest() { grep -E '^(M|BAD) ' "$1"; }

guest_tree() {
	local t=$1 img=$1/gtree.img
	rm -rf "$img" "$t/gtree.dump" "$t/host-tree"
	python3 tests/fs/tree.py gen "$t/host-tree"
	python3 tests/fs/tree.py walk "$t/host-tree" > "$t/host-tree.want"
	mke2fs -q -F -t ext4 "$img" 64M > /dev/null 2>&1
	if guest_run "$img" "$t/gtree.log" gen /data &&
	    grep -q '^guest: ok$' "$t/gtree.log"; then
		ok "qemu guest: wrote a tree on ext4 (virtio-blk), status 0"
	else
		bad "qemu guest: write a tree" "" "$t/gtree.log"
	fi
	e2fsck -fn "$img" > "$t/gtree.fsck" 2>&1 &&
	    ok "qemu guest: e2fsck -fn clean after the guest's exit" ||
	    bad "qemu guest: e2fsck -fn after the guest" "" "$t/gtree.fsck"
	mkdir -p "$t/gtree.dump"
	debugfs -R "rdump / $t/gtree.dump" "$img" > /dev/null 2>&1
	rm -rf "$t/gtree.dump/lost+found"
	python3 tests/fs/tree.py walk "$t/gtree.dump" > "$t/gtree.got" 2>&1
	cmp -s "$t/host-tree.want" "$t/gtree.got" &&
	    ok "qemu guest: debugfs rdump of its tree: same manifest and bytes" ||
	    bad "qemu guest: rdump manifest" "" "$t/gtree.got"

	img=$t/htree.img
	mke2fs -q -F -t ext4 -d "$t/host-tree" "$img" 64M > /dev/null 2>&1
	if guest_run "$img" "$t/htree.log" walk /data &&
	    grep -q '^guest: ok$' "$t/htree.log" &&
	    manifest "$t/htree.log" | cmp -s - "$t/host-tree.want"; then
		ok "qemu guest: host tree (mke2fs -d) walked, same manifest and bytes"
	else
		bad "qemu guest: walk a host tree" "" "$t/htree.log"
	fi
	e2fsck -fn "$img" > "$t/htree.fsck" 2>&1 &&
	    ok "qemu guest: host tree e2fsck -fn clean after the guest's mount" ||
	    bad "qemu guest: e2fsck -fn after the walk" "" "$t/htree.fsck"
}

# One QEMU run of `append`, SIGKILLed DELAY after its first ack.
qcrash_once() {
	local img=$1 log=$2 delay=$3 acked=$4 q pid i
	: > "$log"
	eval "q=($("$B/bin/tandem" config "$GIMG" --qemu --disk "$img" \
	    -- append /data 10000000 "$acked"))"
	qemu-system-x86_64 "${q[@]}" < /dev/null > "$log" 2>&1 &
	pid=$!
	for ((i = 0; i < 200; i++)); do	# up to 20 s to the first ack
		grep -q '^acked ' "$log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	local r=$?
	wait "$pid" 2>/dev/null
	return $r
}

guest_crash() {
	local t=$1 img=$1/qcrash.img n=${FS_QCRASH_N:-20} i a max=-1 rc
	local kills=0 fixed=0 fsckbad=0
	rm -f "$img"
	mke2fs -q -F -t ext4 "$img" 128M > /dev/null 2>&1
	for ((i = 0; i < n; i++)); do
		# 0.1 .. 2.5 s after the first ack
		qcrash_once "$img" "$t/qcrash-$i.log" \
		    "$((RANDOM % 3)).$(printf '%03d' $((100 + RANDOM % 400)))" \
		    "$max" &&
		    kills=$((kills + 1))
		a=$(tr -d '\r' < "$t/qcrash-$i.log" |
		    sed -n 's/^acked \([0-9]*\)$/\1/p' | tail -1)
		[ -n "$a" ] && [ "$a" -gt "$max" ] && max=$a
		e2fsck -fy "$img" > "$t/qcrash-$i.fsck" 2>&1
		rc=$?
		[ $rc = 1 ] && fixed=$((fixed + 1))
		[ $rc -gt 1 ] && { fsckbad=$((fsckbad + 1)); cp "$img" "$t/qcrash-bad-$i.img"; }
		e2fsck -fn "$img" > /dev/null 2>&1 || fsckbad=$((fsckbad + 1))
	done
	[ $kills -ge 20 ] && ok "qemu crash: $kills SIGKILLs of QEMU mid-stream" ||
	    bad "qemu crash: only $kills of $n QEMUs were still running when killed"
	[ $fsckbad = 0 ] && ok "qemu crash: e2fsck -fy repaired every crash ($fixed needed fixes), -fn clean after" ||
	    bad "qemu crash: e2fsck could not repair $fsckbad times"
	if [ "$max" -lt 100 ]; then
		bad "qemu crash: only $((max + 1)) records acknowledged in all"
		return
	fi
	debugfs -R "stat /log" "$img" 2>/dev/null | grep -q '(ETB0)' &&
	    ok "qemu crash: /log's extent tree left the inode" ||
	    bad "qemu crash: /log's extent tree never left the inode"
	if guest_run "$img" "$t/qcrash-check.log" checklog /data "$max" &&
	    grep -q ' 0 lost$' "$t/qcrash-check.log"; then
		ok "qemu crash: all $((max + 1)) acknowledged records intact, 0 lost"
	else
		bad "qemu crash: acknowledged records lost" \
		    "$(sed -n 's/^checklog: //p' "$t/qcrash-check.log")" \
		    "$t/qcrash-check.log"
	fi
}

guest_tests() {
	local t=$1
	if [ ! -x "$B/bin/tandem-cc" ] || [ ! -x "$B/bin/tandem" ]; then
		bad "qemu guest: run make first (no $B/bin/tandem-cc)"
		return
	fi
	if ! guest_build > "$t/guest-build.log" 2>&1; then
		bad "qemu guest: build and bake tests/fs/guest.c" "" "$t/guest-build.log"
		return
	fi
	ok "qemu guest: tests/fs/guest.c built with tandem-cc, baked with --mount blk0:/data"
	guest_tree "$t"
	guest_crash "$t"
}
