#!/bin/bash
# build-libvirt.sh XENDIR -- libvirtd with its libxl (Xen) driver and virsh
# for the nested dom0 of build-dom0.sh, from Debian 12 packages (apt-get
# download, never installed on the host).
#
# Output: XENDIR/libvirt.cpio, an uncompressed cpio of only what dom0.cpio
# lacks (libvirtd, virsh, libvirt.so, the libxl connection driver, their
# library closure -- ICU and GnuTLS make it ~45 MB, four times dom0.cpio).
# It is NOT part of every Xen boot: boot-xen.sh appends it to dom0's
# initramfs only for a batch with a libvirt job (job option xml=), and
# dom0-init.sh starts libvirtd only when a job needs it.  The config it
# carries: no polkit, no dbus, no virtlogd (the libxl driver writes its
# logs itself), logs in /var/log/libvirt/.
#
# Idempotent like build-dom0.sh: XENDIR/.libvirt-stamp holds the hash of
# this script and of dom0.cpio.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 XENDIR" >&2; exit 2; }
out=$(cd "$1" && pwd)
log() { echo "build-libvirt: $*" >&2; }
[ -s "$out/dom0.cpio" ] || { log "no $out/dom0.cpio (run build-dom0.sh first)"; exit 1; }

stamp=$( (cat "$here/build-libvirt.sh"; cat "$out/.stamp") | sha256sum | cut -d' ' -f1)
uptodate() {
	[ "$(cat "$out/.libvirt-stamp" 2>/dev/null)" = "$stamp" ] &&
	    [ -s "$out/libvirt.cpio" ]
}
uptodate && exit 0
exec 9>"$out/.lock-libvirt"
flock 9
uptodate && exit 0

debs=$out/debs
stage=$out/lv-stage
root=$out/lv-root
pkgs=(libvirt-daemon libvirt-daemon-driver-xen libvirt-clients libvirt0)

debof() { ls "$debs/${1}_"*.deb 2>/dev/null | sort -V | tail -1; }
mkdir -p "$debs"
for p in "${pkgs[@]}"; do
	[ -n "$(debof "$p")" ] && continue
	log "downloading $p"
	(cd "$debs" && apt-get download -q "$p" 2>&1 |
	    grep -v -e unsandboxed -e '^Get:' >&2) || :
	[ -n "$(debof "$p")" ] || { apt-get update -qq; (cd "$debs" && apt-get download -q "$p"); }
	[ -n "$(debof "$p")" ] || { log "cannot download $p"; exit 1; }
done

rm -rf "$stage" "$root"
mkdir -p "$stage" "$root"
for p in "${pkgs[@]}"; do
	dpkg-deb -x "$(debof "$p")" "$stage"
	dpkg-deb -W --showformat='${Package} ${Version}\n' "$(debof "$p")"
done > "$out/libvirt-versions.txt"

# What dom0.cpio already has (the Xen libraries, glibc, bash...) stays out.
declare -A have=()
while IFS= read -r f; do have[/${f#./}]=1; done < <(cpio --quiet -it < "$out/dom0.cpio")

# copy_elf SRC DST: SRC and the libraries of its closure dom0 lacks; the
# libvirt ones from the packages, the rest from the host (Debian 12 too).
lvlib=$stage/usr/lib/x86_64-linux-gnu
copy_elf() {
	local src=$1 dst=$2 lib d
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$src" "$root$dst"
	if LD_LIBRARY_PATH=$lvlib ldd "$src" | grep 'not found' >&2; then
		log "unresolved libraries for $src"
		exit 1
	fi
	LD_LIBRARY_PATH=$lvlib ldd "$src" | awk '/=> \// { print $3 }' |
	    while read -r lib; do
		d=/usr/lib/x86_64-linux-gnu/${lib##*/}
		[ -n "${have[$d]:-}" ] || [ -e "$root$d" ] && continue
		cp -L "$lib" "$root$d"
	done
}
mkdir -p "$root/usr/lib/x86_64-linux-gnu"
copy_elf "$stage/usr/sbin/libvirtd" /usr/sbin/libvirtd
copy_elf "$stage/usr/bin/virsh" /usr/bin/virsh
drv=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_libxl.so
copy_elf "$stage$drv" "$drv"
# The libxl driver refuses to start unless it can name the host CPU: it
# matches Xen's hw_caps against libvirt's CPU models.  Every x86 model
# needs sep (Xen clears it on AMD CPUs: no SYSENTER in long mode) or vme
# (which QEMU's TCG cannot emulate), and the nested Xen must run on an
# AMD CPU model (TCG emulates SVM, not VMX) -- so none matches.  One more
# model, only for naming the host (decode host on, guest off), with a
# feature every x86 CPU has, lets the driver start; guests are not
# affected (their XML has no <cpu>).
cm=$root/usr/share/libvirt/cpu_map
mkdir -p "$cm"
cp "$stage"/usr/share/libvirt/cpu_map/x86_*.xml "$cm/"
sed "s|^\( *\)<include filename='x86_features.xml'/>|&\n\1<include filename='x86_tandem-nested.xml'/>|" \
    "$stage/usr/share/libvirt/cpu_map/index.xml" > "$cm/index.xml"
grep -q x86_tandem-nested "$cm/index.xml" || { log "cpu_map/index.xml: no x86_features.xml line"; exit 1; }
cat > "$cm/x86_tandem-nested.xml" <<'EOF2'
<cpus>
  <model name='tandem-nested'>
    <decode host='on' guest='off'/>
    <feature name='fpu'/>
  </model>
</cpus>
EOF2
mkdir -p "$root/etc/libvirt" "$root/var/lib/libvirt/libxl" \
    "$root/var/log/libvirt/libxl" "$root/etc/libvirt/libxl"
cat > "$root/etc/libvirt/libvirtd.conf" <<'EOF'
# nested test dom0: root only, no polkit, no dbus, no TCP
auth_unix_ro = "none"
auth_unix_rw = "none"
unix_sock_rw_perms = "0700"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
host_uuid = "5d6e2c3a-1b7f-4e2a-9c1d-0a0b0c0d0e0f"
EOF
# no dom0 ballooning (dom0_mem is fixed), no lock manager
printf 'autoballoon = 0\n' > "$root/etc/libvirt/libxl.conf"
printf 'uri_default = "xen:///system"\n' > "$root/etc/libvirt/libvirt.conf"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0) > "$out/libvirt.cpio.tmp"
mv "$out/libvirt.cpio.tmp" "$out/libvirt.cpio"
rm -rf "$stage" "$root"
echo "$stamp" > "$out/.libvirt-stamp"
log "done: $out/libvirt.cpio ($(du -sh "$out/libvirt.cpio" | cut -f1))"
