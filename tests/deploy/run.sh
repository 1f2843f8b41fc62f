#!/bin/bash
# tests/deploy/run.sh BUILD -- the launcher as users meet it: refusals
# before any VM starts, help/--version/exit codes, entropy by default,
# `tandem config` outputs launched by the tool each is meant for (QEMU
# directly, `virsh create`), `tandem run libvirt` on a libvirtd this
# script starts (and stops), `virsh shutdown` through the ACPI power
# button, Ctrl-C, and a gdb session through QEMU's stub.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
T=$B/tests/deploy
. tests/boot/lib.sh
mkdir -p "$T"
T=$(cd "$T" && pwd)
TD=$(readlink -f "$B/bin/tandem")
HELLO=$(readlink -f "$B/img/hello.img")
STRESS=$(readlink -f "$B/img/stress.img")
HYP=$(readlink -f "$B/img/hypercall-test.img")
URI=qemu:///system

# ---- refusals: one line on stderr, status 125, QEMU never started ------
FAKEQ=$T/fake-qemu
printf '#!/bin/sh\ntouch %s/qemu-started\nexit 1\n' "$T" > "$FAKEQ"
chmod +x "$FAKEQ"
# refuse NAME REGEX ARGS...: `tandem ARGS` must refuse with one line
# matching REGEX.
refuse() {
	local name=$1 re=$2 rc n
	shift 2
	rm -f "$T/qemu-started"
	TANDEM_QEMU=$FAKEQ "$TD" "$@" > "$T/refuse.out" 2> "$T/refuse.err" < /dev/null
	rc=$?
	n=$(wc -l < "$T/refuse.err")
	if [ "$rc" = 125 ] && [ "$n" = 1 ] && grep -qE -- "$re" "$T/refuse.err" &&
	    [ ! -e "$T/qemu-started" ]; then
		pass "refuse: $name"
	else
		fail "refuse: $name" "rc $rc, $n stderr line(s), qemu $([ -e "$T/qemu-started" ] && echo started || echo not started)" "$T/refuse.err"
	fi
}
echo "not an image" > "$T/text.img"
head -c 6000 "$HELLO" > "$T/trunc.img"
head -c 3000000 /dev/zero > "$T/zero.img"
LONG=$(head -c 1100 /dev/zero | tr '\0' x)
truncate -s 1M "$T/d0.img"
MAN=$T/manifest.img
printf 'name=hello-m\nmem=48\nargs=9\nenv=DEPLOY=yes\ndisk=blk0\n' > "$T/manifest.txt"
cp "$HELLO" "$MAN"
objcopy --add-section .tandem.manifest="$T/manifest.txt" "$MAN"
printf 'name=bad name\n' > "$T/badman.txt"
cp "$HELLO" "$T/badman.img"
objcopy --add-section .tandem.manifest="$T/badman.txt" "$T/badman.img"
# something listening on a port: a python one-liner we start and stop
PORT=$(( 20000 + $$ % 20000 ))
python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $PORT)); s.listen(); time.sleep(120)" &
LPID=$!
for i in $(seq 50); do ss -Hltn "sport = :$PORT" | grep -q . && break; sleep 0.1; done

