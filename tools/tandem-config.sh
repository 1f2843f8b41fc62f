# tandem-config.sh -- `tandem config` (a ready qemu command line, xl.cfg
# or libvirt domain XML for an image) and `tandem run libvirt`, sourced by
# tools/tandem (installed next to it).  The outputs come from the
# templates in configs/ filled from the image's manifest (tandem-image.sh)
# and the options; what they attach matches `tandem run` for the same
# target: virtio-rng, disks blk0.. in order, NICs, the serial console.

# xml_esc TEXT: TEXT safe inside an XML element or attribute.
xml_esc() {
	local s=$1
	s=${s//&/&amp;}
	s=${s//</&lt;}
	s=${s//>/&gt;}
	s=${s//\'/&apos;}
	s=${s//\"/&quot;}
	printf '%s' "$s"
}

# libvirt_xml VIRTTYPE NAME [CONSOLE-LOG]: the domain XML on stdout.
libvirt_xml() {
	local vt=$1 name=$2 log=${3:-} dev= qa= line i abc=abcdefghijklmnopqrstuvwxyz
	local fwd p mac rootbus
	case $machine in pc) rootbus=pci.0 ;; q35) rootbus=pcie.0 ;;
	*) die "libvirt: --machine pc or q35, not $machine" ;; esac
	[ -z "$icount" ] || die "libvirt: --icount is for tcg"
	[ -z "$norng" ] && dev+="    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"$'\n'
	for i in "${!disks[@]}"; do
		dev+="    <disk type='file' device='disk'><driver name='qemu' type='raw' cache='writeback'/>"
		dev+="<source file='$(xml_esc "${disks[$i]}")'/><target dev='vd${abc:i:1}' bus='virtio'/></disk>"$'\n'
	done
	for i in "${!nets[@]}"; do
		mac=$(printf '52:54:00:12:34:%02x' $((0x56 + i)))
		if [ ${#ports[@]} -gt 0 ]; then
			# libvirt's own <portForward> needs passt: with -p every
			# NIC goes to QEMU directly (in order, so net0 stays the
			# first), the forwards on the first
			fwd=
			first_user_nic
			if [ "$i" = "$unic" ]; then
				for p in "${ports[@]}"; do fwd+=",hostfwd=tcp:127.0.0.1:${p%%:*}-:${p#*:}"; done
			fi
			qa+="    <qemu:arg value='-netdev'/><qemu:arg value='user,id=tdnet$i$fwd'/>"$'\n'
			# slots 0x10.. of the root bus: clear of libvirt's own
			# (which QEMU may place after these)
			qa+="    <qemu:arg value='-device'/><qemu:arg value='virtio-net-pci,netdev=tdnet$i,mac=$mac,bus=$rootbus,addr=$(printf 0x%x $((0x10 + i)))'/>"$'\n'
			continue
		fi
		dev+="    <interface type='user'><mac address='$mac'/><model type='virtio'/></interface>"$'\n'
	done
	# --cpu and --qemu: straight to QEMU (a later -cpu wins over libvirt's)
	[ -n "$cpu" ] && qa+="    <qemu:arg value='-cpu'/><qemu:arg value='$(xml_esc "$cpu")'/>"$'\n'
	for p in "${qextra[@]}"; do qa+="    <qemu:arg value='$(xml_esc "$p")'/>"$'\n'; done
	[ -n "$qa" ] && qa="  <qemu:commandline>"$'\n'"$qa  </qemu:commandline>"
	[ -n "$log" ] && log="<log file='$(xml_esc "$log")' append='off'/>"
	while IFS= read -r line; do
		line=${line//@VIRTTYPE@/$vt}
		line=${line//@NAME@/$(xml_esc "$name")}
		line=${line//@MEM@/$mem}
		line=${line//@MACHINE@/$machine}
		line=${line//@KERNEL@/$(xml_esc "$(readlink -f "$image")")}
		line=${line//@CMDLINE@/$(xml_esc "$append")}
		line=${line//@CONSOLE_LOG@/$log}
		case $line in
		@DEVICES@) printf '%s' "$dev" ;;
		@QEMU_ARGS@) [ -n "$qa" ] && printf '%s\n' "$qa" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < "$src/configs/launch/libvirt.xml.in"
	return 0
}

# libvirt_xen_xml NAME: the Xen (libxl driver) domain XML on stdout, PV or
# (gtype pvh) PVH.  Disks and NICs are not mapped yet: refused, not dropped.
libvirt_xen_xml() {
	local line ty=linux mach=xenpv
	[ ${#disks[@]} = 0 ] && [ ${#nets[@]} = 0 ] && [ ${#ports[@]} = 0 ] ||
	    die "config --libvirt --xen: --disk, --net and -p are not supported yet (use --xl)"
	[ "$gtype" = pvh ] && ty=xenpvh mach=xenpvh
	while IFS= read -r line; do
		line=${line//@NAME@/$(xml_esc "$1")}
		line=${line//@MEM@/$mem}
		line=${line//@OSTYPE@/$ty}
		line=${line//@OSMACHINE@/$mach}
		line=${line//@KERNEL@/$(xml_esc "$(readlink -f "$image")")}
		line=${line//@CMDLINE@/$(xml_esc "$append")}
		printf '%s\n' "$line"
	done < "$src/configs/launch/libvirt-xen.xml.in"
}

# shell_words ARG...: one line; words quoted only where the shell needs
# it, so that plain $(...) works for lines without blanks.
shell_words() {
	local a out=
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then out+="$a "
		else out+="$(printf '%q' "$a") "; fi
	done
	printf '%s\n' "${out% }"
}

cmd_config() {
	local fmt= pvh= kvm= log= xen= args=()
	while [ $# -gt 0 ]; do
		case $1 in
		--qemu|--xl|--libvirt) [ -z "$fmt" ] || die "config: one of --qemu, --xl, --libvirt"
			fmt=${1#--} ;;
		--pvh) pvh=1 ;;
		--kvm) kvm=1 ;;
		--xen) xen=1 ;;
		--console-log) log=${2:-}; [ -n "$log" ] || die "--console-log needs a FILE"; shift ;;
		--) args+=("$@"); break ;;
		*) args+=("$1") ;;
		esac
		shift
	done
	[ -n "$fmt" ] || die "config: say --qemu, --xl or --libvirt (see tandem help config)"
	need_src
	parse_run "${args[@]}"
	case $fmt in
	qemu)
		nets_for tcg
		# absolute paths: the line is meant to be used elsewhere
		image=$(readlink -f "$image")
		qemu_argv "$([ -n "$kvm" ] && echo kvm || echo tcg)"
		shell_words "${qv[@]}" ;;
	xl)
		nets_for xen
		[ -n "$pvh" ] && gtype=pvh
		xen_devices direct
		xl_cfg "$gtype" "$m_name" "$(readlink -f "$image")" "$mem" "$append" \
		    "$(printf '%s\n' "${xlextra[@]}")" ;;
	libvirt)
		if [ -n "$xen" ]; then
			[ -n "$pvh" ] && gtype=pvh
			libvirt_xen_xml "$m_name"
			return
		fi
		nets_for libvirt
		[ -n "$log" ] && log=$(readlink -f "$log")
		libvirt_xml "$([ -n "$kvm" ] && echo kvm || echo qemu)" "$m_name" "$log" ;;
	esac
}

# ---- tandem run libvirt ------------------------------------------------
lvdom=
lv_destroy() {
	virsh -c "$lvuri" destroy "$lvdom" >/dev/null 2>&1
	lvdom=
}

run_libvirt() {
	local exe=$bindir/tandem-libvirt vt=qemu x rc
	need_src
	[ -x "$exe" ] || die "libvirt: $exe is missing (make builds it from tools/tandem-libvirt.c)"
	mkwork
	lvdom=tandem-$m_name-$$
	# KVM only when asked: a software KVM may accept a guest and never
	# run it (see probe-kvm)
	[ -n "${TANDEM_LIBVIRT_KVM:-}" ] && vt=kvm
	x=$work/domain.xml
	libvirt_xml "$vt" "$lvdom" > "$x"
	[ -n "$showcfg" ] && sed 's/^/tandem: xml: /' "$x" >&2
	progress "libvirt: domain $lvdom on $lvuri (virsh shutdown $lvdom: graceful stop)"
	"$exe" -c "$lvuri" -t "$timeout" ${pquiet:+-q} "$x" &
	wait $!
	rc=$?
	lvdom=
	return $rc
}
