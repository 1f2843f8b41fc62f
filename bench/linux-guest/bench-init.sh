#!/bin/sh
# /bench.sh of the Linux baseline initramfs (bench/linux-guest/build.sh):
# /init execs it with the kernel command line as arguments when that holds
# tdbench=blk, tdbench=net or tdbench=echo.  Markers (one line each, parsed by
# bench/blk.sh and bench/net.sh):
#   TDBENCH_MODULES ms=N                    insmod of /lib/modules/ORDER done
#   TDBENCH_RESULT op=write|read bytes=N ns=N rc=N    (blk)
#   TDBENCH_NET_READY ip=A/P                (net: eth0 up, host may ping)
#   TDBENCH_RESULT op=ping replies=N        (net: OutEchoReps growth)
#   TDBENCH_FAIL what                       a step failed
#   tandem: exit N                          N = failed steps (then
#                                           isa-debug-exit, like Tandem)
# Timings use CLOCK_MONOTONIC (/bin/mono, ns).  Every wait is bounded.
export PATH=/bin
MODE='' IP=192.0.2.2/24 COUNT=0 WAIT=300 DEV=vda BS=65536
for w in "$@"; do
	case $w in
	tdbench=*) MODE=${w#*=} ;;
	ip=*) IP=${w#ip=} ;;
	count=*) COUNT=${w#count=} ;;
	tdwait=*) WAIT=${w#tdwait=} ;;
	tdbs=*) BS=${w#tdbs=} ;;
	tdbench_srv=*) SRV=${w#*=} ;;
	esac
done
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
FAILS=0
bad() { echo "TDBENCH_FAIL $*"; FAILS=$((FAILS + 1)); }
finish() {
	echo "tandem: exit $1"
	sleep 0.2	# let the UART drain: QEMU exits at the port write
	# isa-debug-exit at 0xf4: QEMU exits with (N << 1) | 1, as for an image
	printf "\\$(printf %o "$1")" | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
	poweroff -f
	sleep 5
	exit "$1"
}
# wait_for TEST-ARGS... : up to 10 s
wait_for() {
	i=0
	while ! test "$@" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	test "$@"
}

t=$(mono)
for m in $(cat /lib/modules/ORDER); do
	insmod "/lib/modules/$m" || bad "insmod $m"
done
echo "TDBENCH_MODULES ms=$((($(mono) - t) / 1000000))"

case $MODE in
blk)
	wait_for -b /dev/$DEV || { bad "no /dev/$DEV"; finish "$FAILS"; }
	n=$(($(cat /sys/block/$DEV/size) * 512 / BS))
	[ "$n" -gt 0 ] || { bad "/dev/$DEV smaller than $BS bytes"; finish "$FAILS"; }
	t0=$(mono)
	dd if=/dev/zero of=/dev/$DEV bs=$BS count=$n oflag=direct conv=fsync 2>/tmp/dd.err
	rc=$?
	t1=$(mono)
	echo "TDBENCH_RESULT op=write bytes=$((n * BS)) ns=$((t1 - t0)) rc=$rc"
	[ $rc = 0 ] || { bad "dd write"; cat /tmp/dd.err; }
	t0=$(mono)
	dd if=/dev/$DEV of=/dev/null bs=$BS count=$n iflag=direct 2>/tmp/dd.err
	rc=$?
	t1=$(mono)
	echo "TDBENCH_RESULT op=read bytes=$((n * BS)) ns=$((t1 - t0)) rc=$rc"
	[ $rc = 0 ] || { bad "dd read"; cat /tmp/dd.err; }
	;;
net)
	wait_for -e /sys/class/net/eth0 || { bad "no eth0"; finish "$FAILS"; }
	# no IPv6 chatter (router solicitations, MLD): pingd sends none either
	echo 1 > /proc/sys/net/ipv6/conf/eth0/disable_ipv6 2>/dev/null
	ip link set lo up
	ip addr add "$IP" dev eth0 && ip link set eth0 up || { bad "ip config"; finish "$FAILS"; }
	echoreps() {
		awk '$1 == "Icmp:" { if (!h) { for (i = 2; i <= NF; i++) if ($i == "OutEchoReps") c = i; h = 1 }
			else { print $c + 0; exit } }' /proc/net/snmp
	}
	base=$(echoreps)
	echo "TDBENCH_NET_READY ip=$IP"
	end=$(($(mono) + WAIT * 1000000000))
	got=0
	while :; do
		got=$(($(echoreps) - base))
		[ "$got" -ge "$COUNT" ] && break
		[ "$(mono)" -gt "$end" ] && { bad "only $got of $COUNT echo replies in ${WAIT}s"; break; }
		sleep 1
	done
	echo "TDBENCH_RESULT op=ping replies=$got"
	;;
echo)
	# the TCP services of apps/netecho (bench/netstack.sh drives them)
	wait_for -e /sys/class/net/eth0 || { bad "no eth0"; finish "$FAILS"; }
	echo 1 > /proc/sys/net/ipv6/conf/eth0/disable_ipv6 2>/dev/null
	ip link set lo up
	ip addr add "$IP" dev eth0 && ip link set eth0 up || { bad "ip config"; finish "$FAILS"; }
	echo "TDBENCH_NET_READY ip=$IP"
	ulimit -n 8192 2>/dev/null
	# tdbench_srv=echosrv: the older bench/linux-guest/echosrv.c
	if [ "${SRV:-epecho}" = epecho ] && [ -x /bin/epecho ]; then
		/bin/epecho -w 0 || bad "epecho"
	else
		/bin/echosrv || bad "echosrv"
	fi
	;;
*)
	bad "unknown tdbench=$MODE"
	;;
esac
finish "$FAILS"
