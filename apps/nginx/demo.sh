#!/bin/bash
# apps/nginx/demo.sh BUILD [PORT] -- `make demo`: boots the nginx
# appliance under QEMU with user networking and `-p PORT:80` (no root,
# no tap), fetches its page from the host with curl, prints it with the
# time from launch to the first byte, and stops the guest gracefully
# (ACPI power button: nginx gets SIGTERM and exits 0).
set -uo pipefail
B=${1:-build}
port=${2:-8080}
img=$B/img/nginx.img
log=$(mktemp)
echo "== nginx.img: $(stat -c %s "$img") bytes, sha256 $(sha256sum "$img" | cut -c1-16)..."
echo "== tandem run tcg nginx.img -p $port:80"
t0=$(date +%s.%N)	# the launch: after the lines above (sha256sum)
"$B/bin/tandem" run tcg "$img" -p "$port:80" --timeout 120 \
    --shutdown-after "DEMO-STOP" > "$log" 2>&1 &
pid=$!
body=
for ((i = 0; i < 3000; i++)); do	# every 20 ms, 60 s
	if body=$(curl -s -m 2 "http://127.0.0.1:$port/" 2>/dev/null) &&
	    [ -n "$body" ]; then
		break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.02
done
t1=$(date +%s.%N)
if [ -z "$body" ]; then
	echo "== no answer from the guest:"
	cat "$log"
	kill "$pid" 2>/dev/null
	rm -f "$log"
	exit 1
fi
echo "== GET http://127.0.0.1:$port/ answered $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s after launch:"
echo "$body"
# the launcher presses the power button when the console shows the
# marker; nginx logs nothing for it, so ask by timeout-free means: send
# the marker through a request nginx logs as an error (a missing file)
curl -s -o /dev/null "http://127.0.0.1:$port/DEMO-STOP" || true
wait "$pid"
rc=$?
echo "== guest console:"
sed 's/^/   | /' "$log"
echo "== guest status: $rc (0: nginx stopped on SIGTERM)"
rm -f "$log"
exit $rc
