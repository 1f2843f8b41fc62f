# lib.sh -- helpers for boot tests (QEMU and Xen tiers); source it from a
# bash script that has set B (the build directory) and T (where logs go):
#
#	B=${1:-build}; T=$B/tests/boot; . tests/boot/lib.sh
#	boot hello-pc pc "$B/img/hello.img" 7	# console -> $LOG, status -> $RC
#	expect_rc "hello pc rc" 7
#	expect_line "hello greets" "$LOG" '^Hello from Tandem'
#	expect_last "hello last line" "$LOG" '^tandem: exit 7$'
#	check "image unchanged" cmp -s a b
#	xen_job hello-pv pv "$B/img/hello.img" 3	# queue a Xen job ...
#	xen_run					# ... all queued jobs in ONE Xen boot
#	expect_job "hello pv rc" hello-pv 3	# sets LOG to the job's console
#	summary					# "N passed, N failed"; status
#
# Every check prints "PASS name" or "FAIL name: why" (then the tail of the
# relevant log, indented); skip prints "SKIP name (why)" and counts
# nothing.  summary's line is the one tests/run-all.sh adds up.
#
# Knobs (environment, per call): ACCEL=tcg|kvm (boot), TIMEOUT=S,
# MEM=MB, BOOT_OPTS=(extra launcher options), XEN_MEM, XEN_TIMEOUT,
# XEN_OPTS=("shutdown-after=TEXT" "xl=LINE" "file=PATH") for xen_job.

T_PASS=0
T_FAIL=0
LOG=
RC=
BOOT_OPTS=()
XEN_OPTS=()
T_JOBS=()

t_launcher() { echo "${TANDEM:-${B:?set B to the build directory}/bin/tandem}"; }
t_dir() { mkdir -p "${T:?set T to the log directory}"; echo "$T"; }

pass() { T_PASS=$((T_PASS + 1)); echo "PASS $1"; }
# fail NAME WHY [FILE]: a failed check, with the tail of FILE.
fail() {
	T_FAIL=$((T_FAIL + 1))
	echo "FAIL $1${2:+: $2}"
	if [ -n "${3:-}" ] && [ -s "$3" ]; then
		tail -n "${T_TAIL:-12}" "$3" | sed 's/^/    | /'
	fi
	return 0
}
skip() { echo "SKIP $1${2:+ ($2)}"; }

# boot NAME MACHINE IMAGE [APP ARGS...]: runs IMAGE with `tandem run`;
# the console goes to $LOG (= $T/NAME.log), the launcher's diagnostics to
# $T/NAME.err, the status to $RC and $T/NAME.rc.
boot() {
	local name=$1 machine=$2 image=$3 t
	shift 3
	t=$(t_dir)
	LOG=$t/$name.log
	"$(t_launcher)" run "${ACCEL:-tcg}" "$image" --machine "$machine" \
	    --timeout "${TIMEOUT:-60}" ${MEM:+--mem "$MEM"} "${BOOT_OPTS[@]}" \
	    -- "$@" > "$LOG" 2> "$t/$name.err"
	RC=$?
	echo "$RC" > "$t/$name.rc"
}
# boot_tcg MACHINE IMAGE [ARGS...]: boot under a name made of the rest.
boot_tcg() {
	local n
	n=$(echo "tcg-$1-$(basename "$2")-${*:3}" | tr -cs 'A-Za-z0-9_.-' '_')
	ACCEL=tcg boot "${n%_}" "$@"
}

# expect_rc NAME WANT: the status of the last boot.
expect_rc() {
	if [ "$RC" = "$2" ]; then
		pass "$1"
	else
		fail "$1" "status $RC, want $2" "${LOG%.log}.err"
		[ -s "$LOG" ] && tail -n 5 "$LOG" | sed 's/^/    > /'
	fi
	return 0
}

# expect_line NAME FILE REGEX: some line of FILE matches (grep -E).
expect_line() {
	if grep -qE -- "$3" "$2" 2>/dev/null; then pass "$1"
	else fail "$1" "no line matches /$3/" "$2"; fi
}

# expect_no_line NAME FILE REGEX: no line of FILE matches.
expect_no_line() {
	local l
	if l=$(grep -m1 -E -- "$3" "$2" 2>/dev/null); then fail "$1" "unexpected: $l"
	else pass "$1"; fi
}

# expect_last NAME FILE REGEX: the last non-blank line of FILE matches.
expect_last() {
	local l
	l=$(grep -v '^[[:space:]]*$' "$2" 2>/dev/null | tail -n 1)
	if printf '%s\n' "$l" | grep -qE -- "$3"; then pass "$1"
	else fail "$1" "last line is '$l', want /$3/"; fi
}

