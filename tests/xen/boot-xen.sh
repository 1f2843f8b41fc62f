#!/bin/bash
# boot-xen.sh XENDIR JOBDIR [STREAM]
#
# Boots Debian's Xen 4.17 + the dom0 of build-dom0.sh inside QEMU TCG and
# lets dom0-init.sh run the prepared jobs, one after the other, in that
# one boot.  This is the machine half of `tandem xen-batch` / `tandem run
# xen` (the launcher writes the jobs and interprets the results).
#
# JOBDIR/guest/ is the tree dom0 sees as /guest (see dom0-init.sh):
#   jobs            job numbers in order
#   env             optional dom0 settings (BRIDGE_IP=...)
#   N/guest.cfg     xl config of job N, N/env (GUEST_TIMEOUT=S), ...
# JOBDIR/qemu-timeout  seconds for the whole QEMU run
# JOBDIR/guest-mem     MiB of the largest guest
# JOBDIR/disks         optional: host files, one a line; the K-th (from 0)
#                      becomes a virtio-blk disk of dom0 with serial tdK
#                      (cache=writeback: a guest flush reaching dom0's
#                      disk ends in fdatasync of the file)
# JOBDIR/extra-cpio   optional: more cpio archives for dom0's initramfs,
#                      one a line (XENDIR/libvirt.cpio for libvirt jobs)
# JOBDIR/hostfwd       optional: "HOSTPORT:GUESTPORT" lines (`tandem run
#                      xen -p`): dom0 gets a virtio-net NIC on QEMU's user
#                      network forwarding 127.0.0.1:HOSTPORT to
#                      10.0.2.15:GUESTPORT (dom0-init.sh's UPLINK bridges
#                      it to the guests)
#
# Results in JOBDIR:
#   serial.log      everything QEMU's COM1 printed (CRs stripped)
#   N.console       job N's guest console
#   N.xen           Xen's own messages "(XEN) ..." while job N ran
#   N.end           "rc=R reason=W t=S" from dom0 (missing: no result)
#   timing          "ready=S done=S total=S" (host seconds since start)
# With STREAM=N, job N's console is also copied to stdout as it arrives.
# Exit status: 0 dom0 reached the end of the job list, 125 otherwise.
# Diagnostics go to stderr, prefixed "tandem: ".
#
# The outer CPU is qemu64,+svm,+npt: Debian's Xen has no shadow paging, so
# PVH guests need TCG's emulated nested paging; PV works on it as well.
# +rdrand: Xen passes RDRAND on to its guests, and a guest needs a real
# entropy source for rumpuser_getrandom (qemu64 alone has none).
set -uo pipefail

