# libvirt.sh -- `tandem config IMAGE --libvirt --xen [--pvh]` created by
# libvirt's Xen (libxl) driver, `virsh -c xen:///system create`, in the
# nested dom0; sourced by tests/xen/run.sh.  libvirtd and virsh are
# Debian 12's (tests/xen/build-libvirt.sh makes XENDIR/libvirt.cpio, which
# boot-xen.sh adds to dom0's initramfs only for a batch with such a job).
# The jobs are queued last: dom0-init.sh starts libvirtd for the first of
# them, so it never runs beside the other jobs.  Cost to the batch: the
# 64 MB cpio (<1 s to unpack), libvirtd's start (~2 s), ~3 s per job.
LVX=${TANDEM_XEN_DIR:-$B/xen}
lv_ok=

lv_valid() { virt-xml-validate "$1" domain > /dev/null 2>&1; }

# libvirt_prepare: the XMLs and libvirt.cpio; 1 (and a FAIL) if not possible
libvirt_prepare() {
	local ty pvh
	if grep -q control_d /proc/xen/capabilities 2>/dev/null; then
		skip "libvirt xen jobs" "a real dom0: xen-batch runs xml= jobs nested only"
		return 1
	fi
	if ! { tests/xen/build-dom0.sh "$LVX" && tests/xen/build-libvirt.sh "$LVX"; } \
	    > "$T/build-libvirt.log" 2>&1; then
		fail "libvirt for the nested dom0 (build-libvirt.sh)" "" "$T/build-libvirt.log"
		return 1
	fi
	for ty in pv pvh; do
		pvh=
		[ $ty = pvh ] && pvh=--pvh
		"$B/bin/tandem" config "$IMG" --libvirt --xen $pvh --mem 64 -- 5 \
		    > "$T/libvirt-$ty.xml" 2> "$T/libvirt-$ty.err" ||
		    { fail "config --libvirt --xen ($ty)" "status $?" "$T/libvirt-$ty.err"; return 1; }
		check "config --libvirt --xen ($ty): libvirt's schema accepts it" \
		    lv_valid "$T/libvirt-$ty.xml"
	done
	check "config --libvirt --xen: a xenpvh domain with --pvh" \
	    grep -q "<type arch='x86_64' machine='xenpvh'>xenpvh</type>" "$T/libvirt-pvh.xml"
	check "config --libvirt --xen: a PV (linux) domain without" \
	    grep -q "<type arch='x86_64' machine='xenpv'>linux</type>" "$T/libvirt-pv.xml"
	# devices are not mapped yet: refused with a reason, not dropped
	"$B/bin/tandem" config "$IMG" --libvirt --xen --net > /dev/null 2> "$T/libvirt-net.err"
	check "config --libvirt --xen --net: refused" [ $? = 125 ]
	check "config --libvirt --xen --net: says why" \
	    grep -q 'not supported yet (use --xl)' "$T/libvirt-net.err"
	# a QEMU domain given as xml=: refused before Xen boots
	"$B/bin/tandem" config "$IMG" --libvirt > "$T/libvirt-qemu.xml" 2>&1
	printf 'bad|pvh|%s|64|10||xml=%s\n' "$IMG" "$T/libvirt-qemu.xml" > "$T/libvirt-bad.jobs"
	"$B/bin/tandem" xen-batch --out "$T/libvirt-bad" "$T/libvirt-bad.jobs" \
	    > /dev/null 2> "$T/libvirt-bad.err"
	check "xen-batch xml= with a QEMU domain: refused (125)" [ $? = 125 ]
	check "xen-batch xml= with a QEMU domain: says why" \
	    grep -q "is not a Xen libvirt domain" "$T/libvirt-bad.err"
	lv_ok=1
}

libvirt_jobs() {
	local ty
	[ -n "$lv_ok" ] || return 0
	for ty in pv pvh; do
		XEN_OPTS=("xml=$T/libvirt-$ty.xml")
		xen_job "libvirt-$ty" $ty "$IMG"
	done
	XEN_OPTS=()
}

libvirt_checks() {
	local ty
	[ -n "$lv_ok" ] || return 0
	expect_line "libvirt: libvirtd's Xen driver answers in dom0" "$T/xen/serial.log" \
	    '^@@dom0 [0-9.]+: libvirtd up in .*Running hypervisor: Xen 4\.'
	for ty in pv pvh; do
		expect_job "virsh -c xen:///system create ($ty): rc 5" "libvirt-$ty" 5
		hello_checks "$LOG" "xen-$ty" 5 "virsh create xen-$ty"
		expect_line "virsh create xen-$ty: libvirt created it" "$T/xen/serial.log" \
		    "^@@dom0 [0-9.]+: job [0-9]+: virsh: Domain 't[0-9]+-libvirt-$ty' created from "
	done
}
