#!/bin/bash
# run-all.sh BUILD -- every test tier of `make check`, in order of cost.
# Each tier prints "N passed, N failed"; this script adds them up and
# ends with the total in the same form.
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
tiers=(tests/unit/run.sh tests/hypercall/run.sh tests/fs/run.sh tests/boot/run.sh tests/libos/run.sh tests/libos/harden.sh tests/virtio/run.sh tests/net/run.sh tests/apps/run.sh tests/deploy/run.sh tests/xen/run.sh)
tp=0; tf=0; bad=()
for t in "${tiers[@]}"; do
	[ -x "$t" ] || { echo "== $t: missing"; bad+=("$t"); tf=$((tf + 1)); continue; }
	echo "== $t"
	s=$(date +%s)
	"$t" "$B" 2>&1 | tee "$B/tier.log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$B/tier.log" | tail -1)
	p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
	tp=$((tp + ${p:-0})); tf=$((tf + ${f:-0}))
	if [ "$rc" != 0 ] || [ -z "$line" ]; then
		bad+=("$t"); [ "${f:-0}" = 0 ] && tf=$((tf + 1))
	fi
	echo "== $t: rc=$rc in $(( $(date +%s) - s )) s"
done
[ ${#bad[@]} -gt 0 ] && echo "failed tiers: ${bad[*]}"
echo "$tp passed, $tf failed"
[ ${#bad[@]} -eq 0 ]