refuse "not ELF" 'text.img: not a Tandem image \(not an ELF file\)$' run tcg "$T/text.img"
refuse "not ELF (zeros)" 'not a Tandem image \(not an ELF file\)' run tcg "$T/zero.img"
refuse "ELF without Xen notes" 'not a Tandem image \(no Xen ELF notes' run tcg /bin/true
refuse "truncated" 'trunc.img: truncated \(6000 bytes, its headers describe [0-9]+\)$' run tcg "$T/trunc.img"
refuse "missing image" 'nope.img: no such file$' run tcg "$T/nope.img"
refuse "too little memory" '^tandem: --mem 1: .* needs at least [0-9]+ MiB$' run tcg "$HELLO" --mem 1
refuse "less memory than the manifest" 'needs at least 48 MiB \(its manifest says mem=48\)$' run tcg "$MAN" --disk "$T/d0.img" --mem 32
refuse "command line too long" 'command line too long: 1100 bytes, the boot protocol carries 1023$' run tcg "$HELLO" -- "$LONG"
refuse "missing disk" '^tandem: --disk .*/nodisk.img: no such file$' run tcg "$HELLO" --disk "$T/nodisk.img"
refuse "disk the manifest wants" 'wants 1 disk\(s\) \(blk0\), got 0: add --disk FILE$' run tcg "$MAN"
refuse "bad manifest" "manifest name 'bad name'" run tcg "$T/badman.img"
refuse "port in use (-p)" "^tandem: -p $PORT:80: port $PORT is already in use$" run tcg "$HELLO" -p "$PORT:80"
refuse "port in use (--gdb)" "^tandem: --gdb: port $PORT is already in use$" run tcg "$HELLO" --gdb "$PORT"
refuse "bad -p" "-p wants HOST:GUEST" run tcg "$HELLO" -p 80
refuse "unknown option" 'unknown option --bogus' run tcg "$HELLO" --bogus
refuse "no image" 'no IMAGE given' run tcg
refuse "bad mode" 'mode must be tcg, kvm, xen or libvirt' run vmware "$HELLO"
refuse "config without a format" 'say --qemu, --xl or --libvirt' config "$HELLO"
refuse "config: not an image" 'not a Tandem image' config "$T/text.img" --xl
refuse "libvirt: no microvm" 'libvirt: --machine pc or q35' config "$HELLO" --libvirt --machine microvm
refuse "xen: no -p" 'xen: -p needs' config "$HELLO" --xl -p 8080:80
refuse "libvirt: no --icount" 'libvirt: --icount is for tcg' config "$HELLO" --libvirt --icount
kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null

# ---- help, version, exit codes -------------------------------------------
"$TD" --version > "$T/version" 2>&1
check "--version" grep -qE '^tandem [0-9]+\.[0-9]+' "$T/version"
"$TD" help run > "$T/help-run" 2>&1
check "help run: the run section" grep -q -- '--no-rng' "$T/help-run"
check "help run: not the others" bash -c "! grep -q '^EXIT STATUS' '$T/help-run'"
"$TD" help exit > "$T/help-exit" 2>&1
check "help exit: every status" bash -c "for s in 124 125 130 '0\.\.255'; do grep -qE \"^ +\$s \" '$T/help-exit' || exit 1; done"
"$TD" --help > "$T/help-all" 2>&1
check "--help: man page sections" bash -c "for s in NAME SYNOPSIS RUN OPTIONS CONFIG 'EXIT STATUS' ENVIRONMENT EXAMPLES; do grep -q \"^\$s\" '$T/help-all' || exit 1; done"
"$TD" > /dev/null 2> "$T/usage"
check "no command: usage and 125" [ $? = 125 ]

# ---- entropy by default ------------------------------------------------------
boot "hello-rng" pc "$HELLO" 4
expect_rc "rng: hello rc" 4
expect_line "rng: a virtio-rng by default (pc)" "$LOG" '^virtio: rng0 at pci '
boot "hello-rng-microvm" microvm "$HELLO" 4
expect_rc "rng: hello microvm rc" 4
expect_line "rng: a virtio-rng by default (microvm)" "$LOG" '^virtio: rng0 at mmio'
# QEMU's default CPU (no RDRAND): the suite gets its entropy from the device
boot "hyptest-rng" pc "$HYP" 'HYPTEST_KEY="hello world"'
expect_rc "rng: hypercall suite rc" 0
expect_line "rng: getrandom from virtio-rng" "$LOG" '^hypercall-test: entropy source virtio-rng$'
# no source: said once, and a blocking getrandom fails (ENXIO) instead of
# hanging -- the suite checks the error, the timeout the absence of a hang
BOOT_OPTS=(--no-rng)
TIMEOUT=30 boot "hyptest-norng" pc "$HYP" 'HYPTEST_KEY="hello world"'
BOOT_OPTS=()
expect_rc "no rng: hypercall suite rc (blocking getrandom fails, no hang)" 0
expect_line "no rng: no source" "$LOG" '^hypercall-test: entropy source NONE$'
check "no rng: the warning is said once" [ "$(grep -c 'WARNING: no strong entropy source' "$LOG")" = 1 ]
check "no rng: the failure is said once" [ "$(grep -c '^tandem: getrandom: no entropy source; failing' "$LOG")" = 1 ]
expect_no_line "no rng: no device" "$LOG" '^virtio: rng0'

