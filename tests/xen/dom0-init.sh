#!/bin/sh
# dom0 /init for the Xen-in-QEMU harness (busybox sh).
#
# Brings up the Xen toolstack, then runs the jobs the host put into the
# overlay cpio one after the other -- one Xen boot costs ~20 s under TCG,
# a job only a few -- and powers off.  Everything goes to dom0's console
# (hvc0 -> Xen -> COM1), which the host parses:
#
#   @@dom0 T: text                 diagnostics (T = dom0 uptime)
#   @@DOM0-READY@@                 toolstack up
#   @@JOB-BEGIN n@@                then job n's guest console, verbatim
#   @@JOB-END n rc=R reason=W t=S@@
#   @@BATCH-DONE@@                 all jobs ran
#
# R: 0 the domain went away by itself, 124 timeout (destroyed), 6 xl
# create failed.  W: Xen's shutdown reason (poweroff, reboot, suspend,
# crash, watchdog, soft_reset) or "none".  The app's own exit status is in
# the guest console ("tandem: exit N"); the host reads it from there.
#
# Host files given to the outer QEMU are dom0's virtio disks with serial
# tdK; "@HD:K@" in a guest.cfg becomes that device (/dev/vdX), so the
# guest's vbd is the host file itself (blkback phy, flushes pass).
#
# Job n lives in /guest/n/: guest.cfg (xl config), env (GUEST_TIMEOUT=S)
# and optionally shutdown-after (a line of text: once the guest console
# contains it, dom0 runs `xl shutdown` on the guest).  /guest/jobs lists
# the job numbers in order.  Tests may add (as file= of the job):
#   hook.sh   run in the background once the domain exists, with NAME,
#             DOMID, CLOG (the growing guest console log) and JOB (the
#             directory); what it prints follows the console as "hook: "
#             lines (it gets 5 s after the domain is gone, then stops)
#   post.sh   run after the domain is gone (say, to checksum a disk);
#             its output follows as "post: " lines
#   domain.xml  a libvirt domain (`tandem config --libvirt --xen`):
#             created with `virsh -c xen:///system create` instead of
#             `xl create guest.cfg` (whose name= it has); libvirtd (from
#             libvirt.cpio, which boot-xen.sh adds only to a batch with
#             such a job) is started for the first of them
export PATH=/usr/lib/xen-4.17/bin:/usr/sbin:/usr/bin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
# devtmpfs has no /dev/fd or /dev/std*: the hotplug scripts' locking.sh
# stats /dev/stdin and loops forever without them.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/xen /run/xenstored /run/lock /var/log/xen/console
exec </dev/console >/dev/console 2>&1

