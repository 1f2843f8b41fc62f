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
# Read by tandem-inspect; a section is added with
#	objcopy --add-section .tandem.manifest=FILE IMAGE

# Longest command line the boot protocols carry: Xen's start_info and
# our PVH copy both hold 1024 bytes with the NUL.
TD_CMDLINE_MAX=1023

# inspect_image IMAGE: refuses anything that is neither a bootable Tandem
# image nor a Linux bzImage (which goes as it is: the benchmarks boot
# their Linux guest through this very launcher, for the same QEMU command
# shape).  A Tandem image must be ELF64 x86-64, not truncated (a segment
# or the section table past the end of the file), with the Xen notes both
# entry paths need (XEN_ELFNOTE_ENTRY for PV, XEN_ELFNOTE_PHYS32_ENTRY
# for PVH and QEMU).  One run of tandem-inspect (tools/tandem-inspect.c)
# reads all of it: the launch path forks nothing else before QEMU.
# Sets foreign (1 for Linux), img_end (the first byte above the loaded
# image, physical) and the manifest's m_* (read_manifest).
inspect_image() {
	local f=$1 out rc
	[ -e "$f" ] || die "$f: no such file"
	[ -f "$f" ] || die "$f: not a regular file"
	[ -r "$f" ] || die "$f: cannot read it"
	[ -x "$bindir/tandem-inspect" ] ||
	    die "$bindir/tandem-inspect is missing (make builds it from tools/tandem-inspect.c)"
	out=$("$bindir/tandem-inspect" "$f")
	rc=$?
	case $rc/$out in
	0/linux) foreign=1 img_end=0; read_manifest "$f" ""; return 0 ;;
	0/"tandem "*) ;;
	*) die "$f: ${out#error }" ;;
	esac
	foreign=
	img_end=${out%%$'\n'*}
	img_end=${img_end#tandem }
	case $out in
	*$'\n'manifest$'\n'*) read_manifest "$f" "${out#*$'\n'manifest$'\n'}" ;;
	*) read_manifest "$f" "" ;;
	esac
	return 0
}

# read_manifest IMAGE TEXT: sets m_name m_mem m_args m_env() m_disks() m_net
# m_mounts() m_has from the manifest's TEXT (none when empty); a
# malformed line is refused.
read_manifest() {
	local f=$1 line k v base
	base=${f##*/}
	m_name=${base%.img} m_mem=64 m_args= m_env=() m_disks=() m_net=0 m_mounts=() m_has=
	[ -n "$2" ] || return 0
	m_has=1
	while IFS= read -r line; do
		line=${line%$'\r'}
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
	done <<< "$2"
	return 0
}

# guest_cmdline [ARGS]: the boot command line (into gcl) from the
# manifest's env and args and the user's app arguments (which replace the
# manifest's args).
guest_cmdline() {
	local a=${1-$m_args}
	if [ ${#m_env[@]} -gt 0 ]; then
		gcl="${m_env[*]}"
		[ -n "$a" ] && gcl+=" -- $a"
	else
		gcl=$a
	fi
	return 0
}

# byte_len TEXT: its length in bytes (not characters) into nbytes.
byte_len() {
	local LC_ALL=C
	nbytes=${#1}
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
	byte_len "$append"
	len=$(( nbytes + extra ))
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