[ $# -ge 2 ] || { echo "usage: $0 XENDIR JOBDIR [STREAM]" >&2; exit 2; }
xdir=$1
jd=$2
stream=${3:-}
say() { echo "tandem: $*" >&2; }

for f in xen-4.17-amd64 vmlinuz dom0.cpio; do
	[ -r "$xdir/$f" ] || { say "missing $xdir/$f (run tests/xen/build-dom0.sh)"; exit 125; }
done

# dom0's initramfs = the prebuilt one + a per-run overlay with /guest.
(cd "$jd" && find guest | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) \
    > "$jd/overlay.cpio" || { say "cannot build overlay cpio"; exit 125; }
extra=()
while IFS= read -r f; do
	[ -n "$f" ] || continue
	[ -r "$f" ] || { say "missing $f (extra-cpio)"; exit 125; }
	extra+=("$f")
done < <(cat "$jd/extra-cpio" 2>/dev/null)
cat "$xdir/dom0.cpio" "${extra[@]}" "$jd/overlay.cpio" > "$jd/initrd.cpio"
rm -f "$jd/overlay.cpio"

# dom0 keeps its initramfs in RAM (twice while unpacking).
initmb=$(( $(stat -c %s "$jd/initrd.cpio") / 1048576 ))
dom0mem=${TANDEM_DOM0_MEM:-$(( 384 + 2 * initmb ))}
gmem=$(cat "$jd/guest-mem" 2>/dev/null || echo 128)
qmem=$(( dom0mem + gmem + 128 ))
qtimeout=$(cat "$jd/qemu-timeout" 2>/dev/null || echo 600)

xenargs="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"
xenargs+=" dom0_mem=${dom0mem}M,max:${dom0mem}M dom0_max_vcpus=1"
xenargs+=" sched=credit2 ${TANDEM_XEN_ARGS:-}"
dom0args="console=hvc0 earlyprintk=xen loglevel=3 rdinit=/init ${TANDEM_DOM0_ARGS:-}"
# QEMU's -initrd takes "file cmdline,file": a comma inside a module's
# command line is written ",,".
qemu=(${TANDEM_QEMU:-qemu-system-x86_64} -machine pc
	-accel tcg,thread=multi -cpu qemu64,+svm,+npt,+rdrand
	-smp "${TANDEM_XEN_SMP:-2}" -m "$qmem"
	-display none -vga none -nodefaults -nic none -no-reboot -monitor none
	-serial stdio
	-kernel "$xdir/xen-4.17-amd64" -append "$xenargs"
	-initrd "$xdir/vmlinuz ${dom0args//,/,,},$jd/initrd.cpio")
k=0
while IFS= read -r f; do
	[ -n "$f" ] || continue
	qemu+=(-drive "file=$f,if=none,id=hd$k,format=raw,cache=writeback"
	    -device "virtio-blk-pci,drive=hd$k,serial=td$k")
	k=$((k + 1))
done < <(cat "$jd/disks" 2>/dev/null)
fwd=
while IFS= read -r f; do
	[[ $f =~ ^[0-9]+:[0-9]+$ ]] || continue
	fwd+=",hostfwd=tcp:127.0.0.1:${f%%:*}-10.0.2.15:${f#*:}"
done < <(cat "$jd/hostfwd" 2>/dev/null)
[ -n "$fwd" ] && qemu+=(-netdev "user,id=up$fwd"
    -device "virtio-net-pci,netdev=up,mac=52:54:00:12:34:60")
printf '%q ' "${qemu[@]}" > "$jd/qemu.cmd"

t0=$(date +%s.%N)
el() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
rm -f "$jd"/*.console "$jd"/*.xen "$jd"/*.end "$jd/timing" "$jd/done"
: > "$jd/serial.log"

# QEMU writes COM1 to our pipe; the loop below splits it into jobs while
# it runs, so the streamed job shows up live.
coproc QEMU { exec timeout -k 5 "$qtimeout" "${qemu[@]}" </dev/null 2>"$jd/qemu.err"; }
qpid=$QEMU_PID
trap 'kill "$qpid" 2>/dev/null' EXIT INT TERM
exec {qin}<&"${QEMU[0]}"

job=
ready=
done_t=
killer=
while IFS= read -r line <&$qin || [ -n "$line" ]; do
	line=${line//$'\r'/}
	printf '%s\n' "$line" >> "$jd/serial.log"
	case $line in
	*@@DOM0-READY@@*)
		ready=$(el)
		say "xen: dom0 ready after ${ready}s" ;;
	*@@JOB-BEGIN\ *@@*)
		job=${line#*@@JOB-BEGIN }
		job=${job%%@@*}
		: > "$jd/$job.console"
		: > "$jd/$job.xen" ;;
	*@@JOB-END\ *@@*)
		e=${line#*@@JOB-END }
		e=${e%%@@*}
		echo "${e#* }" > "$jd/${e%% *}.end"
		job= ;;
	*@@BATCH-DONE@@*)
		done_t=$(el)
		# dom0 powers off right away; stop QEMU if it lingers.  Short
		# sleeps and no stdout: nothing of ours may outlive QEMU and
		# hold the caller's pipe open.
		( for ((i = 0; i < 75; i++)); do
			kill -0 "$qpid" 2>/dev/null || exit 0
			sleep 0.2
		  done
		  kill "$qpid" ) >/dev/null 2>&1 &
		killer=$! ;;
	@@dom0\ *)
		# Failures always, the rest when asked.
		case $line in
		*failed*|*FAILED*|*" xl: "*) echo "tandem: ${line#@@}" >&2 ;;
		*) [ -n "${TANDEM_VERBOSE:-}" ] && echo "tandem: ${line#@@}" >&2 ;;
		esac ;;
	"(XEN) "*)
		[ -n "$job" ] && printf '%s\n' "$line" >> "$jd/$job.xen" ;;
	*)
		if [ -n "$job" ]; then
			printf '%s\n' "$line" >> "$jd/$job.console"
			[ "$job" = "$stream" ] && printf '%s\n' "$line"
		fi ;;
	esac
done
wait "$qpid" 2>/dev/null
qrc=$?
trap - EXIT INT TERM
[ -n "$killer" ] && kill "$killer" 2>/dev/null
echo "ready=${ready:-none} done=${done_t:-none} total=$(el)" > "$jd/timing"
[ -n "$done_t" ] && exit 0
if [ "$qrc" = 124 ]; then
	say "xen: QEMU killed after ${qtimeout}s (whole batch timeout)"
else
	say "xen: QEMU exited ($qrc) before dom0 finished the jobs"
fi
grep -v "host doesn't support requested feature" "$jd/qemu.err" |
    head -20 | sed 's/^/tandem: qemu: /' >&2
say "last lines of $jd/serial.log:"
tail -25 "$jd/serial.log" | sed 's/^/tandem: | /' >&2
exit 125