# ---- tandem config --qemu: launched by QEMU itself ---------------------------
"$TD" config "$HELLO" --qemu -- 5 > "$T/qemu.args" 2> "$T/qemu.args.err"
check "config --qemu: a virtio-rng" grep -q -- '-device virtio-rng-pci' "$T/qemu.args"
# shellcheck disable=SC2046
timeout 60 qemu-system-x86_64 $(cat "$T/qemu.args") < /dev/null 2>/dev/null |
    tr -d '\r' > "$T/qemu-direct.log"
QRC=${PIPESTATUS[0]}
check "config --qemu: qemu-system-x86_64 \$(...) exits (5<<1)|1" [ "$QRC" = 11 ]
LOG=$T/qemu-direct.log
hello_checks "$LOG" tcg 5 "config --qemu"
# --kvm: the same line with -accel kvm, launched when the probe says KVM
# runs a guest here (on machines without a working KVM: skipped, said)
KVMOK=
if "$TD" probe-kvm "$HELLO" > "$T/probe-kvm.log" 2>&1; then
	KVMOK=1
	"$TD" config "$HELLO" --qemu --kvm -- 5 > "$T/qemu-kvm.args" 2>&1
	check "config --qemu --kvm: -accel kvm" grep -q -- '-accel kvm ' "$T/qemu-kvm.args"
	# shellcheck disable=SC2046
	timeout 60 qemu-system-x86_64 $(cat "$T/qemu-kvm.args") < /dev/null 2>/dev/null |
	    tr -d '\r' > "$T/qemu-kvm.log"
	QRC=${PIPESTATUS[0]}
	check "config --qemu --kvm: qemu-system-x86_64 \$(...) exits (5<<1)|1" [ "$QRC" = 11 ]
	SLEEP_TOL_US=500000 hello_checks "$T/qemu-kvm.log" kvm 5 "config --qemu --kvm"
else
	skip "config --qemu --kvm" "$(grep -m1 'KVM unusable' "$T/probe-kvm.log" | sed 's/^tandem: //')"
fi
# the manifest: its mem, env and args, and the disk it wants
"$TD" config "$MAN" --qemu --disk "$T/d0.img" > "$T/qemu-man.args" 2>&1
check "config --qemu: manifest mem" grep -q -- '-m 48 ' "$T/qemu-man.args"
check "config --qemu: manifest disk" grep -q -- "-drive file=$T/d0.img," "$T/qemu-man.args"
eval "timeout 60 qemu-system-x86_64 $(cat "$T/qemu-man.args")" < /dev/null 2>/dev/null |
    tr -d '\r' > "$T/qemu-man.log"
QRC=${PIPESTATUS[0]}
check "config --qemu: manifest args (exit 9)" [ "$QRC" = 19 ]
expect_line "config --qemu: manifest args reach main" "$T/qemu-man.log" '^argv\[1\] = "9"$'
# same through run: the manifest's args are the default
boot "run-manifest" pc "$MAN" 
RC_SAVE=$RC
BOOT_OPTS=(--disk "$T/d0.img")
boot "run-manifest" pc "$MAN"
BOOT_OPTS=()
expect_rc "run: manifest args are the default (exit 9)" 9
expect_line "run: manifest disk attached" "$LOG" '^virtio: blk0: '
check "run: the manifest's disk is required" [ "$RC_SAVE" = 125 ]

# ---- tandem config --xl: the file (xl create runs in tests/xen) ------------
"$TD" config "$MAN" --xl --pvh --disk "$T/d0.img" > "$T/man.cfg" 2>&1
check "config --xl: type pvh" grep -qx 'type = "pvh"' "$T/man.cfg"
check "config --xl: name from the manifest" grep -qx 'name = "hello-m"' "$T/man.cfg"
check "config --xl: kernel is the image" grep -qx "kernel = \"$MAN\"" "$T/man.cfg"
check "config --xl: memory from the manifest" grep -qx 'memory = 48' "$T/man.cfg"
check "config --xl: env and args" grep -qx 'cmdline = "DEPLOY=yes -- 9"' "$T/man.cfg"
check "config --xl: the disk" grep -q "^disk = \[ 'format=raw,vdev=xvda,access=rw,target=$T/d0.img' \]" "$T/man.cfg"
"$TD" config "$HELLO" --xl > "$T/hello.cfg" 2>&1
check "config --xl: PV by default" grep -qx 'type = "pv"' "$T/hello.cfg"

