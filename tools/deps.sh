#!/bin/bash
# deps.sh check|install -- the Debian 12 packages Tandem needs to build
# and test, and nothing else.
#   check    exit 0 iff all are installed; silent then, else names the
#            missing ones on stderr and exits 1
#   install  apt-get update once, then installs what is missing (quiet
#            when nothing is)
# The Xen-in-QEMU harness (tests/xen/) fetches its guest-side packages
# (Xen, the dom0 kernel...) itself with `apt-get download`; what is listed
# here is what runs on the host.
set -euo pipefail

pkgs=(
	# build
	gcc binutils make libc6-dev libxen-dev linux-libc-dev
	# libos: the reference build of the differential suite (musl-gcc),
	# Debian source packages (dpkg-source), the root archive (cpio)
	musl-tools dpkg-dev
	# QEMU tiers and disk images
	qemu-system-x86 qemu-utils e2fsprogs util-linux python3
	# Xen-in-QEMU harness: unpack .debs, build the dom0 initramfs
	# (depmod/modprobe for module closures, ldd for library closures,
	# busybox-static for reference, flock/losetup copied into dom0)
	cpio kmod busybox-static xz-utils zstd gzip dpkg apt libc-bin mount
	coreutils bash
	# appliance tests and demo (tests/apps, make demo): HTTP and redis
	# clients and load generators
	curl wrk redis-tools
	# bench/nginx.sh, bench/redis.sh: Debian's own nginx and redis-server
	# binaries (with their libraries) go into the Linux guest's initramfs
	nginx redis-server
	# network tests (tests/net): namespaces, ping, a DHCP server
	iproute2 iputils-ping dnsmasq-base netcat-openbsd
	# launcher: image checks (readelf, objcopy are binutils), port checks,
	# `tandem run libvirt` (C API) and its tests (a libvirtd they start),
	# `tandem run --gdb` tests
	procps libvirt-dev libvirt-clients libvirt-daemon-system
	libvirt-daemon-driver-qemu gdb
)

missing() {
	# One dpkg-query for all: "name ii" for installed ones.
	# (dpkg-query fails when it knows a name not at all: that is an answer.)
	{ dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${pkgs[@]}" \
	    2>/dev/null || true; } | awk -v want="${pkgs[*]}" '$2 == "ii" { ok[$1] = 1 }
	    END { n = split(want, w, " ")
		for (i = 1; i <= n; i++) if (!(w[i] in ok)) print w[i] }' 
}

case ${1:-} in
check)
	m=$(missing)
	[ -z "$m" ] && exit 0
	echo "deps: missing packages:" $m "(run tools/deps.sh install)" >&2
	exit 1
	;;
install)
	m=$(missing)
	[ -z "$m" ] && exit 0
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	echo "deps: installing" $m >&2
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $m >/dev/null
	m=$(missing)
	[ -z "$m" ] || { echo "deps: still missing:" $m >&2; exit 1; }
	;;
*)
	echo "usage: $0 check|install" >&2
	exit 2
	;;
esac
