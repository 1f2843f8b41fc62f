#!/bin/bash
# apps/nginx/demo-xen.sh BUILD [pv|pvh]... -- `make demo-xen`: boots the
# nginx appliance (the same nginx.img as `make demo`) as a Xen PV and a
# Xen PVH guest with `tandem run xen IMG --type T --net` (in a Xen dom0:
# xl directly; elsewhere the nested Xen of tests/xen, booted in QEMU TCG),
# fetches its page and stops it with `xl shutdown` (nginx gets SIGTERM
# and exits 0).
#
# `tandem run xen` has no -p (no QEMU user network in front of a Xen
# guest), so the page is fetched where the guest's network is: in dom0,
# on the bridge xenbr0, by a hook (--file hook.sh: dom0 runs it once the
# domain exists, and prints its output as "hook: " lines after the
# guest's console).  The time printed is from `xl create` returning (the
# domain built and unpaused) to the first byte of the answer, on dom0's
# clock; the host's wall time includes booting the nested Xen.
set -uo pipefail
B=${1:-build}
shift $(($# > 0))
img=$B/img/nginx.img
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/hook.sh" <<'EOS'
# dom0 (busybox sh): NAME, CLOG (the guest's console log), JOB (the
# directory with the --file files) are set
up() { read -r u _ < /proc/uptime; echo "${u%.*}${u#*.}"; }
t0=$(up)
ip addr add 192.0.2.1/24 dev xenbr0 2>/dev/null
i=0
# busybox's wget crashes in the nested dom0: bash's /dev/tcp instead
until [ "$(bash "$JOB/hget.sh" 192.0.2.2 / /tmp/page)" = 200 ]; do
	i=$((i + 1))
	[ $i -gt 300 ] && { echo "no answer from the guest"; xl destroy "$NAME"; exit 1; }
	sleep 0.1
done
t=$(($(up) - t0))
echo "GET http://192.0.2.2/ from dom0 answered $((t / 100)).$((t % 100 / 10)) s after xl create:"
cat /tmp/page
xl shutdown "$NAME" > /dev/null
EOS
rc=0
for ty in ${*:-pv pvh}; do
	echo "== nginx.img: $(stat -c %s "$img") bytes, sha256 $(sha256sum "$img" | cut -c1-16)..."
	echo "== tandem run xen nginx.img --type $ty --net -- ip=192.0.2.2/24"
	t0=$(date +%s.%N)
	"$B/bin/tandem" run xen "$img" --type "$ty" --net --mem 32 --timeout 60 \
	    --file "$dir/hook.sh" --file "$here/../../tests/apps/hget.sh" -- ip=192.0.2.2/24 > "$dir/console" 2> "$dir/err"
	st=$?
	t1=$(date +%s.%N)
	if grep -q '^hook: GET' "$dir/console"; then
		sed -n 's/^hook: //p' "$dir/console"
	else
		echo "== no answer from the guest:"
		cat "$dir/err"
		st=1
	fi
	echo "== guest console:"
	grep -v '^hook: ' "$dir/console" | sed 's/^/   | /'
	echo "== guest status: $st (0: nginx stopped on SIGTERM from xl shutdown);" \
	    "host wall time $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s" \
	    "$(grep -q control_d /proc/xen/capabilities 2>/dev/null || echo '(nested Xen boot included)')"
	[ "$st" = 0 ] || rc=1
done
exit $rc