# Centiseconds of uptime without a fork: the loops below poll often and a
# fork costs milliseconds under TCG.
now() { read -r u _ < /proc/uptime; now=${u%.*}${u#*.}; }
el() { now; e=$((now - t0)); echo "$((e / 100)).$((e / 10 % 10))"; }
secs() { now; echo "$((now / 100)).$((now / 10 % 10))"; }
log() { echo "@@dom0 $(secs): $*"; }
# dumplogs [NAME...]: the given logs of /var/log/xen (default: all).
dumplogs() {
	[ $# -gt 0 ] || set -- $(cd /var/log/xen && ls *.log 2>/dev/null)
	for f; do
		f=/var/log/xen/$f
		[ -s "$f" ] || continue
		echo "@@dom0 ---- $f:"
		sed 's/^/@@dom0 | /' "$f"
	done
}
die() {
	log "$1"
	dumplogs
	echo "@@BATCH-DONE@@"
	sync
	poweroff -f
	sleep 30
}

log "init started"
while read -r m; do
	insmod "/lib/modules/$m" 2>/dev/null || log "insmod $m failed"
done < /etc/modules.order
mount -t xenfs xenfs /proc/xen || log "mount xenfs failed"
grep -q control_d /proc/xen/capabilities 2>/dev/null ||
    die "not running as Xen dom0"

export XENSTORED_ROOTDIR=/run/xenstored
xenstored --pid-file /run/xenstored.pid || die "xenstored failed"
i=0
while ! xenstore-read -s / >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && die "xenstored not answering"
	sleep 0.1
done
xen-init-dom0 >/dev/null 2>&1 || log "xen-init-dom0 failed"
xenconsoled --pid-file /run/xenconsoled.pid --log=guest \
    --log-dir=/var/log/xen/console || die "xenconsoled failed"

# Guest NICs attach to xenbr0 (vif-bridge's default); dom0 gets an address
# on it only when a job asks (BRIDGE_IP in /guest/env).
brctl addbr xenbr0 && brctl setfd xenbr0 0
BRIDGE_IP=
[ -r /guest/env ] && . /guest/env
[ -n "$BRIDGE_IP" ] && ip addr add "$BRIDGE_IP" dev xenbr0
ip link set lo up
ip link set xenbr0 up
# UPLINK=1 (`tandem run xen -p`): dom0's NIC on the outer QEMU's user
# network, whose host forwards go to 10.0.2.15, joins xenbr0 while a job
# with JOB_UPLINK=1 runs -- the guests on the bridge are then on that
# network: the outer QEMU's DHCP gives the first of them 10.0.2.15, and
# the forwarded ports reach it.  Other jobs' bridge sees none of its
# traffic.  No NAT in dom0: it has neither netfilter tools nor a DHCP
# server.
UPLINK=${UPLINK:-}
if [ -n "$UPLINK" ]; then
	up=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		for f in /sys/class/net/*/device; do
			[ -e "$f" ] || continue
			f=${f%/device}
			up=${f##*/}
			break
		done
		[ -n "$up" ] && break
		sleep 0.2
	done
	if [ -n "$up" ] && ip link set "$up" up; then
		echo "$up" > /run/uplink
		log "uplink $up (host forwards to 10.0.2.15) for JOB_UPLINK jobs"
	else
		log "uplink: no NIC from the outer QEMU; -p forwards fail"
	fi
fi

# @HD:K@ -> /dev/vdX by the serial QEMU gave each host disk
: > /run/hd.sed
for b in /sys/block/vd*; do
	[ -r "$b/serial" ] || continue
	read -r s < "$b/serial"
	case $s in td[0-9]*) echo "s|@HD:${s#td}@|/dev/${b##*/}|g" >> /run/hd.sed ;; esac
done
[ -s /run/hd.sed ] && log "host disks: $(tr '\n' ' ' < /run/hd.sed)"

log "$(xl info | sed -n 's/^\(xen_version\|virt_caps\|free_memory\|hw_caps\) *: */\1=/p' | tr '\n' ' ')"
echo "@@DOM0-READY@@"

# relay FILE: print what FILE gained since the last call (offset in $off).
relay() {
	sz=$(stat -c %s "$1" 2>/dev/null) || return 0
	[ "$sz" -gt "$off" ] || return 0
	tail -c +$((off + 1)) "$1" | head -c $((sz - off))
	off=$sz
}

reason_of() {
	code=$(sed -n 's/.*has shut down, reason code \([0-9]*\).*/\1/p' \
	    "/var/log/xen/xl-$1.log" 2>/dev/null | tail -1)
	case $code in
	0) echo poweroff ;; 1) echo reboot ;; 2) echo suspend ;;
	3) echo crash ;; 4) echo watchdog ;; 5) echo soft_reset ;;
	*) echo none ;;
	esac
}

# debug_dump JOBDIR NAME DOMID: xenctx of every vCPU of a hung guest.
debug_dump() {
	x=$(ls /usr/lib/xen-*/bin/xenctx 2>/dev/null | tail -1)
	[ -n "$x" ] || { echo "tandem: xenctx: not in this dom0"; return; }
	nv=$(xl vcpu-list "$2" 2>/dev/null | awk 'NR > 1' | wc -l)
	v=0
	while [ "$v" -lt "${nv:-1}" ]; do
		echo "tandem: xenctx: vCPU $v of $2 (domain $3):"
		"$x" -s "$1/debug.syms" -S -a "$3" "$v" 2>&1 | sed 's/^/tandem: xenctx: /'
		v=$((v + 1))
	done
}

