# durability.sh -- sourced by tests/apps/run.sh (B, T, IP, in_ns, pass,
# fail set): redis's promise under appendfsync always, checked the hard
# way.  A client (rclient.sh) INCRs one key and records every value redis
# acknowledged; QEMU is killed with SIGKILL at a random moment; the same
# redis.img boots again on the same disk and the key must hold at least
# the last acknowledged value.  Repeated DUR_KILLS times (default 24) on
# one disk, so each boot also replays the AOF every earlier kill left.
#
# After each kill the host runs `e2fsck -fy` on the disk before the next
# boot, as a host must: the disk has no journal (libos/fs writes none,
# docs/ext4.md) and the appliance refuses to mount an uncleanly
# unmounted file system read-write.  What e2fsck changed is counted.
#
# A torn AOF tail (the file's size reaching zeros where the last,
# unacknowledged command was being written; redis then refuses the file,
# "Bad file format") is a failure too: libos/fs sends a block's data
# before the inode whose i_size covers it (docs/ext4.md).  The test still
# applies redis's own repair (redis-check-aof --fix) so that it can go on
# counting, and names the kill.
#
# The kill hits QEMU itself (not the launcher): nothing in the guest gets
# to flush anything.  Whatever QEMU had written to the disk file stays in
# the host's page cache, so what is checked is that redis + libos + ext4
# + virtio-blk put each write on the disk before the reply went out.

# dur_boot LOG: redis.img on $DUR_DISK in the background (GPID = the
# launcher, $T/dur-qemu.pid = QEMU's pid); waits until it is ready.
dur_boot() {
	local i
	: > "$1"
	rm -f "$T/dur-qemu.pid"
	QPIDF=$T/dur-qemu.pid TANDEM_QEMU=$T/dur-qemu.sh in_ns "$B/bin/tandem" \
	    run tcg "$B/img/redis.img" --net tap:tap0 --disk "$DUR_DISK" \
	    --timeout 120 -- ip=$IP/24 > "$1" 2>&1 &
	GPID=$!
	for ((i = 0; i < 300; i++)); do
		grep -q 'Ready to accept connections' "$1" && return 0
		kill -0 "$GPID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# dur_fix_aof: the operator's repair of a torn AOF tail; 0 if it did one.
dur_fix_aof() {
	local f=/appendonlydir/appendonly.aof.1.incr.aof c=$T/dur-aof.fix
	debugfs -R "cat $f" "$DUR_DISK" > "$c" 2>/dev/null || return 1
	[ -s "$c" ] || return 1
	echo y | redis-check-aof --fix "$c" > "$T/dur-aof.fix.out" 2>&1 || return 1
	local ok tail nz
	ok=$(stat -c %s "$c")
	tail=$(debugfs -R "stat $f" "$DUR_DISK" 2>/dev/null | sed -n 's/.*Size: \([0-9]*\).*/\1/p' | head -1)
	nz=$(debugfs -R "cat $f" "$DUR_DISK" 2>/dev/null | tail -c +$((ok + 1)) | tr -d '\0' | wc -c)
	echo "    TORN AOF TAIL (i_size reached the disk before the data): AOF size $tail, whole commands up to $ok, the $((tail - ok)) bytes after them: $nz not zero"
	debugfs -w -R "rm $f" "$DUR_DISK" > /dev/null 2>&1 &&
	    debugfs -w -R "write $c $f" "$DUR_DISK" > /dev/null 2>&1 &&
	    e2fsck -fy "$DUR_DISK" > /dev/null 2>&1
	[ $? -le 1 ]
}

# dur_kill: SIGKILL to QEMU, then the launcher is waited for.
dur_kill() {
	local q
	q=$(cat "$T/dur-qemu.pid" 2>/dev/null)
	[ -n "$q" ] && kill -KILL "$q" 2>/dev/null
	wait "$GPID" 2>/dev/null
	GPID=
}

durability_qemu() {
	local n=${DUR_KILLS:-24} k got last=0 lost=0 acks=$T/dur-acks ms cpid
	local t0=$SECONDS bad= log fixed=0 rc torn=0
	DUR_DISK=$T/dur-disk.img
	rm -f "$DUR_DISK" "$T"/dur-*.log
	truncate -s 64M "$DUR_DISK"
	mkfs.ext4 -q -F -O ^has_journal "$DUR_DISK"
	printf '#!/bin/sh\necho $$ > "$QPIDF"\nexec qemu-system-x86_64 "$@"\n' \
	    > "$T/dur-qemu.sh"
	chmod +x "$T/dur-qemu.sh"
	# seeded per run: the kill points differ from run to run, and the
	# seed in the log lets a failure be replayed (DUR_SEED=...)
	RANDOM=${DUR_SEED:-$$}
	echo "    durability: seed ${DUR_SEED:-$$}, $n kills"
	for ((k = 1; k <= n + 1; k++)); do
		log=$T/dur-$k.log
		if [ "$k" -gt 1 ]; then
			e2fsck -fy "$DUR_DISK" > "$T/dur-fsck-$k.out" 2>&1
			rc=$?
			case $rc in
			0) ;;
			1) fixed=$((fixed + 1)) ;;
			*) bad="e2fsck after kill $((k - 1)): status $rc"
			   log=$T/dur-fsck-$k.out; break ;;
			esac
		fi
		if ! dur_boot "$log"; then
			dur_kill
			if grep -q 'Bad file format reading the append only file' "$log" &&
			    dur_fix_aof; then
				torn=$((torn + 1))
				log=$T/dur-$k-fixed.log
				dur_boot "$log" || { bad="boot $k: never ready after redis-check-aof --fix"; dur_kill; break; }
			else
				bad="boot $k: redis never ready"
				break
			fi
		fi
		got=$(in_ns tests/apps/rclient.sh get "$IP" n)
		if [ "${got:-0}" -lt "$last" ]; then
			lost=$((lost + last - ${got:-0}))
			echo "    boot $k: read $got, last acknowledged $last: LOST"
		fi
		[ "$k" -gt "$n" ] && break
		: > "$acks"
		# not through in_ns (a function: $! would be a subshell)
		ip netns exec "$NS" tests/apps/rclient.sh incr "$IP" n "$acks" 2>/dev/null &
		cpid=$!
		# 0..2.5 s of INCRs: some kills land while the AOF is being
		# opened, most in the middle of a write + fsync
		ms=$((RANDOM % 2500))
		sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
		dur_kill
		kill "$cpid" 2>/dev/null
		wait "$cpid" 2>/dev/null
		[ -s "$acks" ] && last=$(tail -n 1 "$acks")
		echo "    kill $k after $ms ms: read ${got:-none} at boot, $(wc -l < "$acks") INCRs acknowledged, last $last"
	done
	dur_kill
	if [ -n "$bad" ]; then
		fail "redis durability: $bad" "" "$log"
	else
		check "redis durability: $n SIGKILLs of QEMU, $lost acknowledged writes lost (last $last, e2fsck repaired $fixed times, $torn torn AOF tails, $((SECONDS - t0)) s)" \
		    [ "$lost" = 0 -a "$last" -gt 0 -a "$torn" = 0 ]
	fi
}
