# tandem-xen.sh -- the Xen half of the tandem launcher, sourced by
# tools/tandem (installed next to it as $BUILD/bin/tandem-xen.sh): xl.cfg
# generation, running jobs in a real dom0 or in Xen-in-QEMU (tests/xen/),
# reading back each job's status.  Uses the launcher's say/die/src/work.

# ---- Xen -------------------------------------------------------------------
in_dom0() {
	command -v xl >/dev/null 2>&1 && xl info >/dev/null 2>&1 &&
	    grep -q control_d /proc/xen/capabilities 2>/dev/null
}

# xl_cfg TYPE NAME KERNEL MEM CMDLINE [EXTRA-LINES]: xl.cfg on stdout.
xl_cfg() {
	local t=$1 name=$2 kern=$3 m=$4 cl=$5 extra=${6:-} line
	cl=${cl//\\/\\\\}
	cl=${cl//\"/\\\"}
	while IFS= read -r line; do
		line=${line//@NAME@/"$name"}
		line=${line//@KERNEL@/"$kern"}
		line=${line//@MEM@/"$m"}
		line=${line//@CMDLINE@/"$cl"}
		printf '%s\n' "$line"
	done < "$src/configs/xl-$t.cfg.in"
	[ -n "$extra" ] && printf '%s\n' "$extra"
	return 0
}

# cfg_as FILE NAME KERNEL [EXTRA-LINES]: FILE with its name and kernel
# lines replaced.
cfg_as() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		name\ =*|name=*) printf 'name = "%s"\n' "$2" ;;
		kernel\ =*|kernel=*) printf 'kernel = "%s"\n' "$3" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < "$1"
	[ -n "${4:-}" ] && printf '%s\n' "$4"
	return 0
}

# lv_as FILE NAME KERNEL: the libvirt domain XML FILE (type='xen') with its
# <name> and <kernel> replaced (XML-escaped); fails for another type.
lv_as() {
	local line n=0
	grep -q "<domain type='xen'" "$1" || return 1
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		*'<name>'*'</name>'*)
			line="${line%%<name>*}<name>$(xml_esc "$2")</name>${line#*</name>}" ;;
		*'<kernel>'*'</kernel>'*)
			line="${line%%<kernel>*}<kernel>$(xml_esc "$3")</kernel>${line#*</kernel>}"
			n=1 ;;
		esac
		printf '%s\n' "$line"
	done < "$1"
	[ $n = 1 ]
}

# xen_debug NAME: every vCPU's registers and stack with symbols (Debian's
# xenctx, real dom0 only), on stderr -- for a guest that hangs.
xen_debug() {
	local id x v n syms=$work/xenctx.syms dbg=${image%.img}.dbg
	x=$(ls /usr/lib/xen-*/bin/xenctx 2>/dev/null | tail -1)
	[ -n "$x" ] || { say "--debug: no xenctx (xen-utils)"; return; }
	id=$(xl domid "$1" 2>/dev/null) || { say "--debug: domain $1 is gone"; return; }
	[ -r "$dbg" ] || dbg=$image
	nm -n "$dbg" 2>/dev/null | awk 'NF == 3' > "$syms"
	n=$(xl vcpu-list "$1" 2>/dev/null | awk 'NR > 1' | wc -l)
	for ((v = 0; v < ${n:-1}; v++)); do
		say "--debug: vCPU $v of domain $1 ($id):"
		"$x" -s "$syms" -S -a "$id" "$v" 2>&1 | sed 's/^/tandem: | /' >&2
	done
}

# xen_status CONSOLE RC REASON SECONDS: the app's status from what dom0 saw.
xen_status() {
	local con=$1 rc=$2 why=$3 t=$4
	result_of "$con"
	case $rc in
	124) verdict=timeout; msg="timeout after ${t} s (xl destroy)"; return 124 ;;
	6) verdict=fail; msg="xl create failed"; return 125 ;;
	esac
	verdict=fail
	case $res/$why in
	exit/poweroff|exit/none) verdict=ok; msg="exit $resn"; return "$resn" ;;
	panic/*) verdict=ok; msg="panic (255)"; return 255 ;;
	exit/*) msg="printed 'tandem: exit $resn' but the domain ended by $why" ;;
	none/crash) msg="domain crashed without a result line" ;;
	none/reboot) msg="domain rebooted without a result line (PVH: a triple fault)" ;;
	*) msg="no 'tandem: exit N' line (domain ended by $why)" ;;
	esac
	return 125
}

# Inside a real dom0: one job with xl directly.  Console to $1 (and to
# stdout unless quiet).
run_xen_dom0() {
	local con=$1 name=tandem-$$-${2:-run} cfg t0 rc why
	local f xl
	mkwork
	cfg=$work/$name.cfg
	for f in "${xfiles[@]}"; do
		[ -n "$f" ] && { cp "$f" "$work/" || die "cannot copy $f"; }
	done
	xl=$(printf '%s\n' "${xlextra[@]}")
	if [ -n "${xcfg:-}" ]; then
		cfg_as "$xcfg" "$name" "$(readlink -f "$image")" "${xl//@DIR@/$work}" > "$cfg"
	else
		xl_cfg "$gtype" "$name" "$(readlink -f "$image")" "$mem" "$append" \
		    "${xl//@DIR@/$work}" > "$cfg"
	fi
	sed 's/^/tandem: xl.cfg: /' "$cfg" >&2
	t0=$(date +%s)
	# xenconsole reads stdin: feed it a pipe that stays open (and goes
	# away with us).
	local hold holdpid
	exec {hold}< <(exec sleep "$((timeout + 10))" 2>/dev/null)
	holdpid=$!
	{ timeout -k 5 "$timeout" xl create -c "$cfg" <&$hold 2>"$work/xl.err"
	    echo $? > "$work/xlrc"; } |
	    sed -u 's/\r//g' | if [ -n "${quiet:-}" ]; then cat > "$con"; else tee "$con"; fi
	kill "$holdpid" 2>/dev/null
	exec {hold}<&-
	rc=$(cat "$work/xlrc")
	sed 's/^/tandem: xl: /' "$work/xl.err" >&2
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		[ -n "${xdebug:-}" ] && xen_debug "$name"
		xl destroy "$name" >/dev/null 2>&1
		rc=124
	elif grep -q 'Parsing config\|failed' "$work/xl.err" && [ ! -s "$con" ]; then
		rc=6
	else
		rc=0
	fi
	why=$(sed -n 's/.*has shut down, reason code \([0-9]*\).*/\1/p' \
	    "/var/log/xen/xl-$name.log" 2>/dev/null | tail -1)
	case $why in 0) why=poweroff ;; 3) why=crash ;; '') why=none ;; *) why=code$why ;; esac
	xen_status "$con" "$rc" "$why" "$(( $(date +%s) - t0 ))"
}

