#!/bin/bash
# bench/boot.sh [options] [BUILD]  -- boot cost of a Tandem image vs a Debian Linux guest
#
# In one run, under one QEMU command shape (only -kernel/-initrd/-append differ):
#   1. guest-side time to `main`: Tandem's `tandem: boot: entry->main N cycles` line
#      (printed when the command line starts with TD_BOOTSTATS=1) against Linux's
#      clock when /init runs; plain TCG and `-icount shift=0,sleep=off,align=off`
#      (deterministic; run --icount-reps times to show it);
#   2. QEMU wall time, exec -> exit, for the Tandem image (median of --reps);
#   3. the same for Debian's linux-image-amd64 bzImage + a busybox-static initramfs
#      whose /init prints a marker and runs `poweroff -f` (exec -> marker, exec -> exit);
#   4. image sizes.
# Then a breakdown of entry->main by phase (the image's `tandem: boot: phase` lines,
# median of the plain runs) and what QEMU and the firmware take around it.
# Prints a markdown table (also written to BUILD/bench/boot-results.md; raw serial logs
# in BUILD/bench/runs/).  Tandem and Linux runs are interleaved, so host noise hits
# both alike: on a shared machine only the ratios mean anything.
# Nothing is asserted; the exit status is 1 only if some guest run did not boot
# (no marker) or did not exit within its timeout, 2 on usage/setup errors.
#
# Options:
#   --image PATH       image to measure (default BUILD/img/hello.img); any PVH ELF
#                      works whose output matches --marker-re
#   --accel A          tcg (default) | kvm: with kvm there are no -icount runs, and
#                      the Linux guest runs under KVM too unless --no-linux (on a
#                      software KVM that interprets ring 0 it never boots: pass it)
#   --machine M        pc (default) | q35 | microvm  (microvm: Tandem only -- Debian's
#                      kernel hangs in TSC calibration there under QEMU 7.2 TCG)
#   --reps N           plain-TCG repetitions per guest (default 5)
#   --icount-reps N    -icount repetitions per guest (default 2)
#   --append STR       Tandem command line (default "TD_BOOTSTATS=1 TD_EXIT_AT_MAIN=1":
#                      the image exits where main would start, so the wall time is
#                      the boot's, not hello's 100 ms of sleeps)
#   --marker-re RE     ERE whose first integer is the entry->main cycle count
#                      (default: the Tandem line, or the proof of concept's SAMEIMAGE-TSC)
#   --timeout S        per-run bound for Tandem (default 30); Linux gets --linux-timeout
#   --linux-timeout S  (default 240)
#   --no-linux         measure the Tandem image only
#   --qemu BIN         (default qemu-system-x86_64)
#   --qemu-extra ARGS  extra QEMU arguments for both guests, word-split
#                      (e.g. "-bios /usr/share/qemu/qboot.rom" with --machine microvm)
# Downloads and builds are cached in BUILD/bench/ (default BUILD=build).
# shellcheck disable=SC2034,SC2054  # result arrays are filled through eval; QEMU options have commas
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

IMAGE=""; MACH=pc; ACCEL=tcg; REPS=5; ICREPS=2; TD_APPEND="TD_BOOTSTATS=1 TD_EXIT_AT_MAIN=1"
MARKER_RE='tandem: boot: entry->main [0-9]+ cycles|SAMEIMAGE-TSC: entry_to_cmain=[0-9]+'
TD_TIMEOUT=30; LX_TIMEOUT=240; LINUX=1; QEMU=qemu-system-x86_64; BUILD=build; QEXTRA=""
usage() { sed -n '2,/^# shellcheck/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--image) IMAGE=$2; shift ;;
	--machine) MACH=$2; shift ;;
	--accel) ACCEL=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--icount-reps) ICREPS=$2; shift ;;
	--append) TD_APPEND=$2; shift ;;
	--marker-re) MARKER_RE=$2; shift ;;
	--timeout) TD_TIMEOUT=$2; shift ;;
	--linux-timeout) LX_TIMEOUT=$2; shift ;;
	--no-linux) LINUX=0 ;;
	--qemu) QEMU=$2; shift ;;
	--qemu-extra) QEXTRA=$2; shift ;;
	-h|--help) usage ;;
	-*) echo "boot.sh: unknown option $1" >&2; usage ;;
	*) BUILD=$1 ;;
	esac
	shift
done
case "$MACH" in pc|q35) ;; microvm)
	[ $LINUX = 1 ] && echo "boot.sh: -M microvm: Linux baseline skipped (Debian's kernel finds no TSC reference clock there and hangs)" >&2
	LINUX=0 ;;
	*) echo "boot.sh: --machine must be pc, q35 or microvm" >&2; exit 2 ;;
