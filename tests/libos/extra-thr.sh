# tests/libos/extra-thr.sh -- Tandem-only checks of threads, process and
# signals that a differential run cannot make (Linux has processes and
# no report of unknown calls).  Sourced by tests/libos/run.sh (full run)
# after its programs: uses B, T and tests/boot/lib.sh's boot/pass/fail;
# runs alone too: tests/libos/extra-thr.sh [BUILD].
if [ -z "${T_PASS+x}" ]; then
	set -u
	cd "$(dirname "$0")/../.." || exit 1
	B=${1:-build}
	T=$B/tests/libos
	. tests/boot/lib.sh
	thr_alone=1
fi

thr_img=$B/img/lo-th_nosys.img
if [ ! -f "$thr_img" ]; then
	fail "extra-thr: image" "missing $thr_img (make)"
else
	# unknown numbers: ENOSYS, the guest lives on, the report at exit
	# names each with its count
	boot thr-nosys pc "$thr_img"
	expect_rc "extra-thr: unknown syscalls, status" 0
	expect_line "extra-thr: report names syscall(500) x3" "$LOG" \
	    '^tandem: unimplemented syscalls:.* nr500 x3( |$)'
	expect_line "extra-thr: report names syscall(999) x2" "$LOG" \
	    '^tandem: unimplemented syscalls:.* nr999 x2( |$)'
	expect_line "extra-thr: still alive after them" "$LOG" '^still alive$'
	# no second process: fork, execve, posix_spawn, a raw clone
	boot thr-nosys-tandem pc "$thr_img" tandem
	expect_rc "extra-thr: no processes, status" 0
	for c in "fork: -1 ENOSYS" "execve: -1 ENOSYS" "posix_spawn: ENOSYS" \
	    "clone \(fork-like\): -1 ENOSYS"; do
		expect_line "extra-thr: $(echo "${c%%:*}" | tr -d '\\') fails with ENOSYS" "$LOG" "^$c\$"
	done
	expect_line "extra-thr: sethostname shows in uname" "$LOG" \
	    '^sethostname: 0, nodename=th-nosys$'
fi

# getrandom without any entropy source (QEMU's default CPU has no RDRAND
# and no rng device is attached): GRND_NONBLOCK says EAGAIN, never blocks
thr_img=$B/img/lo-th_random.img
if [ -f "$thr_img" ]; then
	TIMEOUT=30 boot thr-random-none pc "$thr_img" nonblock
	expect_rc "extra-thr: getrandom without entropy, status" 0
	if grep -q 'no strong entropy source' "$LOG"; then
		expect_line "extra-thr: GRND_NONBLOCK without entropy: EAGAIN" \
		    "$LOG" '^NONBLOCK: EAGAIN$'
	else
		expect_line "extra-thr: GRND_NONBLOCK with entropy: bytes" \
		    "$LOG" '^NONBLOCK: 16$'
	fi
fi

# SIGTERM with a handler that exits 0: the guest's status is the app's
# (what `xl shutdown` relies on); without one: 143 (th_sigterm)
thr_img=$B/img/lo-th_sigterm.img
if [ -f "$thr_img" ]; then
	boot thr-sigterm-handled pc "$thr_img" handled
	expect_rc "extra-thr: SIGTERM handled, exit 0" 0
	expect_line "extra-thr: SIGTERM handler ran" "$LOG" \
	    '^SIGTERM handled, exiting cleanly$'
fi

[ -n "${thr_alone:-}" ] && summary
unset thr_img thr_alone
