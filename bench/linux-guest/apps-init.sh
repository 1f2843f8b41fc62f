#!/bin/sh
# /init of the app initramfs (bench/linux-guest/build-apps.sh): brings the
# Linux guest to the state a Tandem appliance boots into, then runs the
# app (/etc/tdapp names it) in the foreground with the kernel command
# line's words after "--" as its arguments (the kernel hands them to
# /init as "$@", as Tandem hands an image its app args).
#   ip=A/P      eth0's address (default 192.0.2.2/24)
# Markers: TDBENCH_APP_START (the app is being exec'd), TDBENCH_FAIL what,
# "tandem: exit N" (the app's status) then isa-debug-exit, like an image.
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
if [ -b /dev/vda ]; then
	mount -t ext4 /dev/vda /data || echo "TDBENCH_FAIL mount /data"
fi
ulimit -n 16384
APP=$(cat /etc/tdapp)
echo "TDBENCH_APP_START $APP $*"
"$APP" "$@"
rc=$?
umount /data 2>/dev/null
echo "tandem: exit $rc"
sleep 0.2
printf "\\$(printf %o "$rc")" | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
poweroff -f