esac
case "$ACCEL" in tcg) ;; kvm) ICREPS=0 ;;
	*) echo "boot.sh: --accel must be tcg or kvm" >&2; exit 2 ;;
esac
for n in "$REPS" "$ICREPS" "$TD_TIMEOUT" "$LX_TIMEOUT"; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "boot.sh: not a number: $n" >&2; exit 2; }
done
[ "$REPS" -ge 1 ] || { echo "boot.sh: --reps must be >= 1" >&2; exit 2; }
mkdir -p "$BUILD/bench" || exit 2
BUILD=$(cd "$BUILD" && pwd)
B=$BUILD/bench
IMAGE=${IMAGE:-$BUILD/img/hello.img}
[ -r "$IMAGE" ] || { echo "boot.sh: no image at $IMAGE (run make, or pass --image PATH)" >&2; exit 2; }
IMAGE=$(cd "$(dirname "$IMAGE")" && pwd)/$(basename "$IMAGE")
if [ "$ACCEL" = kvm ] && ! "$BUILD/bin/tandem" probe-kvm "$IMAGE" >&2; then
	echo "boot.sh: --accel kvm: the KVM probe fails here" >&2; exit 2
fi
command -v "$QEMU" >/dev/null || { echo "boot.sh: $QEMU not found (apt-get install qemu-system-x86)" >&2; exit 2; }
RUNS=$B/runs
rm -rf "$RUNS"; mkdir -p "$RUNS"

# ---- helpers ---------------------------------------------------------------
# host TSC rate: under TCG without -icount the guest's RDTSC reads host ticks
if [ ! -x "$B/tsc-khz" ] || [ "$HERE/tsc-khz.c" -nt "$B/tsc-khz" ]; then
	gcc -O2 -o "$B/tsc-khz" "$HERE/tsc-khz.c" || exit 2
fi
TSC_KHZ=$("$B/tsc-khz")
[[ $TSC_KHZ =~ ^[0-9]+$ ]] && [ "$TSC_KHZ" -gt 0 ] || { echo "boot.sh: TSC calibration failed" >&2; exit 2; }

if [ $LINUX = 1 ]; then
	timeout 1200 "$HERE/linux-guest/build.sh" "$B/linux" || { echo "boot.sh: building the Linux guest failed" >&2; exit 2; }
fi

now_us() { local t=$EPOCHREALTIME; echo "${t/[.,]/}"; }
# prefix each serial line with the host time (us) at which it arrived
stamp() {
	local l
	while IFS= read -r l || [ -n "$l" ]; do
		printf '%s %s\n' "${EPOCHREALTIME/[.,]/}" "${l%$'\r'}"
	done
}
median() { # integers on stdin -> median (mean of the middle two when even)
	sort -n | awk '{v[NR]=$1} END {if (NR==0) {print "NA"; exit}
		if (NR%2) print v[(NR+1)/2]; else printf "%.0f\n", (v[NR/2]+v[NR/2+1])/2}'
}
minmax() { sort -n | awk 'NR==1{a=$1} {b=$1} END{if (NR) print a "-" b; else print "NA"}'; }
fmt_s() { awk -v u="$1" 'BEGIN{ if (u=="NA"||u=="") print "n/a"; else printf "%.3f s", u/1e6 }'; }
fmt_int() { awk -v n="$1" 'BEGIN{ if (n=="NA"||n=="") { print "n/a"; exit }
	s=sprintf("%d", n); o=""; while (length(s)>3) { o="," substr(s,length(s)-2) o; s=substr(s,1,length(s)-3) } print s o }'; }
fmt_dur_ns() { awk -v n="$1" 'BEGIN{ if (n=="NA"||n=="") print "n/a"; else if (n>=1e9) printf "%.3f s", n/1e9;
	else if (n>=1e6) printf "%.3f ms", n/1e6; else printf "%.1f us", n/1e3 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a==""||b==""||a=="NA"||b=="NA"||b==0) print "n/a";
	else if (a/b >= 100) { s=sprintf("%.0f", a/b); o=""
		while (length(s)>3) { o="," substr(s,length(s)-2) o; s=substr(s,1,length(s)-3) } print s o "×" }
	else printf "%.1f×", a/b }'; }

COMMON=(-M "$MACH" -accel "$ACCEL" -m 256 -display none -vga none -nodefaults -no-reboot
	-monitor none -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4)
