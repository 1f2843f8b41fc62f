# tandem-qemu.sh -- the QEMU half of the tandem launcher (tcg, kvm),
# sourced by tools/tandem (installed next to it): the QEMU command line
# (also printed by `tandem config --qemu`), running it with the result
# checks, the KVM probe and the gdb stub.  Uses the launcher's
# say/die/src/work and the globals parse_run sets.

kvm_why=
kvmdev=${TANDEM_KVM_DEV:-/dev/kvm}	# tests may point this elsewhere
kvm_usable() {
	kvm_why=
	if [ ! -e "$kvmdev" ]; then kvm_why="$kvmdev does not exist"
	elif [ ! -r "$kvmdev" ] || [ ! -w "$kvmdev" ]; then kvm_why="no read/write access to $kvmdev"
	fi
	[ -z "$kvm_why" ]
}

# qemu_argv ACCEL: the QEMU arguments (no program name) into qv, from
# configs/qemu.args.in and the device options.
qemu_argv() {
	local accel=$1 line opt val had icnt=
	need_src
	[ -n "$icount" ] && { [ "$accel" = tcg ] || die "--icount needs tcg"; icnt="shift=0,sleep=off"; }
	firmware
	qv=()
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		opt=${line%% *}
		had=
		val=
		if [ "$opt" != "$line" ]; then had=1; val=${line#* }; fi
		val=${val//@MACHINE@/"$machine"}
		val=${val//@ACCEL@/"$accel"}
		val=${val//@CPU@/"$cpu"}
		val=${val//@MEM@/"$mem"}
		val=${val//@ICOUNT@/"$icnt"}
		val=${val//@BIOS@/"$fw"}
		val=${val//@IMAGE@/"$image"}
		val=${val//@APPEND@/"$append"}
		if [ -n "$had" ]; then
			[ -n "$val" ] && qv+=("$opt" "$val")
		else
			qv+=("$opt")
		fi
	done < "$src/configs/qemu.args.in"
	virtio_args
	qv+=("${qextra[@]}")
	if [ -n "$gdbport" ]; then
		qv+=(-gdb "tcp:127.0.0.1:$gdbport" -S)
	fi
	return 0
}

# firmware: fw = the -bios file for $machine: --bios FILE, nothing for
# --bios default (QEMU's own: SeaBIOS on pc/q35), else qboot on pc and
# q35 when QEMU has it (qemu-system-data).  Microvm has its own qboot.
qboot=${TANDEM_QBOOT:-/usr/share/qemu/qboot.rom}
firmware() {
	fw=
	case $bios/$machine in
	default/*) ;;
	/pc|/q35|/pc-*) [ -r "$qboot" ] && fw=$qboot ;;
	/*) ;;
	*) fw=$bios ;;
	esac
	return 0
}

# virtio_args: QEMU options for the entropy device, --disk, --net and -p,
# appended to qv (no subshell: this is on every launch's path).
virtio_args() {
	local i bus=pci fwd p
	# microvm names its virtio-mmio devices on the kernel command line
	# (virtio_mmio.device=...) only without ACPI
	if [ "$machine" = microvm ]; then
		bus=device
		[ -z "$norng" ] || [ ${#disks[@]} -gt 0 ] || [ ${#nets[@]} -gt 0 ] &&
		    qv+=(-machine acpi=off)
	fi
	# entropy by default: QEMU's CPUs under TCG have no RDRAND
	[ -z "$norng" ] && qv+=(-device "virtio-rng-$bus")
	for i in "${!disks[@]}"; do
		qv+=(-drive "file=${disks[$i]},if=none,id=td$i,format=raw,cache=writeback"
		    -device "virtio-blk-$bus,drive=td$i")
	done
	first_user_nic
	for i in "${!nets[@]}"; do
		case ${nets[$i]} in
		user|default)
			fwd=
			if [ "$i" = "$unic" ]; then
				for p in "${ports[@]}"; do
					fwd+=",hostfwd=tcp:127.0.0.1:${p%%:*}-:${p#*:}"
				done
			fi
			qv+=(-netdev "user,id=tn$i$fwd") ;;
		bridge*) die "--net ${nets[$i]} is for xen; tcg/kvm want user or tap:IFNAME" ;;
		tap:*) qv+=(-netdev "tap,id=tn$i,ifname=${nets[$i]#tap:},script=no,downscript=no") ;;
		esac
		printf -v p 'virtio-net-%s,netdev=tn%d,mac=52:54:00:12:34:%02x' "$bus" "$i" $((0x56 + i))
		# no boot ROM: the kernel comes from -kernel, and SeaBIOS
		# would run iPXE's ROM init (slow under TCG) for nothing
		[ "$bus" = pci ] && p+=,romfile=
		qv+=(-device "$p")
	done
}

# first_user_nic: unic = index of the first user-network NIC (where -p
# forwards go), or empty.
first_user_nic() {
	local i
	unic=
	for i in "${!nets[@]}"; do
		case ${nets[$i]} in user|default) unic=$i; return ;; esac
	done
}

# gdb_hint: how to attach, on stderr.
gdb_hint() {
	local dbg=${image%.img}.dbg
	[ -r "$dbg" ] || dbg=$image
	say "gdb: the guest is halted before its first instruction; attach with:"
	say "  gdb $(readlink -f "$dbg") -ex 'target remote 127.0.0.1:$gdbport'"
}

# powerdown_watch TIMEOUT GRACE: presses the ACPI power button (QEMU's
# system_powerdown) once the console shows $shutafter, and when TIMEOUT
# seconds are up (then marks the run timed out; QEMU gets GRACE more
# seconds to stop gracefully before it is killed).
powerdown_watch() {
	local end=$((EPOCHSECONDS + $1)) sent=
	while nap 0.2; do
		[ -e "$work/qrc" ] && return 0
		if [ -n "${shutafter:-}" ] && [ -z "$sent" ] &&
		    grep -qF -- "$shutafter" "$work/console" 2>/dev/null; then
			monitor_cmd system_powerdown
			sent=1
		fi
		if [ "$EPOCHSECONDS" -ge "$end" ]; then
			: > "$work/timedout"
			monitor_cmd system_powerdown
			return 0
		fi
	done
}

# nap SECONDS: sleeps without starting a process (sleep(1) five times a
# second competes with the booting guest for the CPU): a read that times
# out on a pipe this shell holds both ends of.  Always true.
napfd=
nap() {
	[ -n "$napfd" ] && [ "${napid:-}" = "$BASHPID" ] ||
	    { exec {napfd}<> <(:); napid=$BASHPID; }
	read -rt "$1" -u "$napfd"
	return 0
}

# monitor_cmd CMD: one command to the QEMU monitor of this run.
monitor_cmd() {
	python3 - "$work/mon" "$1" <<'PY' >/dev/null 2>&1
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
time.sleep(0.2)
PY
}

# run_qemu ACCEL: boots $image with the globals set by parse_run; console
# to stdout (unless quiet=1).  Returns the status, sets verdict to ok,
# timeout or fail.
run_qemu() {
	local accel=$1 q=() qrc t0 pipe grace
	qemu_argv "$accel"
	mkwork
	# a monitor for the ACPI power button (graceful stop: the app gets
	# SIGTERM) at --shutdown-after TEXT and when the time is up
	q=("${TANDEM_QEMU:-qemu-system-x86_64}" "${qv[@]}"
	    -monitor "unix:$work/mon,server=on,wait=off")
	[ -n "$showcfg" ] && say "qemu: $(printf '%q ' "${q[@]}")"
	grace=$(( timeout / 4 < 5 ? timeout / 4 : 5 ))
	qpidf=$work/qpid
	# (rm only when there is something to remove: a fresh work
	# directory has nothing, and every process here delays QEMU)
	[ -e "$work/qpid" ] || [ -e "$work/qrc" ] || [ -e "$work/silent" ] &&
	    rm -f "$work/qpid" "$work/qrc" "$work/silent"
	: > "$work/console"
	t0=$EPOCHREALTIME
	[ -n "$gdbport" ] && gdb_hint
	# QEMU first, the watchers after it: they only poll files.
	# In the background and waited for: a signal's trap (Ctrl-C) runs at
	# once instead of after the pipeline.
	# tcg: QEMU without transparent huge pages (tools/tandem-exec.c:
	# half of its CPU time to the first answer went to zeroing 2 MiB
	# pages the guest touched a few bytes of)
	local pre=()
	[ "$accel" = tcg ] && [ -x "$bindir/tandem-exec" ] && pre=("$bindir/tandem-exec")
	{
		"${pre[@]}" timeout -k 2 "$((timeout + grace))" "${q[@]}" </dev/null \
		    2>"$work/qemu.err" &
		echo $! > "$work/qpid"
		wait $!
		echo $? > "$work/qrc"
	} | sed -u 's/\r//g' | if [ -n "${quiet:-}" ]; then cat > "$work/console"
	    else tee "$work/console"; fi &
	pipe=$!
	if [ "$accel" = kvm ] && [ -z "$gdbport" ]; then
		# A software KVM may start QEMU yet never run the guest: give up
		# when the console stays empty.
		local silence=${TANDEM_KVM_SILENCE:-15}
		(
			for ((i = 0; i < silence * 5; i++)); do
				nap 0.2
				[ -s "$work/console" ] || [ -e "$work/qrc" ] && exit 0
			done
			: > "$work/silent"
			kill "$(cat "$work/qpid")"
		) >/dev/null 2>&1 &
		wdog=$!
	fi
	powerdown_watch "$timeout" "$grace" &
	pwatch=$!
	wait "$pipe"
	[ -n "${wdog:-}" ] && { kill "$wdog" 2>/dev/null; wait "$wdog" 2>/dev/null; wdog=; }
	kill "$pwatch" 2>/dev/null; wait "$pwatch" 2>/dev/null
	qrc=$(cat "$work/qrc" 2>/dev/null || echo 255)
	result_of "$work/console"
	grep -v -e "host doesn.t support requested feature" -e "terminating on signal" "$work/qemu.err" |
	    head -20 | sed 's/^/tandem: qemu: /' >&2
	[ -n "$verbose" ] && say "$accel: qemu status $qrc, result ${res}${resn:+ $resn}, $(elapsed "$t0") s"
	verdict=fail
	if [ "$accel" = kvm ] && { [ -e "$work/silent" ] ||
	    grep -qiE 'KVM internal error|emulation failure|kvm.*(failed|error)|Could not access KVM' "$work/qemu.err"; }; then
		[ -e "$work/silent" ] && kvm_why="the guest printed nothing in ${TANDEM_KVM_SILENCE:-15} s"
		[ -z "$kvm_why" ] && kvm_why=$(grep -m1 -iE 'kvm|emulation' "$work/qemu.err")
		if grep -q 'emulation failure' "$work/qemu.err"; then
			local rip sym
			rip=$(sed -n 's/.*RIP=\([0-9a-f]*\).*/\1/p' "$work/qemu.err" | head -1)
			sym=$(kvm_symbol "$rip")
			[ -n "$rip" ] && rip=$(printf '%#x' "$((16#$rip))")
			kvm_why="KVM could not emulate the guest instruction at ${rip:-?}${sym:+ ($sym)}: this KVM emulates guest ring-0 code (a software KVM such as kvm_pvm) and lacks that instruction"
		fi
		say "KVM unusable here: $kvm_why"
		return 125
	fi
	if [ -e "$work/timedout" ]; then
		say "timeout after ${timeout} s: the guest was asked to stop (ACPI power button), status $res${resn:+ $resn}"
		verdict=timeout
		return 124
	fi
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		say "timeout: no result after ${timeout} s (QEMU killed)"
		verdict=timeout
		return 124
	fi
	if [ "$res" = none ]; then
		if [ ! -s "$work/console" ] && [ "$qrc" != 0 ]; then
			say "QEMU failed (status $qrc)"
		else
			say "no 'tandem: exit N' line on the console (QEMU status $qrc)"
		fi
		return 125
	fi
	local want=$(( ((resn << 1) | 1) & 255 ))
	if [ "$qrc" != "$want" ]; then
		say "guest printed 'tandem: $res${resn:+ $resn}' but QEMU exited $qrc (isa-debug-exit would give $want)"
		return 125
	fi
	verdict=ok
	return "$resn"
}

# kvm_symbol HEXADDR: "FUNC at FILE:LINE" from the image's .dbg, or nothing
kvm_symbol() {
	local dbg=${image%.img}.dbg
	[ -n "$1" ] && [ -r "$dbg" ] && command -v addr2line > /dev/null || return 0
	addr2line -f -p -e "$dbg" "0x$1" 2>/dev/null | grep -v '^??'
}

probe_kvm() {
	local img=${1:-}
	if ! kvm_usable; then say "KVM unusable here: $kvm_why"; return 1; fi
	if [ -z "$img" ]; then
		# kvmprobe: SSE, threads, sleeps -- what apps are made of
		for img in "$bindir/../img/kvmprobe.img" "${src:-.}/build/img/kvmprobe.img" \
		    "$bindir/../img/hello.img" ""; do
			[ -r "$img" ] && break
		done
		[ -n "$img" ] || { say "KVM unusable here: no probe image (pass one)"; return 1; }
	fi
	[ -r "$img" ] || die "cannot read image $img"
	image=$img; timeout=20; quiet=1
	run_qemu kvm 2>"$work/probe.err" || true
	if [ "$verdict" = ok ]; then
		say "KVM works (probe image $img)"
		rm -f "$work/probe.err"
		return 0
	fi
	grep -q 'KVM unusable' "$work/probe.err" ||
	    say "KVM unusable here: the probe guest did not reach its result line"
	cat "$work/probe.err" >&2
	rm -f "$work/probe.err"
	return 1
}