# xen_devices: --disk and --net as xl.cfg disk= and vif= lines.  Disks
# become xvda, xvdb, ... in order; NICs go on a bridge (default xenbr0,
# which the nested dom0 has).  With "direct" (a real dom0) the vbd is FILE
# itself; nested, FILE becomes a virtio-blk disk of the outer QEMU (see
# run_jobs) and the vbd is that block device of dom0 (@DISKn@), so what
# the guest writes, and every flush, reaches FILE.
xen_devices() {
	local i d=() v=() br t abc=abcdefghijklmnopqrstuvwxyz
	[ ${#disks[@]} -le 26 ] || die "xen: at most 26 disks"
	for i in "${!disks[@]}"; do
		if [ "${1:-}" = direct ]; then
			t=${disks[$i]}
		else
			hdisks+=("${disks[$i]}")
			t=@DISK$i@
		fi
		d+=("'format=raw,vdev=xvd${abc:i:1},access=rw,target=$t'")
	done
	for i in "${!nets[@]}"; do
		case ${nets[$i]} in
		default|bridge) br=xenbr0 ;;
		bridge:*) br=${nets[$i]#bridge:} ;;
		*) die "xen: --net wants bridge[:NAME] (or no value), not '${nets[$i]}'" ;;
		esac
		v+=("'bridge=$br,mac=00:16:3e:54:00:$(printf %02x $((0x10 + i)))'")
	done
	[ ${#d[@]} -gt 0 ] && xlextra+=("disk = [ $(IFS=,; echo "${d[*]}") ]")
	[ ${#v[@]} -gt 0 ] && xlextra+=("vif = [ $(IFS=,; echo "${v[*]}") ]")
	return 0
}

# Jobs for the Xen-in-QEMU batch, one entry per job in these arrays.
jn=() jt=() ji=() jm=() jto=() jc=() jshut=() jxl=() jfiles=() jcfg=() jdbg=()
jdisks=()
jup=()	# jup[I]=1: job I is where -p / port= forwards go (JOB_UPLINK)
jlv=()	# jlv[I]=FILE: job I is that libvirt domain XML, created by virsh
hdisks=()
# HDISKS (optional, newline-separated host files): the job's disks of the
# outer QEMU; its XL lines name the n-th as @DISKn@.
add_job() {	# NAME TYPE IMAGE MEM TIMEOUT CMDLINE SHUTDOWN XL FILES [CFG [DEBUG [HDISKS]]]
	[[ $1 =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad job name '$1'"
	case $2 in pv|pvh) ;; *) die "job $1: type must be pv or pvh" ;; esac
	[ -r "$3" ] || die "job $1: cannot read image $3"
	[[ $4 =~ ^[0-9]+$ && $5 =~ ^[0-9]+$ ]] || die "job $1: MEM and TIMEOUT must be numbers"
	local n
	for n in "${jn[@]}"; do [ "$n" = "$1" ] && die "job name $1 used twice"; done
	jn+=("$1") jt+=("$2") ji+=("$3") jm+=("$4") jto+=("$5") jc+=("$6")
	jshut+=("$7") jxl+=("$8") jfiles+=("$9") jcfg+=("${10:-}") jdbg+=("${11:-}")
	jdisks+=("${12:-}")
	[ -z "${10:-}" ] || [ -r "${10}" ] || die "job $1: cannot read xl.cfg ${10}"
}

# host_disks JD I XL: job I's host disks appended to JD/disks (one QEMU
# drive each, serial tdK); prints XL with @DISKn@ turned into @HD:K@,
# which dom0-init.sh resolves to the dom0 device whose serial is tdK.
host_disks() {
	local jd=$1 i=$2 xl=$3 f n=0 k
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		[[ $f =~ ^[A-Za-z0-9_./+-]+$ ]] || die "job ${jn[$i]}: disk file '$f' has blanks or commas"
		[ -r "$f" ] && [ -w "$f" ] || die "job ${jn[$i]}: cannot read and write disk $f"
		k=$(wc -l < "$jd/disks")
		[ "$k" -lt 24 ] || die "xen: at most 24 host disks per batch"
		readlink -f "$f" >> "$jd/disks"
		xl=${xl//@DISK$n@/@HD:$k@}
		n=$((n + 1))
	done <<< "${jdisks[$i]}"
	printf '%s' "$xl"
}

# run_jobs OUTDIR STREAM: all jobs in one Xen-in-QEMU boot; per-job outputs
# in OUTDIR; job number STREAM (1-based, or empty) is copied to stdout.
# Returns 0 if Xen ran the whole list.
declare -gA imgno=()	# -g: this file is sourced inside load_more()
run_jobs() {
	local out=$1 stream=$2 jd i n k f sum=0 gmax=0 key kern brc xl
	need_src
	mkwork
	jd=$work/xen
	rm -rf "$jd"
	mkdir -p "$jd/guest/img" "$out"
	[ -r "$xdir/dom0.cpio" ] ||
	    progress "building the nested Xen dom0 in $xdir (first time: fetches Debian's Xen and kernel, minutes)"
	"$src/tests/xen/build-dom0.sh" "$xdir" || die "building the Xen dom0 failed"
	: > "$jd/guest/jobs"
	: > "$jd/disks"
	printf '%s\n' "${dom0env[@]}" > "$jd/guest/env"
	# -p: the outer QEMU forwards the ports to 10.0.2.15 on its user
	# network, which dom0 bridges to xenbr0 while a job with jup[] set
	# runs (boot-xen.sh, dom0-init.sh)
	if [ ${#ports[@]} -gt 0 ]; then
		printf '%s\n' "${ports[@]}" > "$jd/hostfwd"
		echo "UPLINK=1" >> "$jd/guest/env"
	fi
	for i in "${!jn[@]}"; do
		n=$((i + 1))
		mkdir -p "$jd/guest/$n"
		# Several jobs often boot the same image: copy it once.
		key=$(readlink -f "${ji[$i]}")
		if [ -z "${imgno[$key]:-}" ]; then
			imgno[$key]=${#imgno[@]}
			cp "$key" "$jd/guest/img/${imgno[$key]}"
		fi
		kern=/guest/img/${imgno[$key]}
		while IFS= read -r f; do
			[ -n "$f" ] || continue
			cp "$f" "$jd/guest/$n/" || die "job ${jn[$i]}: cannot copy $f"
		done <<< "${jfiles[$i]}"
		xl=$(host_disks "$jd" "$i" "${jxl[$i]//@DIR@//guest/$n}") || exit 1
		if [ -n "${jcfg[$i]}" ]; then
			# a given xl.cfg (`tandem config --xl`): only where the
			# kernel is in dom0 and the domain's name change
			cfg_as "${jcfg[$i]}" "t$n-${jn[$i]}" "$kern" "$xl" \
			    > "$jd/guest/$n/guest.cfg"
		else
			xl_cfg "${jt[$i]}" "t$n-${jn[$i]}" "$kern" "${jm[$i]}" "${jc[$i]}" \
			    "$xl" > "$jd/guest/$n/guest.cfg"
		fi
		cp "$jd/guest/$n/guest.cfg" "$out/${jn[$i]}.cfg"
		if [ -n "${jlv[$i]:-}" ]; then
			lv_as "${jlv[$i]}" "t$n-${jn[$i]}" "$kern" > "$jd/guest/$n/domain.xml" ||
			    die "job ${jn[$i]}: ${jlv[$i]} is not a Xen libvirt domain"
			cp "$jd/guest/$n/domain.xml" "$out/${jn[$i]}.xml"
		fi
		[ -n "$showcfg" ] && sed "s/^/tandem: ${jn[$i]}.cfg: /" "$jd/guest/$n/guest.cfg" >&2
		echo "GUEST_TIMEOUT=${jto[$i]}" > "$jd/guest/$n/env"
		[ -n "${jup[$i]:-}" ] && echo "JOB_UPLINK=1" >> "$jd/guest/$n/env"
		if [ -n "${jdbg[$i]}" ]; then
			# symbols for xenctx on a timeout (System.map format)
			f=${ji[$i]%.img}.dbg
			[ -r "$f" ] || f=${ji[$i]}
			nm -n "$f" 2>/dev/null | awk 'NF == 3' > "$jd/guest/$n/debug.syms"
		fi
		[ -n "${jshut[$i]}" ] && printf '%s\n' "${jshut[$i]}" > "$jd/guest/$n/shutdown-after"
		echo "$n" >> "$jd/guest/jobs"
		sum=$((sum + jto[i] + 20))
		[ "${jm[$i]}" -gt "$gmax" ] && gmax=${jm[$i]}
	done
	# libvirt jobs: libvirtd and virsh for dom0, only in this batch's
	# initramfs (4x the size of dom0's own)
	if [ -n "${jlv[*]}" ]; then
		"$src/tests/xen/build-libvirt.sh" "$xdir" || die "building libvirt for the Xen dom0 failed"
		echo "$xdir/libvirt.cpio" > "$jd/extra-cpio"
	fi
	echo "$gmax" > "$jd/guest-mem"
	echo $((sum + 120)) > "$jd/qemu-timeout"
	progress "booting Xen in QEMU TCG for ${#jn[@]} job(s) (~20 s, then ~5 s per job)"
	# in the background and waited for: Ctrl-C's trap runs at once
	TANDEM_VERBOSE=$verbose "$src/tests/xen/boot-xen.sh" "$xdir" "$jd" "$stream" &
	wait $!
	brc=$?
	cp "$jd/serial.log" "$out/serial.log" 2>/dev/null
	for i in "${!jn[@]}"; do
		n=$((i + 1))
		cp "$jd/$n.console" "$out/${jn[$i]}.log" 2>/dev/null || : > "$out/${jn[$i]}.log"
		cp "$jd/$n.xen" "$out/${jn[$i]}.xen" 2>/dev/null || : > "$out/${jn[$i]}.xen"
		cp "$jd/$n.end" "$out/${jn[$i]}.end" 2>/dev/null || rm -f "$out/${jn[$i]}.end"
	done
	xtiming=$(cat "$jd/timing" 2>/dev/null)
	return $brc
}

# job_result OUTDIR I: status of job I from its files; sets msg, verdict.
job_result() {
	local out=$1 name=${jn[$2]} e rc why t
	if [ ! -r "$out/$name.end" ]; then
		verdict=fail; msg="no result from dom0 (Xen boot failed or batch timed out)"
		return 125
	fi
	e=$(cat "$out/$name.end")
	rc=${e#*rc=}; rc=${rc%% *}
	why=${e#*reason=}; why=${why%% *}
	t=${e#*t=}; t=${t%% *}
	xen_status "$out/$name.log" "$rc" "$why" "$t"
}