# shellcheck disable=SC2206
[ -n "$QEXTRA" ] && COMMON+=($QEXTRA)
ICOUNT=(-icount shift=0,sleep=off,align=off)
FAILS=0
fail() { echo "boot.sh: FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# run_qemu LOG TIMEOUT qemu-args...  -> R_RC, R_WALL (us exec->exit), R_T0 (us)
run_qemu() {
	local log=$1 to=$2
	shift 2
	echo "$QEMU ${COMMON[*]} $*" > "$log.cmd"
	R_T0=$(now_us)
	timeout -k 2 "$to" "$QEMU" "${COMMON[@]}" "$@" </dev/null 2>"$log.err" | stamp > "$log"
	R_RC=${PIPESTATUS[0]}
	R_WALL=$(( $(now_us) - R_T0 ))
}
timed_out() { [ "$1" = 124 ] || [ "$1" = 137 ]; }

# Tandem: one run -> appends to TD_<mode>_{cycles,wall}
td_run() { # mode(plain|icount) index
	local mode=$1 i=$2 log=$RUNS/tandem-$1-$2.log extra=() cyc
	[ "$mode" = icount ] && extra=("${ICOUNT[@]}")
	run_qemu "$log" "$TD_TIMEOUT" "${extra[@]}" -kernel "$IMAGE" -append "$TD_APPEND"
	cyc=$(cut -d' ' -f2- "$log" | grep -aoE -m1 "$MARKER_RE" | grep -oE '[0-9]+' | head -1)
	if [ -z "$cyc" ]; then
		fail "tandem $mode run $i: no boot line (rc=$R_RC), see $log"
		return
	fi
	if timed_out "$R_RC"; then
		fail "tandem $mode run $i: booted but did not exit within ${TD_TIMEOUT}s"
		return
	fi
	eval "TD_${mode}_cycles+=($cyc); TD_${mode}_wall+=($R_WALL)"
	echo "  tandem $mode $i: entry->main $cyc cycles, wall $(fmt_s "$R_WALL"), qemu rc $R_RC" >&2
}

# Linux: one run -> LX_<mode>_{up_ns,tsc,mark,wall}
lx_run() {
	local mode=$1 i=$2 log=$RUNS/linux-$1-$2.log extra=() line mark up mono tsc
	[ "$mode" = icount ] && extra=("${ICOUNT[@]}")
	run_qemu "$log" "$LX_TIMEOUT" "${extra[@]}" -kernel "$B/linux/vmlinuz" \
	    -initrd "$B/linux/initrd.img" -append 'console=ttyS0 quiet panic=-1'
	line=$(grep -a -m1 ' TDBENCH_INIT ' "$log")
	if [ -z "$line" ]; then
		fail "linux $mode run $i: /init marker never seen (rc=$R_RC), see $log"
		return
	fi
	mark=$(( ${line%% *} - R_T0 ))
	up=$(sed -n 's/.* uptime=\([0-9.]*\).*/\1/p' <<<"$line")
	mono=$(sed -n 's/.* mono_ns=\([0-9]*\).*/\1/p' <<<"$line")
	tsc=$(sed -n 's/.* tsc=\([0-9]*\).*/\1/p' <<<"$line")
	# /proc/timer_list "now" has ns resolution; /proc/uptime only 10 ms
	[ -n "$mono" ] || mono=$(awk -v u="$up" 'BEGIN{printf "%.0f", u*1e9}')
	eval "LX_${mode}_up+=($mono); LX_${mode}_tsc+=(${tsc:-NA}); LX_${mode}_mark+=($mark)"
	if timed_out "$R_RC"; then
		fail "linux $mode run $i: reached /init but did not power off within ${LX_TIMEOUT}s"
	else
		eval "LX_${mode}_wall+=($R_WALL)"
	fi
	echo "  linux  $mode $i: /init at uptime $(fmt_dur_ns "$mono"), wall to /init $(fmt_s "$mark"), to exit $(fmt_s "$R_WALL"), qemu rc $R_RC" >&2
}

TD_plain_cycles=(); TD_plain_wall=(); TD_icount_cycles=(); TD_icount_wall=()
LX_plain_up=(); LX_plain_tsc=(); LX_plain_mark=(); LX_plain_wall=()
LX_icount_up=(); LX_icount_tsc=(); LX_icount_mark=(); LX_icount_wall=()

echo "boot.sh: $IMAGE, -M $MACH, $REPS plain + $ICREPS icount runs per guest" >&2
for i in $(seq 1 "$REPS"); do
	td_run plain "$i"
	[ $LINUX = 1 ] && lx_run plain "$i"
done
for i in $(seq 1 "$ICREPS"); do
	td_run icount "$i"
	[ $LINUX = 1 ] && lx_run icount "$i"
done

# ---- summary ---------------------------------------------------------------
med() { local a="$1[@]"; printf '%s\n' "${!a}" | grep -E '^[0-9]+$' | median; }
mm() { local a="$1[@]"; printf '%s\n' "${!a}" | grep -E '^[0-9]+$' | minmax; }
same() { # "identical" when every element of the array is equal
	local a="$1[@]" n
	n=$(printf '%s\n' "${!a}" | grep -cE '^[0-9]+$')
	[ "$n" -ge 2 ] || { echo "single run"; return; }
	[ "$(printf '%s\n' "${!a}" | sort -u | wc -l)" = 1 ] && echo "identical" || echo "differ"
}
list() { local a="$1[@]" x out=""; for x in "${!a}"; do out+="${out:+ / }$(fmt_int "$x")"; done; echo "${out:-n/a}"; }
list_dur() { local a="$1[@]" x out=""; for x in "${!a}"; do out+="${out:+ / }$(fmt_dur_ns "$x")"; done; echo "${out:-n/a}"; }

td_cyc=$(med TD_plain_cycles)
td_ns=$(awk -v c="$td_cyc" -v k="$TSC_KHZ" 'BEGIN{ if (c=="NA") print "NA"; else printf "%.0f", c*1e6/k }')
td_wall=$(med TD_plain_wall)
td_icw=$(med TD_icount_wall)
td_icc=$(med TD_icount_cycles)
td_kib=$(( ($(stat -c %s "$IMAGE") + 1023) / 1024 ))
if [ $LINUX = 1 ]; then
	lx_up=$(med LX_plain_up); lx_mark=$(med LX_plain_mark); lx_wall=$(med LX_plain_wall)
	lx_tsc=$(med LX_plain_tsc)
	lx_tsc_ns=$(awk -v c="$lx_tsc" -v k="$TSC_KHZ" 'BEGIN{ if (c=="NA") print "NA"; else printf "%.0f", c*1e6/k }')
	lx_icup=$(med LX_icount_up); lx_ictsc=$(med LX_icount_tsc)
	lx_icw=$(med LX_icount_wall)
	lx_kib=$(( ($(stat -c %s "$B/linux/vmlinuz") + 1023) / 1024 ))
	lx_ikib=$(( ($(stat -c %s "$B/linux/initrd.img") + 1023) / 1024 ))
	lx_ver=$(cat "$B/linux/kernel-version.txt")
else
	lx_up=NA lx_mark=NA lx_wall=NA lx_tsc=NA lx_tsc_ns=NA lx_icup=NA lx_ictsc=NA
	lx_icw=NA lx_kib=NA lx_ikib=0 lx_ver="not measured"
fi
lx_size=NA; [ "$lx_kib" != NA ] && lx_size=$((lx_kib + lx_ikib))

wall_ratio=$(ratio "$lx_mark" "$td_wall")
wall_x=$(awk -v a="$lx_mark" -v b="$td_wall" 'BEGIN{ if (a=="NA"||b=="NA"||b==0) print "NA"; else printf "%.1f", a/b }')
met() { [ "$1" = NA ] && { echo "n/a"; return; }; awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN{ ok = (op=="le") ? v<=t : v>=t; print ok ? "met" : "**not met**" }'; }

OUTMD=$B/boot-results.md
{
echo "### Boot cost: Tandem vs Debian Linux guest ($(date -u +%F), -M $MACH, ${ACCEL^^})"
echo
echo "Host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), TSC $(awk -v k="$TSC_KHZ" 'BEGIN{printf "%.0f", k/1000}') MHz; $("$QEMU" --version | head -1)."
echo "Tandem: \`$(basename "$IMAGE")\` sha256 $(sha256sum "$IMAGE" | cut -c1-16)…, \`-append '$TD_APPEND'\`."
if [ $LINUX = 1 ]; then
	echo "Linux: $lx_ver bzImage + busybox-static initramfs, \`-append 'console=ttyS0 quiet panic=-1'\`."
else
	echo "Linux: not measured (--no-linux or -M microvm)."
fi
echo "Both: \`$QEMU ${COMMON[*]} -kernel …\`; $REPS interleaved plain runs (median, min–max), $ICREPS with \`${ICOUNT[*]}\`."
echo
echo "| | Tandem | Linux | Linux / Tandem |"
echo "|---|---|---|---|"
echo "| guest-side time to main/init, ${ACCEL^^} (Tandem: TSC entry→main; Linux: kernel clock at /init) | $(fmt_dur_ns "$td_ns") ($(fmt_int "$td_cyc") TSC cycles) | $(fmt_dur_ns "$lx_up") | $(ratio "$lx_up" "$td_ns") |"
echo "| same, \`-icount shift=0\` (virtual ns ≈ instructions), per run | $(list TD_icount_cycles) ns ($(same TD_icount_cycles)) | $(list LX_icount_up) ns ($(same LX_icount_up)) | $(ratio "$lx_icup" "$td_icc") |"
echo "| Linux guest TSC at /init (since VM reset: firmware + decompression + kernel), TCG / icount | | $(fmt_dur_ns "$lx_tsc_ns") / $(fmt_dur_ns "$lx_ictsc") | |"
echo "| QEMU wall, exec→/init marker (Linux) vs exec→exit (Tandem) | $(fmt_s "$td_wall") ($(mm TD_plain_wall | awk -F- '{ if ($1=="NA") print "n/a"; else printf "%.3f–%.3f", $1/1e6, $2/1e6 }')) | $(fmt_s "$lx_mark") ($(mm LX_plain_mark | awk -F- '{ if ($1=="NA") print "n/a"; else printf "%.3f–%.3f", $1/1e6, $2/1e6 }')) | $wall_ratio |"
echo "| QEMU wall, exec→exit | $(fmt_s "$td_wall") | $(fmt_s "$lx_wall") | $(ratio "$lx_wall" "$td_wall") |"
echo "| QEMU wall, exec→exit, \`-icount\` | $(fmt_s "$td_icw") | $(fmt_s "$lx_icw") | $(ratio "$lx_icw" "$td_icw") |"
echo "| image size | $td_kib KiB | $([ "$lx_size" = NA ] && echo n/a || echo "$lx_size KiB (bzImage $lx_kib + initrd $lx_ikib)") | $(ratio "$lx_size" "$td_kib") |"
echo
echo "Where Tandem's boot goes (median of the plain runs; each phase ends at its mark,"
echo "init hooks by name, in order):"
echo
echo "| phase | µs |"
echo "|---|---|"
phases=$(for f in "$RUNS"/tandem-plain-*.log; do
	cut -d' ' -f2- "$f" | grep -a '^tandem: boot: phase ' | awk '{print NR, $4, $5}'
done | awk '{k=$1" "$2; v[k]=v[k]" "$3} END {for (k in v) print k v[k]}' | sort -n)
while read -r n name vals; do
	[ -n "$n" ] || continue
	echo "| $name | $(printf '%s\n' $vals | median) |"
done <<< "$phases"
around=$(awk -v w="$td_wall" -v n="$td_ns" 'BEGIN{ if (w=="NA"||n=="NA") print "NA"; else printf "%.0f", w-n/1e3 }')
echo "| (QEMU start, firmware, after main until exit: wall − entry→main) | $around |"
echo
echo "| target (issue) | measured here | |"
echo "|---|---|---|"
if [ "$ACCEL" = kvm ]; then
	echo "| entry→main ≤ 1 ms on KVM hardware | KVM: $(fmt_dur_ns "$td_ns") | $(met "$(awk -v n="$td_ns" 'BEGIN{ if (n=="NA") print "NA"; else print n/1e6 }')" 1 le) on this host's KVM (a software KVM such as kvm_pvm interprets ring 0: not hardware) |"
else
	echo "| entry→main ≤ 1 ms on KVM hardware | TCG only: $(fmt_dur_ns "$td_ns") (icount: $(fmt_dur_ns "$td_icc") virtual) | not measurable here: /dev/kvm is a software KVM (kvm_pvm); TCG figure is indicative only; $(met "$(awk -v n="$td_ns" 'BEGIN{ if (n=="NA") print "NA"; else print n/1e6 }')" 1 le) under TCG |"
fi
echo "| ≥ 50× less wall time than the Linux guest to /init, same QEMU | ${wall_x}× | $(met "$wall_x" 50 ge) |"
echo "| hello.img ≤ 200 KiB | $td_kib KiB | $(met "$td_kib" 200 le) |"
echo
echo "Notes: Linux's kernel clock starts after firmware and bzImage decompression, so its guest-side row"
echo "understates Linux (the TSC row includes them); Tandem's cycles exclude firmware too. Under plain TCG the"
echo "guest TSC reads host ticks (converted at the host rate); under \`-icount shift=0\` it counts virtual ns."
echo "Tandem's exec→exit includes everything the image does after main (hello sleeps 10×10 ms)."
[ "$FAILS" -gt 0 ] && echo && echo "**$FAILS run(s) failed** — see BUILD/bench/runs/."
} > "$OUTMD"
cat "$OUTMD"
echo "boot.sh: table in $OUTMD, serial logs in $RUNS/" >&2
[ "$FAILS" -eq 0 ]
