#!/bin/bash
# build-dom0.sh OUTDIR -- build what it takes to boot Xen 4.17 with a Linux
# dom0 inside QEMU, from Debian 12 packages only (fetched with apt-get
# download, never installed on the host).
#
# Outputs in OUTDIR:
#   xen-4.17-amd64	the hypervisor, gunzipped (QEMU's multiboot loader
#			wants the ELF32, not the .gz)
#   vmlinuz		Debian's Linux kernel, booted as dom0
#   dom0.cpio		uncompressed dom0 initramfs: busybox, bash, xl,
#			xenstored, xenconsoled, hotplug scripts, modules;
#			/init is tests/xen/dom0-init.sh
#   kernel-version.txt, package-versions.txt
#   debs/		download cache (kept across rebuilds)
#
# Idempotent: OUTDIR/.stamp holds the hash of this script and of
# dom0-init.sh; when it matches and the outputs exist we exit at once, so
# callers may run us before every Xen boot.  KVER=6.1.0-NN-amd64 pins the
# dom0 kernel (default: what linux-image-amd64 depends on).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
xenver=4.17
products=(xen-$xenver-amd64 vmlinuz dom0.cpio)

stamp=$(cat "$here/build-dom0.sh" "$here/dom0-init.sh" | sha256sum | cut -d' ' -f1)
uptodate() {
	local f
	[ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ] || return 1
	for f in "${products[@]}"; do [ -s "$out/$f" ] || return 1; done
}
uptodate && exit 0

# Two test runs may want the dom0 at the same time: build it once.
exec 9>"$out/.lock"
flock 9
uptodate && exit 0

log() { echo "build-dom0: $*" >&2; }
need() {
	command -v "$1" >/dev/null 2>&1 ||
	    { log "missing host tool $1 (run tools/deps.sh install)"; exit 1; }
}
for t in apt-get apt-cache dpkg-deb cpio depmod modprobe ldd ldconfig \
    gzip xz flock losetup bash; do
	need "$t"
done

debs=$out/debs
stage=$out/stage
root=$out/dom0root
mkdir -p "$debs"

pkgs=(xen-hypervisor-$xenver-amd64 xen-utils-$xenver xen-utils-common
	xenstore-utils libxencall1 libxenevtchn1 libxenforeignmemory1
	libxengnttab1 libxenmisc$xenver libxenstore4 libxentoollog1
	libxenhypfs1 libxendevicemodel1 libxentoolcore1 libyajl2
	busybox-static)

# ---- which dom0 kernel ------------------------------------------------
kver() {
	apt-cache depends linux-image-amd64 2>/dev/null |
	    awk '/Depends: linux-image-[0-9]/ { sub("linux-image-", "", $2);
		print $2; exit }'
}
KVER=${KVER:-$(kver)}
if [ -z "$KVER" ]; then
	# A fresh machine may have no package lists yet.
	apt-get update -qq
	KVER=$(kver)
fi
[ -n "$KVER" ] || { log "cannot resolve linux-image-amd64"; exit 1; }
pkgs+=("linux-image-$KVER")
log "dom0 kernel $KVER"

# ---- download (cache) ---------------------------------------------------
debof() { ls "$debs/${1}_"*.deb 2>/dev/null | sort -V | tail -1; }
missing=()
for p in "${pkgs[@]}"; do
	[ -n "$(debof "$p")" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "downloading ${missing[*]}"
	# apt-get download as root warns that it cannot drop privileges to
	# _apt for a directory it does not own; harmless.
	if ! (cd "$debs" && apt-get download -q "${missing[@]}" 2>&1 |
	    grep -v -e unsandboxed -e '^Get:' >&2); then :; fi
	for p in "${missing[@]}"; do
		[ -n "$(debof "$p")" ] && continue
		apt-get update -qq
		(cd "$debs" && apt-get download -q "$p")
		[ -n "$(debof "$p")" ] || { log "cannot download $p"; exit 1; }
	done
fi

# ---- unpack -------------------------------------------------------------
rm -rf "$stage"
mkdir -p "$stage"
: > "$out/package-versions.txt"
for p in "${pkgs[@]}"; do
	f=$(debof "$p")
	dpkg-deb -x "$f" "$stage"
	dpkg-deb -W --showformat='${Package} ${Version}\n' "$f" \
	    >> "$out/package-versions.txt"
done
# Debian ships no modules.dep inside the .deb (postinst makes it).
depmod -b "$stage" "$KVER"
xenbin=$stage/usr/lib/xen-$xenver/bin
xenlib=$stage/usr/lib/x86_64-linux-gnu

# copy_elf SRC DST: SRC and its shared-library closure into the dom0 root.
# Libraries come from the unpacked Xen packages first, else from the host
# (also Debian 12, so glibc matches what the Xen tools were built for).
copy_elf() {
	local src=$1 dst=$2 lib d
	mkdir -p "$root$(dirname "$dst")"
	rm -f "$root$dst"
	cp -L "$src" "$root$dst"
	if LD_LIBRARY_PATH=$xenlib ldd "$src" 2>&1 | grep -q 'not found'; then
		log "unresolved libraries for $src:"
		LD_LIBRARY_PATH=$xenlib ldd "$src" | grep 'not found' >&2
		exit 1
	fi
	LD_LIBRARY_PATH=$xenlib ldd "$src" 2>/dev/null |
	    awk '/=> \// { print $3 } /^[ \t]*\/.*ld-linux/ { print $1 }' |
	    while read -r lib; do
		d=/usr/lib/x86_64-linux-gnu
		case $lib in */ld-linux-x86-64.so.2) d=/usr/lib64 ;; esac
		[ -e "$root$d/${lib##*/}" ] && continue
		mkdir -p "$root$d"
		cp -L "$lib" "$root$d/${lib##*/}"
	done
}

