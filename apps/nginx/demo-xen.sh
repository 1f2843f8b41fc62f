#!/bin/bash
# apps/nginx/demo-xen.sh BUILD [pv|pvh]... -- `make demo-xen`: boots the
# nginx appliance (the same nginx.img as `make demo`) as a Xen PV and a
# Xen PVH guest with `tandem run xen IMG --type T -p PORT:80`, fetches
# its page from the host with curl, prints it with the time from launch
# to the first byte, and stops it with `xl shutdown` (nginx gets SIGTERM
# and exits 0).
#
# Where the host is no dom0, `tandem run xen` boots Debian's Xen inside
# QEMU TCG (tests/xen): -p forwards the host port through the outer QEMU
# and dom0's bridge to the guest, which takes its address by DHCP; the
# time printed includes booting that nested Xen.  In a real dom0 the
# guest sits on your bridge: set DEMO_XEN_IP=ADDR/PREFIX (a free address
# of that bridge's network) and the page is fetched from ADDR.
set -uo pipefail
B=${1:-build}
shift $(($# > 0))
port=${DEMO_XEN_PORT:-8081}
img=$B/img/nginx.img
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if grep -q control_d /proc/xen/capabilities 2>/dev/null; then
	[ -n "${DEMO_XEN_IP:-}" ] || {
		echo "demo-xen: this is a dom0: set DEMO_XEN_IP=ADDR/PREFIX, a free address on xenbr0's network" >&2
		exit 2
	}
	how=(--net bridge -- "ip=$DEMO_XEN_IP")
	url=http://${DEMO_XEN_IP%/*}/
else
	how=(-p "$port:80")
	url=http://127.0.0.1:$port/
fi
rc=0
for ty in ${*:-pv pvh}; do
	echo "== nginx.img: $(stat -c %s "$img") bytes, sha256 $(sha256sum "$img" | cut -c1-16)..."
	echo "== tandem run xen nginx.img --type $ty ${how[*]}"
	t0=$(date +%s.%N)
	"$B/bin/tandem" run xen "$img" --type "$ty" --mem 32 --timeout 300 \
	    --shutdown-after DEMO-STOP "${how[@]}" > "$log" 2>&1 &
	pid=$!
	body=
	while kill -0 "$pid" 2>/dev/null; do
		if body=$(curl -s -m 2 "$url" 2>/dev/null) && [ -n "$body" ]; then
			break
		fi
		sleep 0.2
	done
	t1=$(date +%s.%N)
	if [ -n "$body" ]; then
		echo "== GET $url answered $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s after launch$([ "${how[0]}" = -p ] && echo ' (nested Xen boot included)'):"
		echo "$body"
		# nginx logs the missing file: dom0 sees the marker and runs
		# `xl shutdown`
		curl -s -o /dev/null -m 5 "${url}DEMO-STOP" || true
	else
		echo "== no answer from the guest"
	fi
	wait "$pid"
	st=$?
	echo "== guest console:"
	sed 's/^/   | /' "$log"
	echo "== guest status: $st (0: nginx stopped on SIGTERM from xl shutdown)"
	[ -n "$body" ] && [ "$st" = 0 ] || rc=1
done
exit $rc
