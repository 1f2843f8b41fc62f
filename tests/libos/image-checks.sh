#!/bin/bash
# image-checks.sh BUILD -- static checks of the app images, sourced by
# tests/libos/run.sh (uses its pass/fail counters):
#  - no app image issues a system call by trap: objdump finds no
#    `syscall`, `sysenter` or `int $0x80` anywhere (Tandem's own Xen
#    hypercalls go through the hypercall page, filled at run time);
#  - kernel code that resolves to musl's string functions (core's are
#    weak, musl's win in app images) uses no vector registers, since
#    interrupt handlers call them while app FPU state is live;
#  - a musl hello image stays within 200 KiB.
B=${1:-build}
imgs=("$B"/img/lo-*.img)
bad=()
for i in "${imgs[@]}"; do
	# the mnemonic column (a symbol named syscall is not one)
	n=$(objdump -d "$i" |
	    awk -F'\t' '$3 ~ /^(syscall|sysenter|int +\$0x80)( |$)/ { n++ } END { print n + 0 }')
	[ "$n" = 0 ] || bad+=("$(basename "$i"):$n")
done
if [ ${#bad[@]} = 0 ]; then
	pass "no trapping system-call instruction in ${#imgs[@]} app images"
else
	fail "system-call instructions in: ${bad[*]}"
fi
weak=$(nm --defined-only "$B/lib/libtandem.a" 2>/dev/null |
    awk '$2 == "W" { print $3 }' | sort -u)
vec=()
for s in $weak; do
	if objdump -d "$B/img/lo-hello.dbg" | awk -v s="$s" '
	    $0 ~ "^[0-9a-f]+ <" s ">:$" { f = 1; next }
	    /^[0-9a-f]+ </ { f = 0 }
	    f && /%[xy]mm/ { found = 1 }
	    END { exit !found }'; then
		vec+=("$s")
	fi
done
if [ ${#vec[@]} = 0 ]; then
	pass "string functions shared with kernel code use no vector registers"
else
	fail "vector registers in kernel-called functions: ${vec[*]}"
fi
sz=$(stat -c %s "$B/img/lo-hello.img")
if [ "$sz" -le $((200 * 1024)) ]; then
	pass "musl hello image is $((sz / 1024)) KiB (<= 200)"
else
	fail "musl hello image is $((sz / 1024)) KiB (> 200)"
fi
