#!/bin/bash
# tests/boot/run.sh BUILD -- boots the images under QEMU TCG on every
# machine type and checks what they print and how they exit.  One
# hello.img serves every machine (and the Xen tier): its sha256 is
# recorded here and asserted unchanged after every boot.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
. tests/boot/lib.sh
T=$B/tests/boot
mkdir -p "$T"
IMG=$B/img/hello.img
sha0=$(sha256sum "$IMG" | cut -d' ' -f1)
echo "$sha0" > "$B/img/hello.img.sha256"
echo "hello.img sha256 $sha0 ($(stat -c %s "$IMG") bytes)"

for m in pc q35 microvm; do
	for st in 0 7; do
		boot "hello-$m-$st" "$m" "$IMG" "$st"
		expect_rc "hello $m rc $st" "$st"
		hello_checks "$LOG" tcg "$st" "hello $m/$st"
	done
	boot "panic-$m" "$m" "$B/img/panic.img"
	expect_rc "panic $m rc" 255
	expect_line "panic $m trap" "$LOG" '^tandem: trap 14 \(page fault\) err 0x[0-9a-f]+ at crash_here\+0x[0-9a-f]+ addr 0x7ff0000000'
	expect_line "panic $m backtrace" "$LOG" '^ +[0-9a-f]{16} level2\+0x'
	expect_line "panic $m backtrace main" "$LOG" '^ +[0-9a-f]{16} main\+0x'
	expect_last "panic $m last line" "$LOG" '^(tandem: panic: |  |    )'
	expect_line "panic $m panic line" "$LOG" '^tandem: panic: page fault at crash_here'
	boot "stress-$m" "$m" "$B/img/stress.img" 64 5
	expect_rc "stress $m rc" 0
	expect_line "stress $m ok" "$LOG" '^stress: OK$'
done

boot "panic-ud" pc "$B/img/panic.img" ud
expect_rc "panic ud rc" 255
expect_line "panic ud trap" "$LOG" '^tandem: trap 6 \(invalid opcode\)'
boot "panic-abort" pc "$B/img/panic.img" abort
expect_rc "panic abort rc" 255
expect_line "panic abort line" "$LOG" '^tandem: panic: abort'

# The rumpuser v17 suite of tests/hypercall, booted.  -cpu max: qemu64
# has no RDRAND, and rumpuser_getrandom refuses to invent entropy.
BOOT_OPTS=(--cpu max)
for m in pc microvm; do
	boot "hyptest-$m" $m "$B/img/hypercall-test.img" 'HYPTEST_KEY="hello world"'
	expect_rc "hypercall suite $m rc" 0
	expect_line "hypercall suite $m result" "$LOG" '^[0-9]+ passed, 0 failed$'
done
same_suite_result "hypercall suite same on pc and microvm" \
    "$T/hyptest-pc.log" "$T/hyptest-microvm.log"
BOOT_OPTS=()

# Without a LAPIC the one-shot timer is the PIT (through the 8259).
BOOT_OPTS=(--cpu qemu64,-apic)
boot "hello-pit" pc "$IMG" 5
expect_rc "hello pit-timer rc" 5
hello_checks "$LOG" tcg 5 "hello pit-timer"
boot "stress-pit" pc "$B/img/stress.img" 32 3
expect_line "stress pit-timer ok" "$LOG" '^stress: OK$'
BOOT_OPTS=()

# A guest that never ends must come back as 124, not hang the suite.
TIMEOUT=3 boot "timeout" pc "$B/img/stress.img" 4 100000
expect_rc "timeout rc" 124

# KVM only when a probe proves it can run a guest here.
if "$B/bin/tandem" probe-kvm "$IMG" >"$T/probe-kvm.log" 2>&1; then
	ACCEL=kvm boot "hello-kvm" pc "$IMG" 3
	expect_rc "hello kvm rc" 3
	hello_checks "$LOG" kvm 3 "hello kvm"
else
	echo "SKIP kvm: $(tail -1 "$T/probe-kvm.log")"
fi

sha1=$(sha256sum "$IMG" | cut -d' ' -f1)
check "hello.img sha256 unchanged by the boots" [ "$sha0" = "$sha1" ]
summary
