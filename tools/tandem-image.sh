# tandem-image.sh -- what the tandem launcher knows about an image before
# any VM starts, sourced by tools/tandem (installed next to it): is it a
# Tandem image at all, what does its manifest ask for, and do the
# options given fit it.  Every refusal is one line on stderr and exit 125
# (die), so a bad command line never gets as far as QEMU or Xen.
#
# The manifest is an optional ELF section ".tandem.manifest" of text
# lines key=value (no loader reads it; it is not part of any segment):
#	name=hello		domain / VM name
#	mem=64			MiB the image wants (run/config refuse less)
#	args=...		default app arguments (when none follow --)
#	env=K=V			a boot parameter (repeatable)
#	disk=blk0		a disk it wants (repeatable; blk0, blk1 in order)
#	net=1			how many NICs it wants
#	mount=blk0:/data	where the libos mounts a disk (informational)
# Images without it get: name from the file name, mem 64, nothing else.
# Read with objcopy --dump-section (binutils); a section is added with
#	objcopy --add-section .tandem.manifest=FILE IMAGE

# Longest command line the boot protocols carry: Xen's start_info and
# our PVH copy both hold 1024 bytes with the NUL.
TD_CMDLINE_MAX=1023

# check_image IMAGE: refuses anything that is not a bootable Tandem image:
# not ELF64 x86-64, truncated (a segment or the section table past the
# end of the file), or without the Xen notes both entry paths need
# (XEN_ELFNOTE_ENTRY for PV, XEN_ELFNOTE_PHYS32_ENTRY for PVH and QEMU).
# Sets img_end (the first byte above the loaded image, physical).
check_image() {
	local f=$1 magic size hdr l need=0 off fsz end notes
	[ -e "$f" ] || die "$f: no such file"
	[ -f "$f" ] || die "$f: not a regular file"
	[ -r "$f" ] || die "$f: cannot read it"
	size=$(stat -c %s "$f")
	magic=$(head -c 20 "$f" | od -An -tx1 | tr -d ' \n')
	case $magic in
	7f454c46*) ;;
	*) die "$f: not a Tandem image (not an ELF file)" ;;
	esac
	# class 2 (64-bit), little-endian, e_machine 0x3e at offset 18
	[ "${magic:8:4}" = 0201 ] && [ "${magic:36:4}" = 3e00 ] ||
	    die "$f: not a Tandem image (not an x86-64 ELF64 file)"
	hdr=$(LC_ALL=C readelf -hW "$f" 2>/dev/null) ||
	    die "$f: not a Tandem image (readelf cannot parse it)"
	local shoff shnum shsz
	shoff=$(awk -F: '/Start of section headers/ { print $2 + 0 }' <<< "$hdr")
	shnum=$(awk -F: '/Number of section headers/ { print $2 + 0 }' <<< "$hdr")
	shsz=$(awk -F: '/Size of section headers/ { print $2 + 0 }' <<< "$hdr")
	need=$((shoff + shnum * shsz))
	img_end=0
	while read -r l; do
		set -- $l
		off=$(($2)) fsz=$(($5))
		end=$(($4 + $6))
		[ $((off + fsz)) -gt "$need" ] && need=$((off + fsz))
		[ "$1" = LOAD ] && [ "$end" -gt "$img_end" ] && img_end=$end
	done < <(LC_ALL=C readelf -lW "$f" 2>/dev/null | awk '$1 == "LOAD" || $1 == "NOTE"')
	[ "$size" -ge "$need" ] ||
	    die "$f: truncated ($size bytes, its headers describe $need)"
	[ "$img_end" -gt 0 ] || die "$f: not a Tandem image (nothing to load)"
	notes=$(LC_ALL=C readelf -nW "$f" 2>/dev/null | awk '$1 == "Xen"')
	grep -qE 'NT_VERSION|\(0x00000001\)' <<< "$notes" &&
	    grep -q '(0x00000012)' <<< "$notes" ||
	    die "$f: not a Tandem image (no Xen ELF notes with PV and PVH entry points)"
	return 0
}

