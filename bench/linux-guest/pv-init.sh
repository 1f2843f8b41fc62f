#!/bin/sh
# /init of the Linux Xen PV domU initramfs (bench/linux-guest/build-pv.sh,
# bench/xen-apps.sh): brings the domU to the state a Tandem appliance
# boots into on Xen -- netfront up with ip=A/P, the blkfront disk (when
# there is one) mounted on /data -- then runs the app (/etc/tdapp) in the
# foreground with the kernel command line's words after "--" as its
# arguments (as Tandem hands an image its app args).
# Markers: TDBENCH_APP_START, TDBENCH_FAIL what, "tandem: exit N" after
# the app, then poweroff (the domain goes away, like an image's).
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
IP=192.0.2.2/24
read -r CL < /proc/cmdline
for w in $CL; do
	case $w in
	--) break ;;
	ip=*) IP=${w#ip=} ;;
	esac
done
for m in $(cat /lib/modules/ORDER); do
	insmod "/lib/modules/$m" || echo "TDBENCH_FAIL insmod $m"
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo 1 > /proc/sys/net/ipv6/conf/eth0/disable_ipv6 2>/dev/null
ip link set lo up
ip addr add "$IP" dev eth0 && ip link set eth0 up || echo "TDBENCH_FAIL ip config"
# the same listen backlog a Tandem app gets (lwIP takes the app's value)
sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096 vm.overcommit_memory=1
# blkfront shows up a moment after netfront when the domain has a vbd
if grep -q xvda /proc/partitions 2>/dev/null || [ -d /sys/bus/xen/devices/vbd-51712 ]; then
	i=0
	while [ ! -b /dev/xvda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
fi
if [ -b /dev/xvda ]; then
	mount -t ext4 /dev/xvda /data || echo "TDBENCH_FAIL mount /data"
fi
ulimit -n 16384
APP=$(cat /etc/tdapp)
echo "TDBENCH_APP_START $APP $*"
"$APP" "$@"
rc=$?
umount /data 2>/dev/null
echo "tandem: exit $rc"
poweroff -f
