# split.sh -- the split-driver part of the Xen tier (sourced by
# tests/xen/run.sh, which has lib.sh loaded and B, T set): the same
# blkcheck and pingd images as the virtio tier, as PV and as PVH guests,
# checked from dom0 (hook.sh / post.sh of each job, see dom0-init.sh)
# and from the host.
#
#   split_prepare           host tools, disks, job directories
#   split_jobs TYPE         queues TYPE's jobs (call for pv and pvh)
#   split_checks TYPE       after xen_run: the checks of TYPE's jobs

SJ=$T/split
MAC0=00:16:3e:54:00:10

# hook_head: the shell functions every hook script starts with.
hook_head() {
	cat <<'EOS'
up() { read -r u _ < /proc/uptime; echo "${u%.*}${u#*.}"; }	# centiseconds
# waitfor TEXT [SECONDS]: until the guest console shows TEXT
waitfor() {
	i=0
	while ! grep -qF -- "$1" "$CLOG" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $((${2:-30} * 10)) ] && { echo "no '$1' on the console"; exit 1; }
		sleep 0.1
	done
}
# gone_after T0: how long since T0 until the guest ended (its last
# console line) and until the domain was gone (that includes dom0's
# backend teardown, bash hotplug scripts: slow under TCG)
gone_after() {
	i=0
	while ! grep -qE '^tandem: (exit|panic)' "$CLOG" && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	t=$(($(up) - $1))
	echo "ended $((t / 100)).$((t % 100 / 10)) s after the request"
	i=0
	while xl domid "$NAME" >/dev/null 2>&1 && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	t=$(($(up) - $1))
	echo "gone $((t / 100)).$((t % 100 / 10)) s after the request"
}
EOS
}