# add_modules MOD...: the modules and their dependencies, flattened into
# /lib/modules, load order in /etc/modules.order (dom0 /init insmods them:
# no modprobe or modules.dep needed at run time).
add_modules() {
	local m ko flat
	mkdir -p "$root/usr/lib/modules"
	: > "$root/etc/modules.order"
	for m in "$@"; do
		modprobe -d "$stage" -S "$KVER" --show-depends "$m" |
		    awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r ko; do
		flat=${ko##*/}
		case $ko in
		*.ko.xz)  flat=${flat%.xz}; xz -dc "$ko" > "$root/usr/lib/modules/$flat" ;;
		*.ko.zst) flat=${flat%.zst}; zstd -qdc "$ko" > "$root/usr/lib/modules/$flat" ;;
		*)        cp "$ko" "$root/usr/lib/modules/$flat" ;;
		esac
		echo "$flat" >> "$root/etc/modules.order"
	done
}

# ---- dom0 root ----------------------------------------------------------
log "building dom0 root"
rm -rf "$root"
mkdir -p "$root"
(cd "$root" && mkdir -p usr/bin usr/sbin usr/lib/x86_64-linux-gnu usr/lib64 \
    etc proc sys dev run tmp root var/lib/xen var/lib/xenstored \
    var/log/xen/console mnt guest &&
    ln -s usr/bin bin && ln -s usr/sbin sbin && ln -s usr/lib lib &&
    ln -s usr/lib64 lib64 && ln -s ../run var/run && ln -s ../run/lock var/lock)
cp "$stage/bin/busybox" "$root/usr/bin/busybox"
for a in $("$stage/bin/busybox" --list-full); do
	case $a in sbin/*|usr/sbin/*) d=usr/sbin ;; *) d=usr/bin ;; esac
	# The list names busybox itself, and some applets twice.
	[ -e "$root/$d/${a##*/}" ] || ln -s /usr/bin/busybox "$root/$d/${a##*/}"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

# xenctx: `tandem run xen --debug` dumps a hung guest's vCPUs with it
for b in xl xenstored xenconsoled xenconsole libxl-save-helper xen-init-dom0 \
    xenstore-control xenctx; do
	[ -e "$xenbin/$b" ] && copy_elf "$xenbin/$b" "/usr/lib/xen-$xenver/bin/$b"
done
for b in xl xenstored xenconsoled xenconsole xen-init-dom0; do
	rm -f "$root/usr/sbin/$b"
	ln -s "/usr/lib/xen-$xenver/bin/$b" "$root/usr/sbin/$b"
done
# xenstore-utils is one binary 'xenstore' behind symlinks.
copy_elf "$stage/usr/bin/xenstore" /usr/bin/xenstore
for l in "$stage"/usr/bin/xenstore-*; do
	n=${l##*/}
	[ "$n" = xenstore-control ] && continue
	if [ -L "$l" ]; then
		rm -f "$root/usr/bin/$n"
		ln -s xenstore "$root/usr/bin/$n"
	else
		copy_elf "$l" "/usr/bin/$n"
	fi
done
# The hotplug scripts (vif-bridge, block) are bash; they take locks with
# util-linux flock and parse util-linux 'losetup -a': busybox has neither.
copy_elf /bin/bash /usr/bin/bash
copy_elf /usr/bin/flock /usr/bin/flock
copy_elf /sbin/losetup /usr/sbin/losetup
# glibc dlopen()s libgcc_s for pthread_cancel; ldd does not list it and xl
# aborts without it.
cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 "$root/usr/lib/x86_64-linux-gnu/"
mkdir -p "$root/etc/xen"
cp -a "$stage/etc/xen/scripts" "$stage/etc/xen/xl.conf" "$root/etc/xen/"
# netback + bridge for guest NICs on xenbr0, blkback + loop for guest disks,
# virtio-blk for host files passed through to guests (phy: vbds),
# virtio-net for the uplink of `tandem run xen -p` (dom0-init.sh UPLINK).
add_modules xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs \
    xen-netback xen-blkback bridge loop virtio_pci virtio_blk virtio_net
install -m 755 "$here/dom0-init.sh" "$root/init"
ldconfig -r "$root" 2>/dev/null || true

# Uncompressed on purpose: decompressing under TCG costs seconds per boot.
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0) > "$out/dom0.cpio.tmp"
gzip -dc "$stage/boot/xen-$xenver-amd64.gz" > "$out/xen-$xenver-amd64.tmp"
cp "$stage/boot/vmlinuz-$KVER" "$out/vmlinuz.tmp"
for f in "${products[@]}"; do mv "$out/$f.tmp" "$out/$f"; done
echo "$KVER" > "$out/kernel-version.txt"
rm -rf "$stage" "$root"
echo "$stamp" > "$out/.stamp"
log "done: $out ($(du -sh "$out/dom0.cpio" | cut -f1) dom0.cpio)"