# start_libvirtd: libvirtd with its libxl driver, once; 0 iff it answers.
lvstate=
start_libvirtd() {
	[ -n "$lvstate" ] && { [ "$lvstate" = up ]; return; }
	lvstate=down
	command -v libvirtd >/dev/null ||
	    { log "libvirtd: not in this dom0 (no libvirt.cpio)"; return 1; }
	now; lt=$now
	mkdir -p /run/libvirt /var/lib/libvirt/libxl /var/log/libvirt/libxl \
	    /etc/libvirt/libxl
	libvirtd -d || { log "libvirtd failed to start"; dumplv; return 1; }
	i=0
	while ! virsh -c xen:///system version > /run/virsh-version.log 2>&1; do
		i=$((i + 1))
		pidof libvirtd >/dev/null || i=999
		[ $i -gt 120 ] && { log "libvirtd: xen:///system not answering:"
			sed 's/^/@@dom0 virsh: /' /run/virsh-version.log; dumplv; return 1; }
		sleep 0.5
	done
	now
	log "libvirtd up in $(((now - lt) / 100)).$(((now - lt) / 10 % 10)) s: $(tr '\n' ' ' < /run/virsh-version.log)"
	lvstate=up
}
# dumplv [NAME]: libvirtd's log (its tail) and the libxl driver's log of NAME.
dumplv() {
	echo "@@dom0 ---- /var/log/libvirt/libvirtd.log:"
	tail -n 40 /var/log/libvirt/libvirtd.log 2>/dev/null | sed 's/^/@@dom0 | /'
	[ -n "${1:-}" ] && [ -r "/var/log/libvirt/libxl/$1.log" ] &&
	    tail -n 40 "/var/log/libvirt/libxl/$1.log" | sed 's/^/@@dom0 libxl | /'
	return 0
}

# create_dom N CFG: the domain of job N, by xl or (domain.xml) by virsh.
create_dom() {
	if [ -r "/guest/$1/domain.xml" ]; then
		start_libvirtd || return 1
		xml=/guest/$1/domain.xml
		if grep -q '@HD:' "$xml"; then
			xml=/run/guest-$1.xml
			sed -f /run/hd.sed "/guest/$1/domain.xml" > "$xml"
		fi
		virsh -c xen:///system create "$xml" > "/run/xl-create-$1.log" 2>&1 ||
		    { dumplv "$name" >> "/run/xl-create-$1.log"; return 1; }
		log "job $1: virsh: $(grep . "/run/xl-create-$1.log" | head -1)"
		return 0
	fi
	xl create "$2" > "/run/xl-create-$1.log" 2>&1
}

