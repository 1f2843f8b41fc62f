# bench/guest-lib.sh -- sourced by bench/blk.sh and bench/net.sh: the Linux
# baseline guest run through the same launcher as the Tandem image, so both
# get the same QEMU command (configs/qemu.args.in + the launcher's
# virtio-blk-pci / virtio-net-pci options); only -kernel, -append and the
# Linux guest's -initrd differ.  Expects B (build directory) and M (machine).
# shellcheck shell=bash disable=SC2034  # LX_APPEND, LXQ: used by the benches

MEM=${MEM:-128}			# -m for both guests (the launcher's default)
LX_APPEND="console=ttyS0 quiet panic=-1"
FAILS=0
fail() { echo "${0##*/}: FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# lx_build: builds (or reuses) the Debian guest in $B/bench/linux; sets LX
# to that directory, or to "" when there is no Linux column (microvm:
# Debian's kernel has no virtio-mmio command-line devices and hangs in TSC
# calibration there).
lx_build() {
	LX='' LXQ=()
	case $M in
	pc|q35) ;;
	*) echo "${0##*/}: -M $M: no Linux column (Debian's kernel does not run there)" >&2; return 0 ;;
	esac
	if timeout 1200 bench/linux-guest/build.sh "$B/bench/linux" >&2; then
		LX=$B/bench/linux
		# launcher options that add the initramfs; `tandem run tcg
		# $LX/vmlinuz "${LXQ[@]}" -- KERNEL COMMAND LINE` boots it
		LXQ=(--qemu -initrd --qemu "$LX/initrd.img")
	else
		fail "building the Linux guest failed"
	fi
}


# shape ERRFILE: the QEMU command a `tandem run --show-cfg` printed, with
# the values of -kernel and -append and the disk file name blanked and
# -initrd dropped (what may differ between the two guests).
shape() {
	local line w skip='' out=()
	line=$(sed -n 's/^tandem: qemu: //p' "$1" | head -1)
	[ -n "$line" ] || { echo "none"; return; }
	local -a a
	eval "a=($line)"	# the launcher printed it with printf %q
	for w in "${a[@]}"; do
		if [ -n "$skip" ]; then [ "$skip" = -initrd ] || out+=("$skip=…"); skip=; continue; fi
		case $w in
		-kernel|-append|-initrd) skip=$w; continue ;;
		esac
		out+=("$(sed 's/file=[^,]*/file=…/; s/unix:[^,]*/unix:…/' <<<"$w")")
	done
	echo "${out[*]}"
}

# same_shape TANDEM_ERR LINUX_ERR: fails the run when the commands differ
# beyond -kernel/-append/-initrd.
same_shape() {
	local a b
	a=$(shape "$1"); b=$(shape "$2")
	if [ "$a" = none ] || [ "$b" = none ]; then
		fail "no QEMU command line recorded ($1, $2)"
	elif [ "$a" != "$b" ]; then
		fail "QEMU commands differ beyond -kernel/-append/-initrd: '$a' vs '$b'"
	fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a + 0 == 0 || b + 0 == 0) print "n/a";
	else printf "%.2f×\n", a / b }'; }