# ---- libvirt: a daemon of our own when none runs -----------------------------
LVPID= VLPID=
# Our libvirtd runs QEMU as root, through a qemu.conf bind-mounted in a
# private mount namespace (the system's file is not touched): /dev/kvm is
# root-only on these machines, and libvirt 9.0 running QEMU as
# libvirt-qemu then finds its cached capabilities stale at every domain
# start and re-probes QEMU (~50 s each time).
lv_up() {
	virsh -c "$URI" version > /dev/null 2>&1 && return 0
	[ -x /usr/sbin/libvirtd ] || { echo "no /usr/sbin/libvirtd" > "$T/libvirtd.err"; return 1; }
	printf 'user = "root"\ngroup = "root"\ndynamic_ownership = 0\n' > "$T/qemu.conf"
	/usr/sbin/virtlogd -d -p "$T/virtlogd.pid" 2> "$T/virtlogd.err" && VLPID=$(cat "$T/virtlogd.pid")
	unshare -m sh -c 'mount --bind "$1" /etc/libvirt/qemu.conf &&
	    exec /usr/sbin/libvirtd -d -p "$2"' sh "$T/qemu.conf" "$T/libvirtd.pid" \
	    2> "$T/libvirtd.err" || return 1
	LVPID=$(cat "$T/libvirtd.pid")
	for i in $(seq 100); do
		virsh -c "$URI" version > /dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
lv_down() {
	[ -n "$LVPID" ] && kill "$LVPID" 2>/dev/null
	[ -n "$VLPID" ] && kill "$VLPID" 2>/dev/null
	LVPID= VLPID=
}
trap lv_down EXIT
# no_domains NAME: libvirt answered, and lists no domain matching NAME
no_domains() {
	local l
	l=$(virsh -c "$URI" list --all --name 2>&1) || return 1
	! grep -q "$1" <<< "$l"
}

# virsh_hello DOM PLAT WHAT [config options]: hello's `tandem config
# --libvirt` XML (exit status 6) started with plain `virsh create` as
# domain DOM-$$, followed to its end; PLAT is what hello must say it ran
# on (tcg: a domain of type qemu, kvm: of type kvm)
virsh_hello() {
	local dom=$1 plat=$2 what=$3 con x vt=qemu i
	shift 3
	con=$T/$dom.console x=$T/$dom.xml
	[ "$plat" = kvm ] && vt=kvm
	rm -f "$con"
	"$TD" config "$HELLO" --libvirt "$@" --console-log "$con" -- 6 > "$x" 2>&1
	sed -i "s|<name>hello</name>|<name>$dom-$$</name>|" "$x"
	check "$what: a virtio-rng" grep -q "<rng model='virtio'>" "$x"
	check "$what: domain type $vt" grep -q "<domain type='$vt'" "$x"
	virsh -c "$URI" create "$x" > "$T/$dom.out" 2>&1
	check "$what: virsh create accepts it" grep -q "Domain '$dom-$$' created" "$T/$dom.out"
	for i in $(seq 600); do
		no_domains "$dom-$$" && break
		sleep 0.2
	done
	check "$what: the domain ended by itself" no_domains "$dom-$$"
	# virtlogd writes the log behind the domain: let it catch up
	for i in $(seq 50); do grep -q '^tandem: exit' "$con" 2>/dev/null && break; sleep 0.2; done
	tr -d '\r' < "$con" > "$con.txt"
	hello_checks "$con.txt" "$plat" 6 "$what (virsh create)"
}

# timing is not what these boots check (libvirt's QEMU has no -icount and
# the machine is shared)
SLEEP_TOL_US=500000
if ! lv_up; then
	skip "libvirt" "cannot start libvirtd ($(tail -1 "$T/libvirtd.err" 2>/dev/null))"
else
	# config --libvirt, launched with plain `virsh create`
	virsh_hello tdtest tcg "config --libvirt"
	# --kvm: a domain of type kvm, where the probe passed
	if [ -n "$KVMOK" ]; then
		virsh_hello tdkvm kvm "config --libvirt --kvm" --kvm
		ACCEL=libvirt TANDEM_LIBVIRT_KVM=1 boot "libvirt-kvm" pc "$HELLO" 3
		expect_rc "run libvirt (TANDEM_LIBVIRT_KVM=1): rc" 3
		hello_checks "$LOG" kvm 3 "run libvirt on kvm"
	else
		skip "libvirt on kvm" "the KVM probe failed (see config --qemu --kvm)"
	fi

	# tandem run libvirt
	ACCEL=libvirt
	boot "libvirt-hello" pc "$HELLO" 3
	expect_rc "run libvirt: hello rc" 3
	hello_checks "$LOG" tcg 3 "run libvirt"
	expect_line "run libvirt: progress on stderr" "$T/libvirt-hello.err" '^tandem: libvirt: domain tandem-hello-[0-9]+ on qemu:///system'
	check "run libvirt: the domain is gone" no_domains tandem-hello
	BOOT_OPTS=(-q)
	boot "libvirt-quiet" pc "$HELLO" 0
	BOOT_OPTS=()
	expect_rc "run libvirt -q: rc" 0
	check "run libvirt -q: nothing on stderr" [ ! -s "$T/libvirt-quiet.err" ]
	boot "libvirt-panic" pc "$B/img/panic.img"
	expect_rc "run libvirt: panic is 255" 255
	TIMEOUT=5 boot "libvirt-timeout" pc "$STRESS" 4 100000
	expect_rc "run libvirt: timeout is 124" 124
	check "run libvirt: the timed-out domain is gone" no_domains tandem-stress
	# NICs through libvirt: libvirt's user network; with -p (a port
	# forward on the first), through QEMU directly, in the same order
	BOOT_OPTS=(--net user --net user)
	boot "libvirt-nic" pc "$HELLO" 2
	expect_rc "run libvirt --net user x2: rc" 2
	expect_line "run libvirt --net user: net0" "$LOG" '^virtio: net0: .*52:54:00:12:34:56'
	expect_line "run libvirt --net user: net1" "$LOG" '^virtio: net1: .*52:54:00:12:34:57'
	BOOT_OPTS=(--net user --net user -p "$((PORT + 1)):80" --qemu -no-user-config)
	boot "libvirt-fwd" pc "$HELLO" 2
	BOOT_OPTS=()
	expect_rc "run libvirt -p: rc" 2
	expect_line "run libvirt -p: net0" "$LOG" '^virtio: net0: .*52:54:00:12:34:56'
	expect_line "run libvirt -p: net1" "$LOG" '^virtio: net1: .*52:54:00:12:34:57'
	"$TD" config "$HELLO" --libvirt -p "$((PORT + 1)):80" > "$T/fwd.xml" 2>&1
	check "config --libvirt -p: hostfwd on 127.0.0.1" grep -q "hostfwd=tcp:127.0.0.1:$((PORT + 1))-:80" "$T/fwd.xml"

	# a disk through libvirt: blkcheck writes a pattern the host verifies
	if gcc -O2 -o "$T/pattern" tests/virtio/pattern.c 2> "$T/pattern.err"; then
		rm -f "$T/lv-d0.img"; truncate -s 8M "$T/lv-d0.img"
		BOOT_OPTS=(--disk "$T/lv-d0.img")
		boot "libvirt-blk" pc "$(readlink -f "$B/img/blkcheck.img")" write 11
		BOOT_OPTS=()
		expect_rc "run libvirt --disk: blkcheck write rc" 0
		expect_line "run libvirt --disk: flushed" "$LOG" '^blkcheck: blk0: wrote 8388608 bytes, seed 11, .*flushed'
		check "run libvirt --disk: the host verifies the guest's pattern" \
		    "$T/pattern" verify 11 "$T/lv-d0.img"
	else
		fail "run libvirt --disk" "cannot build tests/virtio/pattern.c" "$T/pattern.err"
	fi
	unset ACCEL

	# virsh shutdown: the ACPI power button, a graceful end
	LOG=$T/libvirt-shutdown.log
	: > "$LOG"	# not last run's: the job's redirect may come after the first poll
	"$TD" run libvirt "$STRESS" --timeout 120 -- 4 100000 > "$LOG" 2> "$T/libvirt-shutdown.err" &
	SPID=$!
	for i in $(seq 600); do grep -q '^stress: 4 threads' "$LOG" && break; sleep 0.2; done
	# (virsh itself sometimes fails to reach the daemon: a few tries,
	# each written down; one press is all the guest needs)
	: > "$T/virsh-shutdown.out"
	for i in 1 2 3 4 5; do
		DOM=$(virsh -c "$URI" list --name 2>> "$T/virsh-shutdown.out" | grep -m1 "tandem-stress-$SPID")
		[ -n "$DOM" ] && virsh -c "$URI" shutdown "$DOM" >> "$T/virsh-shutdown.out" 2>&1 && break
		echo "try $i: domain '$DOM'" >> "$T/virsh-shutdown.out"
		sleep 1
	done
	wait "$SPID"
	RC=$?
	expect_rc "virsh shutdown: exit 0" 0
	expect_line "virsh shutdown: through the power button" "$LOG" '^tandem: shutdown requested by the host \(ACPI power button\)$'
	expect_last "virsh shutdown: last line" "$LOG" '^tandem: exit 0$'
	check "virsh shutdown: the domain is gone" no_domains "tandem-stress-$SPID"

	# Ctrl-C on tandem run libvirt: the domain goes too
	set -m
	"$TD" run libvirt "$STRESS" --timeout 120 -- 4 100000 > "$T/libvirt-int.log" 2>&1 &
	SPID=$!
	set +m
	for i in $(seq 600); do grep -q '^stress: 4 threads' "$T/libvirt-int.log" && break; sleep 0.2; done
	kill -INT "$SPID"
	wait "$SPID"
	RC=$?
	LOG=$T/libvirt-int.log
	expect_rc "run libvirt, SIGINT: 130" 130
	check "run libvirt, SIGINT: the domain is gone" no_domains "tandem-stress-$SPID"
	lv_down
fi
unset SLEEP_TOL_US

# ---- Ctrl-C under QEMU: every child stopped, temporary files removed ------
mkdir -p "$T/tmp"
rm -rf "$T/tmp"/* "$T/int-qemu.pid"
set -m
FWD=$((PORT + 2))
TMPDIR=$T/tmp "$TD" run tcg "$STRESS" --qemu -pidfile --qemu "$T/int-qemu.pid" \
    -p "$FWD:80" -- 4 100000 > "$T/int.log" 2> "$T/int.err" &
SPID=$!
set +m
for i in $(seq 300); do grep -q '^stress: 4 threads' "$T/int.log" && break; sleep 0.1; done
QP=$(cat "$T/int-qemu.pid" 2>/dev/null)
check "SIGINT: the work directory existed" [ -n "$(ls "$T/tmp")" ]
check "-p: QEMU forwards 127.0.0.1:$FWD" bash -c "ss -Hltn 'sport = :$FWD' | grep -q 127.0.0.1:$FWD"
kill -INT "$SPID"
wait "$SPID"
RC=$?
LOG=$T/int.log
expect_rc "SIGINT: status 130" 130
sleep 0.5
check "SIGINT: QEMU stopped" bash -c "[ -n '$QP' ] && ! kill -0 '$QP' 2>/dev/null"
check "SIGINT: temporary files removed" [ -z "$(ls "$T/tmp")" ]
check "SIGINT: no child left" bash -c "! pgrep -P '$SPID' > /dev/null"

# ---- gdb through QEMU's stub ---------------------------------------------------
GPORT=$(( 20000 + ($$ + 7) % 20000 ))
"$TD" run tcg "$HELLO" --gdb "$GPORT" -- 4 > "$T/gdb-guest.log" 2> "$T/gdb-guest.err" &
GPID=$!
for i in $(seq 100); do ss -Hltn "sport = :$GPORT" | grep -q . && break; sleep 0.1; done
expect_line "gdb: the command line is printed" "$T/gdb-guest.err" "gdb .*/hello\\.dbg -ex 'target remote 127\\.0\\.0\\.1:$GPORT'"
timeout 120 gdb -batch -nx "${HELLO%.img}.dbg" -ex "target remote 127.0.0.1:$GPORT" \
    -ex 'break main' -ex 'continue' -ex 'bt' -ex 'break td_sleep_until' -ex 'continue' \
    -ex 'bt' -ex 'delete' -ex 'continue' > "$T/gdb.out" 2>&1
wait "$GPID"
RC=$?
LOG=$T/gdb-guest.log
expect_line "gdb: stops in main with its arguments" "$T/gdb.out" '^Breakpoint 1, main \(argc=2, argv=0x[0-9a-f]+\) at apps/hello/main\.c'
expect_line "gdb: backtrace from the platform to the app" "$T/gdb.out" '^#[1-9] +0x[0-9a-f]+ in main \(argc=2'
expect_line "gdb: a breakpoint in the core" "$T/gdb.out" '^Breakpoint 2(\.[0-9]+)?, td_sleep_until '
expect_rc "gdb: the guest ran to its end" 4

summary
