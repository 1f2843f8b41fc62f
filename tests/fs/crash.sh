# crash.sh -- part of tests/fs/run.sh: fstest appends 4 KiB records to
# /log with fsync after each and prints "acked I" after each fsync; we
# SIGKILL it at FS_CRASH_N (>= 20) random points, run e2fsck -fy after
# each kill, mount again and go on appending; at the end every record
# ever acknowledged must be intact.  Every 8th record fstest also
# appends a block to /frag, so /log gets many extents: its extent tree
# leaves the inode (checked) and leaves split, the case where a crash
# used to lose acknowledged records (docs/ext4.md, "Crash safety").  The image is ext4 as Debian's
# mke2fs makes it (has_journal: mounted read-write because the journal
# is empty; written without journalling, see libos/fs/ext4_vfs.c).
crash_test() {
	local t=$1 img=$1/crash.img n=${FS_CRASH_N:-24} i pid a max=-1 rc
	local fixed=0 fsckbad=0 kills=0
	rm -f "$img"
	# room for every record a fast machine appends in 24 runs (~20 MB):
	# the crash test is about fsync, not a full disk (ENOSPC has its own
	# test; see docs/ext4.md for a crash found near a full disk)
	mke2fs -q -F -t ext4 "$img" 256M > /dev/null 2>&1
	for ((i = 0; i < n; i++)); do
		"$FST" --disk "blk0=$img" append 1000000 "$max" > "$t/crash-$i.log" 2>&1 &
		pid=$!
		# 50..850 ms: from mount time to deep into the stream
		sleep "0.$(printf '%03d' $((50 + RANDOM % 800)))"
		kill -KILL "$pid" 2>/dev/null && kills=$((kills + 1))
		wait "$pid" 2>/dev/null
		a=$(sed -n 's/^acked \([0-9]*\)$/\1/p' "$t/crash-$i.log" | tail -1)
		[ -n "$a" ] && [ "$a" -gt "$max" ] && max=$a
		e2fsck -fy "$img" > "$t/crash-$i.fsck" 2>&1
		rc=$?
		[ $rc = 1 ] && fixed=$((fixed + 1))
		[ $rc -gt 1 ] && { fsckbad=$((fsckbad + 1)); cp "$img" "$t/crash-bad-$i.img"; }
		e2fsck -fn "$img" > /dev/null 2>&1 || fsckbad=$((fsckbad + 1))
	done
	[ $kills -ge 20 ] && ok "crash: $kills SIGKILLs mid-stream" ||
	    bad "crash: only $kills of $n runs were still going when killed"
	[ $fsckbad = 0 ] && ok "crash: e2fsck -fy repaired every crash ($fixed needed fixes), -fn clean after" ||
	    bad "crash: e2fsck could not repair $fsckbad times"
	if [ "$max" -lt 20 ]; then
		bad "crash: only $((max + 1)) records acknowledged in all"
		return
	fi
	if debugfs -R "stat /log" "$img" 2>/dev/null | grep -q '(ETB0)'; then
		ok "crash: /log's extent tree left the inode ($(debugfs -R \
		    "stat /log" "$img" 2>/dev/null | grep -o '(ETB[0-9])' |
		    sort -u | wc -l) levels of extent blocks)"
	else
		bad "crash: /log's extent tree never left the inode"
	fi
	"$FST" --disk "blk0=$img" checklog "$max" > "$t/crash-check.log" 2>&1
	if [ $? = 0 ] && grep -q ' 0 lost$' "$t/crash-check.log"; then
		ok "crash: all $((max + 1)) acknowledged records intact, 0 lost"
	else
		bad "crash: acknowledged records lost" \
		    "$(sed -n 's/^checklog: //p' "$t/crash-check.log")" \
		    "$t/crash-check.log"
	fi
}