run_job() {
	n=$1
	d=/guest/$n
	GUEST_TIMEOUT=60
	JOB_UPLINK=
	[ -r "$d/env" ] && . "$d/env"
	uplink=
	if [ -n "$JOB_UPLINK" ] && [ -s /run/uplink ]; then
		read -r uplink < /run/uplink
		brctl addif xenbr0 "$uplink" || log "uplink: brctl addif $uplink failed"
	fi
	marker=
	[ -r "$d/shutdown-after" ] && read -r marker < "$d/shutdown-after"
	name=$(sed -n 's/^name *= *"\(.*\)".*/\1/p' "$d/guest.cfg" | head -1)
	clog=/var/log/xen/console/guest-$name.log
	: > "$clog"
	now; t0=$now
	echo "@@JOB-BEGIN $n@@"
	cfg=$d/guest.cfg
	if grep -q '@HD:' "$cfg"; then
		cfg=/run/guest-$n.cfg
		sed -f /run/hd.sed "$d/guest.cfg" > "$cfg"
		grep -q '@HD:' "$cfg" && log "job $n: a host disk is missing in dom0"
	fi
	if ! create_dom "$n" "$cfg"; then
		sed 's/^/@@dom0 xl: /' "/run/xl-create-$n.log"
		dumplogs "xl-$name.log" xen-hotplug.log
		echo "@@JOB-END $n rc=6 reason=none t=$(el)@@"
		return
	fi
	domid=$(xl domid "$name" 2>/dev/null)
	hookpid=
	if [ -r "$d/hook.sh" ]; then
		NAME=$name DOMID=$domid CLOG=$clog JOB=$d sh "$d/hook.sh" \
		    > "/run/hook-$n.log" 2>&1 &
		hookpid=$!
	fi
	off=0
	rc=0
	asked=0
	retried=0
	while xenstore-exists "/local/domain/$domid" 2>/dev/null; do
		relay "$clog"
		if [ -n "$marker" ] && [ $asked = 0 ] &&
		    grep -qF -- "$marker" "$clog"; then
			asked=1
			# In the background: xl shutdown can take a minute to
			# give up on a guest that ignores the request, and the
			# timeout below must still fire.
			log "xl shutdown $name"
			( xl shutdown "$name" > "/run/xl-shutdown-$n.log" 2>&1 ||
			    { log "xl shutdown $name failed:"
			      sed 's/^/@@dom0 xl: /' "/run/xl-shutdown-$n.log"; } ) &
		fi
		now
		if [ $((now - t0)) -ge $((GUEST_TIMEOUT * 100)) ]; then
			relay "$clog"
			xl vcpu-list "$name" 2>&1 | sed 's/^/@@dom0 vcpu: /'
			# --debug: every vCPU's registers and stack, with the
			# image's symbols, into the job's console
			[ -r "$d/debug.syms" ] && debug_dump "$d" "$name" "$domid"
			xl destroy "$name" 2>&1 | sed 's/^/@@dom0 xl: /'
			# A guest that printed nothing at all (every Tandem image
			# prints before its work starts) and has no hook with
			# side effects gets one more try: under nested TCG a
			# domain sometimes never gets going.  Said loudly, and
			# a second silence is a failure like any other.
			if [ ! -s "$clog" ] && [ -z "$hookpid" ] &&
			    [ ! -r "$d/post.sh" ] && [ "${retried:-0}" = 0 ]; then
				retried=1
				log "RETRY job $n ($name): no console output in ${GUEST_TIMEOUT}s"
				sleep 1
				if create_dom "$n" "$cfg"; then
					domid=$(xl domid "$name" 2>/dev/null)
					now; t0=$now
					continue
				fi
				sed 's/^/@@dom0 xl: /' "/run/xl-create-$n.log"
			fi
			rc=124
			break
		fi
		sleep 0.2
	done
	# xenconsoled drains the ring the guest waited on before it shut
	# down; give it a moment to reach the log.
	sleep 0.3
	relay "$clog"
	[ -s "$clog" ] && [ -n "$(tail -c 1 "$clog")" ] && echo
	if [ -n "$hookpid" ]; then
		# a hook may still be writing its report: 5 s, then it stops
		i=0
		while kill -0 "$hookpid" 2>/dev/null && [ $i -lt 25 ]; do
			sleep 0.2
			i=$((i + 1))
		done
		kill "$hookpid" 2>/dev/null
		sed 's/^/hook: /' "/run/hook-$n.log"
	fi
	[ -r "$d/post.sh" ] && NAME=$name DOMID=$domid JOB=$d sh "$d/post.sh" 2>&1 |
	    sed 's/^/post: /'
	[ -n "$uplink" ] && brctl delif xenbr0 "$uplink"
	echo "@@JOB-END $n rc=$rc reason=$(reason_of "$name") t=$(el)@@"
}

for n in $(cat /guest/jobs 2>/dev/null); do
	run_job "$n"
done
log "powering off"
echo "@@BATCH-DONE@@"
sync
poweroff -f
sleep 30
