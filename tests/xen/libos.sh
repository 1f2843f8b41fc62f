# libos.sh -- the differential suite of libos (tests/libos/progs) as Xen
# PV and PVH guests, sourced by tests/xen/run.sh.  The reference output
# and status of each program come from tests/libos/run.sh (its native
# musl-gcc runs, BUILD/tests/libos/NAME.ref and NAME.refrc), which
# tests/run-all.sh runs before this tier.
LOREF=$B/tests/libos

lo_field() {	# lo_field NAME FILE
	sed -n "s|^/\* $1: \(.*\) \*/\$|\1|p" "$2"
}

# lo_progs TYPE: the programs to run as TYPE (pv|pvh) guests
lo_progs() {
	local src p m
	for src in tests/libos/progs/*.c; do
		p=$(basename "$src" .c)
		[ -f "$B/img/lo-$p.img" ] && [ -f "$LOREF/$p.refrc" ] || continue
		m=$(lo_field MACHINES "$src")
		[ -z "$m" ] || [[ " $m " == *" $1 "* ]] || continue
		echo "$p"
	done
}

libos_jobs() {	# libos_jobs TYPE
	local p src envs e
	# GNU hello as tests/libos/autotools.sh built and baked it
	[ -f "$B/img/gnu-hello.img" ] &&
	    xen_job "gnu-hello-$1" "$1" "$B/img/gnu-hello.img" -- --greeting=Xen
	for p in $(lo_progs "$1"); do
		src=tests/libos/progs/$p.c
		envs=()
		while read -r e; do [ -n "$e" ] && envs+=("env.$e"); done \
		    < <(lo_field ENV "$src")
		# shellcheck disable=SC2046
		XEN_TIMEOUT=$(lo_field TIMEOUT "$src") XEN_TIMEOUT=${XEN_TIMEOUT:-30} \
		    xen_job "lo-$p-$1" "$1" "$B/img/lo-$p.img" "${envs[@]}" -- \
		    $(lo_field ARGS "$src")
	done
}

libos_checks() {	# libos_checks TYPE
	local p out
	if [ -f "$B/img/gnu-hello.img" ]; then
		expect_job "GNU hello xen-$1 status" "gnu-hello-$1" 0
		expect_line "GNU hello xen-$1 greets" "$LOG" '^Xen'
	else
		fail "GNU hello xen-$1" "no $B/img/gnu-hello.img (tests/libos/run.sh)"
	fi
	for p in $(lo_progs "$1"); do
		expect_job "libos $p xen-$1 status" "lo-$p-$1" "$(cat "$LOREF/$p.refrc")"
		out=$T/lo-$p-$1.out
		grep -vE '^(tandem|virtio|acpi|blkfront|netfront|xenbus): ' "$LOG" 2>/dev/null | tr -d '\r' > "$out"
		if cmp -s "$LOREF/$p.ref" "$out"; then
			pass "libos $p xen-$1 output same as Linux"
		else
			diff "$LOREF/$p.ref" "$out" > "$out.diff"
			fail "libos $p xen-$1 output differs from Linux" "" "$out.diff"
		fi
	done
}