# job_dir NAME: a fresh directory for one job's files.
job_dir() { rm -rf "${SJ:?}/$1"; mkdir -p "$SJ/$1"; echo "$SJ/$1"; }
pat() { "$SJ/pattern" "$@" > /dev/null; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
hd_line() {	# N: an xl disk= line with the job's N host disks (disk=)
	local l= i abc=abcdefgh
	for ((i = 0; i < $1; i++)); do
		l+="${l:+,}'format=raw,vdev=xvd${abc:i:1},access=rw,target=@DISK$i@'"
	done
	echo "xl=disk = [ $l ]"
}
disk_line() {	# FILE...: an xl disk= line with xvda, xvdb, ...
	local l= i=0 f abc=abcdefgh
	for f; do
		l+="${l:+,}'format=raw,vdev=xvd${abc:i:1},access=rw,target=@DIR@/${f##*/}'"
		i=$((i + 1))
	done
	echo "xl=disk = [ $l ]"
}

split_prepare() {
	rm -rf "$SJ"
	mkdir -p "$SJ"
	gcc -O2 -Wall -o "$SJ/pattern" tests/virtio/pattern.c &&
	    gcc -O2 -Wall -static -o "$SJ/xnet" tests/xen/xnet.c || return 1
	# what the guest must leave on its disks, made on the host
	local s
	for s in 11 21; do
		truncate -s 4M "$SJ/want$s.img"
		pat write "$s" "$SJ/want$s.img"
	done
	T_JOBS+=("@env BRIDGE_IP=192.0.2.1/24")
}

split_jobs() {
	local ty=$1 d
	# grants, xenstore, pause/unpause, app-visible shutdown
	d=$(job_dir "xc-$ty")
	{ hook_head; cat <<'EOS'
waitfor "timers: start"
sleep 0.3
xl pause "$NAME" && echo "paused"
sleep 1.5
xl unpause "$NAME" && echo "unpaused"
waitfor "xencheck: waiting" 40
t0=$(up)
xl shutdown "$NAME"
gone_after "$t0"
EOS
	} > "$d/hook.sh"
	XEN_OPTS=("file=$d/hook.sh")
	xen_job "xc-$ty" "$ty" "$B/img/xencheck.img" wait

	# xl reboot (PV only: the path is common code): SHUTDOWN_reboot
	if [ "$ty" = pv ]; then
		d=$(job_dir "reboot-$ty")
		{ hook_head; cat <<'EOS'
waitfor "xencheck: waiting" 40
xl reboot "$NAME"
EOS
		} > "$d/hook.sh"
		XEN_OPTS=("file=$d/hook.sh")
		xen_job "reboot-$ty" "$ty" "$B/img/xencheck.img" wait
	fi

	# blkcheck write under Xen, ended by xl shutdown; the host checks
	d=$(job_dir "blkw-$ty")
	truncate -s 4M "$d/d0.img"
	{ hook_head; cat <<'EOS'
waitfor "blkcheck: holding" 40
t0=$(up)
xl shutdown "$NAME"
gone_after "$t0"
EOS
	} > "$d/hook.sh"
	echo 'sha256sum "$JOB/d0.img"' > "$d/post.sh"
	XEN_OPTS=("file=$d/hook.sh" "file=$d/post.sh" "file=$d/d0.img"
	    "$(disk_line d0.img)")
	XEN_TIMEOUT=60 xen_job "blkw-$ty" "$ty" "$B/img/blkcheck.img" write 11 hold

	# two vbds: one written by the host, one by the same image on QEMU
	d=$(job_dir "blkv-$ty")
	truncate -s 4M "$d/d0.img" "$d/d1.img"
	pat write 12 "$d/d0.img"
	"$(t_launcher)" run tcg "$B/img/blkcheck.img" --disk "$d/d1.img" \
	    -- write 13 > "$d/qemu.log" 2>&1
	XEN_OPTS=("file=$d/d0.img" "file=$d/d1.img" "$(disk_line d0.img d1.img)")
	XEN_TIMEOUT=60 xen_job "blkv-$ty" "$ty" "$B/img/blkcheck.img" \
	    verify 12 blk0,blk1

	# host files as the guest's disks (outer QEMU virtio-blk -> dom0 ->
	# blkback phy): what the guest writes lands in the host file itself
	local s=31
	[ "$ty" = pvh ] && s=35
	d=$(job_dir "hostw-$ty")
	truncate -s 4M "$d/h0.img"
	XEN_OPTS=("disk=$d/h0.img" "$(hd_line 1)")
	XEN_TIMEOUT=60 xen_job "hostw-$ty" "$ty" "$B/img/blkcheck.img" write $s
	# ... and the other way round: host- and QEMU-written files read there
	d=$(job_dir "hostv-$ty")
	truncate -s 4M "$d/h0.img" "$d/h1.img"
	pat write $((s + 2)) "$d/h0.img"
	"$(t_launcher)" run tcg "$B/img/blkcheck.img" --disk "$d/h1.img" \
	    -- write $((s + 3)) > "$d/qemu.log" 2>&1
	XEN_OPTS=("disk=$d/h0.img" "disk=$d/h1.img" "$(hd_line 2)")
	XEN_TIMEOUT=60 xen_job "hostv-$ty" "$ty" "$B/img/blkcheck.img" \
	    verify $((s + 2)) blk0,blk1

	# flush durability: write + flush, then xl destroy
	d=$(job_dir "blkd-$ty")
	truncate -s 4M "$d/d0.img"
	{ hook_head; cat <<'EOS'
waitfor "blkcheck: holding" 40
xl destroy "$NAME" && echo "destroyed"
EOS
	} > "$d/hook.sh"
	echo 'sha256sum "$JOB/d0.img"' > "$d/post.sh"
	XEN_OPTS=("file=$d/hook.sh" "file=$d/post.sh" "file=$d/d0.img"
	    "$(disk_line d0.img)")
	XEN_TIMEOUT=60 xen_job "blkd-$ty" "$ty" "$B/img/blkcheck.img" write 21 hold

	# the backend closes (faked: its state forced to Closing) and comes
	# back: blkfront reconnects, the data is still there, I/O goes on
	d=$(job_dir "recon-$ty")
	truncate -s 1M "$d/d0.img"
	{ hook_head; cat <<'EOS'
waitfor "xencheck: close the backend" 40
be=$(xenstore-read "/local/domain/$DOMID/device/vbd/51712/backend")
xenstore-write "$be/state" 5 && echo "backend state forced to Closing"
sleep 0.5
i=0
while [ "$(xenstore-read "$be/state")" != 4 ] && [ $i -lt 150 ]; do
	sleep 0.2
	i=$((i + 1))
done
echo "backend state $(xenstore-read "$be/state")"
xenstore-write "/local/domain/$DOMID/data/go" 1
EOS
	} > "$d/hook.sh"
	XEN_OPTS=("file=$d/hook.sh" "file=$d/d0.img" "$(disk_line d0.img)")
	XEN_TIMEOUT=60 xen_job "recon-$ty" "$ty" "$B/img/xencheck.img" reconnect

	# dom0 pings pingd over the first of two vifs
	d=$(job_dir "ping-$ty")
	cp "$SJ/xnet" "$d/xnet"
	{ hook_head; cat <<'EOS'
waitfor "pingd: ready" 40
"$JOB/xnet" ping 192.0.2.2 250
EOS
	} > "$d/hook.sh"
	XEN_OPTS=("file=$d/hook.sh" "file=$d/xnet"
	    "xl=vif = [ 'bridge=xenbr0,mac=$MAC0', 'bridge=xenbr0,mac=00:16:3e:54:00:11' ]")
	XEN_TIMEOUT=60 xen_job "ping-$ty" "$ty" "$B/img/pingd.img" \
	    ip=192.0.2.2/24 count=250

	# the TCP/IP stack (libos/net) on netfront: netecho from dom0
	d=$(job_dir "echo-$ty")
	cp "$SJ/xnet" "$d/xnet"
	{ hook_head; cat <<'EOS'
waitfor "netecho: ready" 60
"$JOB/xnet" ping 192.0.2.2 20
"$JOB/xnet" tcpecho 192.0.2.2 7 2000000
"$JOB/xnet" tcpsay 192.0.2.2 8 quit
EOS
	} > "$d/hook.sh"
	XEN_OPTS=("file=$d/hook.sh" "file=$d/xnet" "xl=vif = [ 'bridge=xenbr0,mac=$MAC0' ]")
	XEN_TIMEOUT=120 xen_job "echo-$ty" "$ty" "$B/img/netecho.img" \
	    ip=192.0.2.2/24 selftest=0

	# every frame size 60..1514 echoed intact
	d=$(job_dir "l2-$ty")
	cp "$SJ/xnet" "$d/xnet"
	{ hook_head; cat <<EOS
waitfor "pingd: ready" 40
"\$JOB/xnet" l2echo xenbr0 $MAC0 60 1514
EOS
	} > "$d/hook.sh"
	XEN_OPTS=("file=$d/hook.sh" "file=$d/xnet" "xl=vif = [ 'bridge=xenbr0,mac=$MAC0' ]")
	XEN_TIMEOUT=60 xen_job "l2-$ty" "$ty" "$B/img/pingd.img" \
	    mode=l2echo count=1455

	# the same, echoed in three pieces each: scatter-gather transmit
	d=$(job_dir "sg-$ty")
	cp "$SJ/xnet" "$d/xnet"
	{ hook_head; cat <<EOS
waitfor "xencheck: sgecho ready" 40
"\$JOB/xnet" l2echo xenbr0 $MAC0 60 1514
EOS
	} > "$d/hook.sh"
	XEN_OPTS=("file=$d/hook.sh" "file=$d/xnet" "xl=vif = [ 'bridge=xenbr0,mac=$MAC0' ]")
	XEN_TIMEOUT=60 xen_job "sg-$ty" "$ty" "$B/img/xencheck.img" sgecho 1455
	XEN_OPTS=()
}

# shut_within NAME LOG S: the hook saw the guest end within S seconds.
shut_within() {
	local t
	t=$(sed -n 's/^hook: ended \([0-9.]*\) s after the request$/\1/p' "$2" | tail -1)
	if [ -n "$t" ] && awk -v t="$t" -v s="$3" 'BEGIN { exit !(t <= s) }'; then
		pass "$1 ($t s)"
	else
		fail "$1" "ended after '${t:-never}' s, want <= $3 s" "$2"
	fi
}

# post_sha NAME LOG WANTFILE: post.sh's checksum is WANTFILE's.
post_sha() {
	local got
	got=$(sed -n 's/^post: \([0-9a-f]\{64\}\) .*/\1/p' "$2" | tail -1)
	if [ "$got" = "$(sha "$3")" ]; then pass "$1"
	else fail "$1" "disk checksum ${got:-missing}, want the pattern's" "$2"; fi
}

split_checks() {
	local ty=$1 p="xen-$ty"
	expect_job "$p xencheck: app's shutdown status kept" "xc-$ty" 3
	expect_no_line "$p xencheck: no failed check" "$LOG" '^xencheck: FAIL'
	expect_line "$p grants reused" "$LOG" '^xencheck: ok grant-reuse'
	expect_line "$p xenstore transactions" "$LOG" '^xencheck: ok xs-tx-conflict'
	expect_line "$p xenstore watch" "$LOG" '^xencheck: ok xs-watch'
	expect_line "$p paused and unpaused" "$LOG" '^hook: unpaused'
	expect_line "$p no timer lost across pause" "$LOG" \
	    '^timers: done, 30 sleeps, worst ([1-9][0-9]{3}|[0-9]{5,}) ms'
	expect_line "$p app told of shutdown" "$LOG" '^xencheck: told of shutdown \(poweroff\), 0 failures'
	shut_within "$p xl shutdown ends the guest within 5 s" "$LOG" 5

	if [ "$ty" = pv ]; then
		LOG=$T/xen/reboot-$ty.log
		expect_line "$p xl reboot: app told" "$LOG" '^xencheck: told of shutdown \(reboot\)'
		expect_line "$p xl reboot: status printed" "$LOG" '^tandem: exit 3$'
		expect_line "$p xl reboot: domain ended by reboot" "$T/xen/reboot-$ty.end" 'reason=reboot'
	fi

	expect_job "$p blk write + xl shutdown: exit 0" "blkw-$ty" 0
	expect_line "$p blk write flushed by blkcheck" "$LOG" '^blkcheck: blk0: wrote 4194304 bytes, seed 11, .*flushed'
	expect_line "$p blk flushed at shutdown" "$LOG" '^blkfront: xvda: flushed$'
	shut_within "$p blk xl shutdown within 5 s" "$LOG" 5
	post_sha "$p blk Xen-written disk verified on the host" "$LOG" "$SJ/want11.img"

	expect_job "$p blk verify two vbds" "blkv-$ty" 0
	expect_line "$p blk xvdb is blk1" "$LOG" '^blkfront: xvdb \(blk1\): 8192 sectors'
	expect_line "$p blk host-written disk verified" "$LOG" '^blkcheck: blk0: verified 4194304 bytes, seed 12'
	expect_line "$p blk QEMU-written disk verified" "$LOG" '^blkcheck: blk1: verified 4194304 bytes, seed 13'

	LOG=$T/xen/blkd-$ty.log
	expect_line "$p blk destroy: flushed before" "$LOG" '^blkcheck: blk0: wrote .*flushed'
	expect_line "$p blk xl destroy" "$LOG" '^hook: destroyed'
	post_sha "$p blk data durable after xl destroy" "$LOG" "$SJ/want21.img"

	local s=31 d=$SJ/hostw-$ty
	[ "$ty" = pvh ] && s=35
	expect_job "$p host disk: blkcheck write exits 0" "hostw-$ty" 0
	expect_line "$p host disk: written and flushed" "$LOG" \
	    "^blkcheck: blk0: wrote 4194304 bytes, seed $s, .*flushed"
	# blkback offers flush-cache only over a device with a flushable
	# write cache: dom0's virtio-blk on QEMU's cache=writeback file
	expect_line "$p host disk: flushes reach the host file" "$LOG" \
	    '^blkfront: xvda \(blk0\): .*, flush-cache,'
	check "$p host disk: Xen-written file verified on the host" \
	    "$SJ/pattern" verify $s "$d/h0.img"
	"$(t_launcher)" run tcg "$B/img/blkcheck.img" --disk "$d/h0.img" \
	    -- verify $s > "$d/qemu.log" 2>&1
	check "$p host disk: Xen-written file verified under QEMU" \
	    grep -q "^blkcheck: blk0: verified 4194304 bytes, seed $s" "$d/qemu.log"
	expect_job "$p host disks: host- and QEMU-written files verified" "hostv-$ty" 0
	expect_line "$p host disks: host-written" "$LOG" \
	    "^blkcheck: blk0: verified 4194304 bytes, seed $((s + 2))"
	expect_line "$p host disks: QEMU-written" "$LOG" \
	    "^blkcheck: blk1: verified 4194304 bytes, seed $((s + 3))"

	LOG=$T/xen/recon-$ty.log
	expect_job "$p blk reconnect: checks pass" "recon-$ty" 0
	expect_line "$p blk backend closed" "$LOG" '^blkfront: xvda: backend Closing, disconnecting'
	expect_line "$p blk reconnected" "$LOG" '^blkfront: xvda: reconnected'
	expect_line "$p blk data across reconnect" "$LOG" '^xencheck: ok reconnect-read'
	expect_line "$p blk I/O after reconnect" "$LOG" '^xencheck: ok reconnect-verify'

	expect_job "$p pingd exits 0" "ping-$ty" 0
	expect_line "$p 250 pings from dom0, 0 lost" "$LOG" '^hook: sent 250 received 250 lost 0 corrupt 0'
	expect_line "$p second vif" "$LOG" '^netfront: net1: 00:16:3e:54:00:11'
	expect_job "$p netecho (lwIP on netfront) exits 0" "echo-$ty" 0
	expect_line "$p netecho: address" "$LOG" '^tandem: net: virt0 inet 192\.0\.2\.2/24'
	expect_line "$p netecho: 20 pings from dom0" "$LOG" '^hook: sent 20 received 20 lost 0'
	expect_line "$p netecho: 2 MB TCP echo from dom0" "$LOG" '^hook: tcpecho: 2000000 bytes echoed intact'
	expect_job "$p l2echo exits 0" "l2-$ty" 0
	expect_line "$p frames 60..1514 echoed intact" "$LOG" '^hook: l2echo: 1455 frames 60..1514, 0 bad'
	expect_job "$p sg echo exits 0" "sg-$ty" 0
	expect_line "$p tx scatter-gather offered" "$LOG" '^netfront: net0: .*, tx sg,'
	expect_line "$p frames sent in 3 pieces arrive intact" "$LOG" '^hook: l2echo: 1455 frames 60..1514, 0 bad'
	expect_no_line "$p no device disabled" <(cat "$T"/xen/*-"$ty".log) 'device disabled'
}