# expect_sleeps NAME FILE N US TOL: FILE has N lines "sleep I: ... took X
# us" (hello's), each with US <= X <= US + TOL.
expect_sleeps() {
	local out
	out=$(awk -v n="$3" -v us="$4" -v tol="$5" '
	    /^sleep [0-9]+: .* took -?[0-9]+ us$/ {
		c++; x = $(NF - 1)
		if (x < us || x > us + tol) bad = bad " " x
	    }
	    END {
		if (c != n) print "found " c + 0 " sleep lines, want " n
		else if (bad != "") print "out of [" us ", " us + tol "] us:" bad
	    }' "$2" 2>/dev/null)
	if [ -z "$out" ] && [ -r "$2" ]; then pass "$1"
	else fail "$1" "${out:-cannot read $2}"; fi
}

# check NAME COMMAND...: passes iff COMMAND succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "failed: $*"; fi
}

# kvm_usable NAME [IMAGE]: 0 when `tandem probe-kvm` says KVM boots an
# image here; else prints a SKIP line for NAME with the reason.
kvm_usable() {
	local why
	why=$("$(t_launcher)" probe-kvm ${2:+"$2"} 2>&1) && return 0
	skip "$1" "$(printf '%s\n' "$why" | grep -m1 KVM | sed 's/^tandem: //')"
	return 1
}

# ---- Xen: queue jobs, run them in one Xen boot, check each ----------------
# xen_job JOB pv|pvh IMAGE [APP ARGS...]
xen_job() {
	local job=$1 type=$2 image=$3 line opt
	shift 3
	line="$job|$type|$image|${XEN_MEM:-64}|${XEN_TIMEOUT:-30}|$*"
	for opt in "${XEN_OPTS[@]}"; do line+="|$opt"; done
	T_JOBS+=("$line")
}

# xen_run: every queued job in one Xen boot (tandem xen-batch); outputs in
# $T/xen/ (JOB.log console, JOB.rc status, summary, stderr).
xen_run() {
	local d
	d=$(t_dir)/xen
	mkdir -p "$d"
	rm -f "$d"/*.rc "$d"/*.log "$d"/*.end
	printf '%s\n' "${T_JOBS[@]}" > "$d/jobs"
	"$(t_launcher)" xen-batch --out "$d" "$d/jobs" > "$d/summary" 2> "$d/stderr"
	sed 's/^/    /' "$d/summary"
	T_JOBS=()
}

# expect_job NAME JOB WANT: status of a job of the last xen_run; sets LOG
# to its console for expect_line and friends.
expect_job() {
	local d=$T/xen rc
	LOG=$d/$2.log
	rc=$(cat "$d/$2.rc" 2>/dev/null || echo none)
	if [ "$rc" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "status $rc, want $3" "$LOG"
		grep -F "$2" "$d/summary" 2>/dev/null | sed 's/^/    ! /'
		[ -s "$d/$2.xen" ] && tail -n 5 "$d/$2.xen" | sed 's/^/    ! /'
	fi
	return 0
}

# summary: the counter line; status 0 iff nothing failed.
summary() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" = 0 ]
}
finish() { summary; }

# ---- checks shared by the QEMU and Xen tiers ----
# hello_checks LOG PLATFORM STATUS NAME: the lines apps/hello must print
hello_checks() {
	local log=$1 plat=$2 st=$3 name=$4
	expect_line "$name greeting" "$log" "^Hello from Tandem on $plat "
	expect_line "$name argv0" "$log" '^argv\[0\] = "'
	expect_line "$name argv1" "$log" "^argv\\[1\\] = \"$st\""
	expect_line "$name uptime" "$log" '^uptime: [0-9]+\.[0-9]{6} s'
	expect_line "$name date" "$log" '^date: 20[2-9][0-9]-[01][0-9]-[0-3][0-9] '
	expect_sleeps "$name sleeps" "$log" 10 10000 "${SLEEP_TOL_US:-40000}"
	expect_last "$name last line" "$log" "^tandem: exit $st\$"
}


# same_suite_result NAME LOG1 LOG2: both runs of the hypercall suite
# passed the same groups ("hypercall-test: GROUP ok") and failed nothing.
# (Check counts may differ a little: some checks depend on the device,
# e.g. how deep its queue is before it pushes back.)
same_suite_result() {
	local a b
	a=$(grep -E '^hypercall-test: [a-z]+ +(ok|FAILED)$|^[0-9]+ passed, [0-9]+ failed$' "$2" |
	    sed -E 's/^[0-9]+ passed, //')
	b=$(grep -E '^hypercall-test: [a-z]+ +(ok|FAILED)$|^[0-9]+ passed, [0-9]+ failed$' "$3" |
	    sed -E 's/^[0-9]+ passed, //')
	if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$1"
	else fail "$1" "group results differ: $(diff <(echo "$a") <(echo "$b") | tr '\n' ' ')"; fi
}
