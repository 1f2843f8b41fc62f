# fs.sh -- sourced by tests/xen/run.sh: ext4 on blkfront, Xen PV and PVH.
# The program of tests/fs/guest.sh (tests/fs/guest.c baked with --config fs
# --mount blk0:/data) gets a host file as its disk (the batch's disk=
# option: a virtio-blk disk of the nested dom0 backing the guest's vbd, so
# the writes land in the file):
#   fsw-TYPE  writes a tree (tree.py gentiny's: block requests of nested
#             Xen under TCG are slow), then checked on the host (e2fsck
#             -fn clean, debugfs rdump = tree.py's manifest and bytes) and
#             walked by the same image under QEMU (same manifest)
#   fsr-TYPE  walks a host tree (mke2fs -d): same manifest as on the host
# fs_jobs TYPE queues them (before xen_run), fs_checks TYPE checks them.
. tests/fs/guest.sh
FX=$T/fs

# fs_prepare: image, host tree and its manifest, once
fs_prepare() {
	[ -n "${FS_READY:-}" ] && return "$FS_READY"
	FS_READY=1
	mkdir -p "$FX" "$B/fs"
	rm -rf "$FX/host-tree"
	guest_build > "$FX/build.log" 2>&1 || return 1
	python3 tests/fs/tree.py gentiny "$FX/host-tree" &&
	    python3 tests/fs/tree.py walk "$FX/host-tree" > "$FX/tree.want" ||
	    return 1
	FS_READY=0
}

fs_jobs() {
	local ty=$1
	fs_prepare || return 0
	rm -f "$FX/w-$ty.img" "$FX/r-$ty.img"
	mke2fs -q -F -t ext4 "$FX/w-$ty.img" 64M > /dev/null 2>&1
	mke2fs -q -F -t ext4 -d "$FX/host-tree" "$FX/r-$ty.img" 64M > /dev/null 2>&1
	XEN_OPTS=("disk=$FX/w-$ty.img"
	    "xl=disk = [ 'format=raw,vdev=xvda,access=rw,target=@DISK0@' ]")
	XEN_TIMEOUT=60 xen_job "fsw-$ty" "$ty" "$GIMG" gentiny /data
	XEN_OPTS=("disk=$FX/r-$ty.img"
	    "xl=disk = [ 'format=raw,vdev=xvda,access=rw,target=@DISK0@' ]")
	XEN_TIMEOUT=60 xen_job "fsr-$ty" "$ty" "$GIMG" walk /data
	XEN_OPTS=()
}

fsck_clean() { e2fsck -fn "$1" > "$1.fsck" 2>&1; }

fs_checks() {
	local ty=$1 img=$FX/w-$ty.img
	if ! fs_prepare; then
		fail "ext4 xen-$ty: build the guest image" "" "$FX/build.log"
		return
	fi
	expect_job "ext4 xen-$ty: guest wrote a tree on blkfront, rc" "fsw-$ty" 0
	expect_line "ext4 xen-$ty: guest wrote a tree" "$LOG" '^guest: ok$'
	check "ext4 xen-$ty: the tree it wrote is e2fsck -fn clean on the host" \
	    fsck_clean "$img"
	rm -rf "$FX/w-$ty.dump"
	mkdir -p "$FX/w-$ty.dump"
	debugfs -R "rdump / $FX/w-$ty.dump" "$img" > /dev/null 2>&1
	rm -rf "$FX/w-$ty.dump/lost+found"
	python3 tests/fs/tree.py walk "$FX/w-$ty.dump" > "$FX/w-$ty.got" 2>&1
	check "ext4 xen-$ty: debugfs rdump of its tree: same manifest and bytes" \
	    cmp -s "$FX/tree.want" "$FX/w-$ty.got"
	guest_run "$img" "$FX/w-$ty.qemu.log" walk /data
	if grep -q '^guest: ok$' "$FX/w-$ty.qemu.log" &&
	    manifest "$FX/w-$ty.qemu.log" | cmp -s - "$FX/tree.want"; then
		pass "ext4 xen-$ty: its tree read under QEMU, same manifest and bytes"
	else
		fail "ext4 xen-$ty: its tree under QEMU" "" "$FX/w-$ty.qemu.log"
	fi
	expect_job "ext4 xen-$ty: guest walked a host tree, rc" "fsr-$ty" 0
	if manifest "$LOG" | tr -d '\r' | cmp -s - "$FX/tree.want"; then
		pass "ext4 xen-$ty: host tree (mke2fs -d): same manifest and bytes"
	else
		fail "ext4 xen-$ty: host tree manifest" "" "$LOG"
	fi
	check "ext4 xen-$ty: host tree e2fsck -fn clean after the guest" \
	    fsck_clean "$FX/r-$ty.img"
}