# read_manifest IMAGE: sets m_name m_mem m_args m_env() m_disks() m_net
# m_mounts() m_has; a malformed line is refused.
read_manifest() {
	local f=$1 tmp line k v base
	base=${f##*/}
	m_name=${base%.img} m_mem=64 m_args= m_env=() m_disks=() m_net=0 m_mounts=() m_has=
	mkwork
	tmp=$work/manifest
	rm -f "$tmp"
	LC_ALL=C readelf -SW "$f" 2>/dev/null | grep -q ' \.tandem\.manifest ' || return 0
	# (-O binary --only-section drops a section that is not loaded)
	objcopy --dump-section ".tandem.manifest=$tmp" "$f" "$work/manifest.o" 2>/dev/null ||
	    die "$f: cannot read its .tandem.manifest section"
	rm -f "$work/manifest.o"
	m_has=1
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		line=${line//$'\0'/}
		case $line in ''|'#'*) continue ;; esac
		[[ $line == *=* ]] || die "$f: manifest line without '=': $line"
		k=${line%%=*} v=${line#*=}
		case $k in
		name) [[ $v =~ ^[A-Za-z0-9_.-]{1,48}$ ]] || die "$f: manifest name '$v' (want [A-Za-z0-9_.-], at most 48)"
		      m_name=$v ;;
		mem) [[ $v =~ ^[1-9][0-9]{0,6}$ ]] || die "$f: manifest mem '$v' is not a number of MiB"
		     m_mem=$v ;;
		args) m_args=$v ;;
		env) [[ $v =~ ^[A-Za-z_][A-Za-z0-9_.]*=[^[:space:]]*$ ]] || die "$f: manifest env '$v' (want KEY=VALUE without blanks)"
		     m_env+=("$v") ;;
		disk) [[ $v =~ ^blk[0-9]+$ ]] || die "$f: manifest disk '$v' (want blkN)"
		      m_disks+=("$v") ;;
		net) [[ $v =~ ^[0-9]$ ]] || die "$f: manifest net '$v' (want 0..9)"
		     m_net=$v ;;
		mount) [[ $v =~ ^blk[0-9]+:/ ]] || die "$f: manifest mount '$v' (want blkN:/path)"
		       m_mounts+=("$v") ;;
		*) die "$f: unknown manifest key '$k'" ;;
		esac
	done < "$tmp"
	return 0
}

# guest_cmdline: the boot command line from the manifest's env and args
# and the user's app arguments (which replace the manifest's args).
guest_cmdline() {
	local a=${1-$m_args} cl=
	if [ ${#m_env[@]} -gt 0 ]; then
		cl="${m_env[*]}"
		[ -n "$a" ] && cl+=" -- $a"
	else
		cl=$a
	fi
	printf '%s' "$cl"
}

# check_fit: the options against the image (run and config).  Uses
# image, mem, append, disks, nets, ports, machine.
check_fit() {
	local need=$(( (img_end + 1048575) / 1048576 + 2 )) len extra=0
	[ -n "$m_has" ] && [ "$m_mem" -gt "$need" ] && need=$m_mem
	[ "$mem" -ge "$need" ] ||
	    die "--mem $mem: $image needs at least $need MiB${m_has:+ (its manifest says mem=$m_mem)}"
	# microvm appends one virtio_mmio.device=SIZE@ADDR:IRQ (~45 bytes)
	# per device to the command line
	[ "${machine:-}" = microvm ] && extra=$(( (${#disks[@]} + ${#nets[@]} + 1) * 45 ))
	len=$(( $(printf '%s' "$append" | wc -c) + extra ))
	[ "$len" -le "$TD_CMDLINE_MAX" ] ||
	    die "command line too long: $len bytes, the boot protocol carries $TD_CMDLINE_MAX"
	[ ${#disks[@]} -ge ${#m_disks[@]} ] ||
	    die "$image wants ${#m_disks[@]} disk(s) (${m_disks[*]}), got ${#disks[@]}: add --disk FILE"
	# NICs need no file: the target's default one for each missing
	while [ ${#nets[@]} -lt "$m_net" ]; do nets+=(default); done
	return 0
}

# check_port PORT WHAT: refuses a TCP port that something already
# listens on (on any address), or that is not a port number.
check_port() {
	local p=$1
	[[ $p =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] ||
	    die "$2: '$p' is not a TCP port number"
	if command -v ss >/dev/null 2>&1; then
		[ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] ||
		    die "$2: port $p is already in use"
	elif (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		die "$2: port $p is already in use"
	fi
	return 0
}
