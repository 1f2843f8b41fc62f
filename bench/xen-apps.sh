#!/bin/bash
# bench/xen-apps.sh [BUILD] -- Tandem appliances vs a Debian Linux PV domU
# running the same programs, both as Xen PV domains on the same dom0
# bridge (xenbr0, netback) and, for redis, the same kind of blkback disk
# (a fresh ext4 host file given to dom0 as a virtio disk, the domain's
# xvda), in ONE Xen-in-QEMU boot (tests/xen: Debian's Xen 4.17 + Debian
# dom0, nested in QEMU TCG: absolute numbers are slow, the ratio is the
# point).  Issues 10 and 12.
#
#   Tandem: epecho.img, nginx.img's binary baked with a 1 KiB page
#           (as bench/nginx.sh), redis.img
#   Linux:  the dom0's own vmlinuz as a PV domU + an initramfs per app
#           (bench/linux-guest/build-pv.sh): apps/epecho/epecho.c built
#           natively, Debian's nginx and redis-server, the same config
#           files and arguments
# dom0 is the client (bench/xapp-client.c, static; dom0 has no wrk or
# redis-benchmark): epecho 1-byte request/response over 1 and 32
# connections, bulk each way, connection setup rate; nginx keep-alive GET of the 1 KiB page
# over 32 connections; redis SET/GET over 32 connections at -P 1 and 16;
# launch -> first answer: from libxl making the domain (xl create's
# /vm/UUID/start_time) to the first answer dom0 gets (a fresh connection
# every 20 ms).  Each guest boots once per round and app; the rounds
# alternate which side goes first.  Both guests get the same memory,
# vCPU, vif (same MAC: dom0 holds a permanent ARP entry for it).
#   XAPPS_ROUNDS (boots per side and app, default 2), XAPPS_REPS (each
#   measurement repeated within a boot, default 2), XAPPS_SECS (seconds
#   per measurement, 3), XAPPS_APPS (default "echo nginx redis").
#   The defaults take ~14 minutes on a loaded 2-core host.
# The hooks end each domain with xl destroy, so xen-batch's summary says
# "no 'tandem: exit N' line" for every job: expected, not a failure.
# Prints a markdown table (also BUILD/bench/xen-apps/table.md).
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
D=$B/bench/xen-apps
X=${TANDEM_XEN_DIR:-$B/xen}
ROUNDS=${XAPPS_ROUNDS:-2}
SECS=${XAPPS_SECS:-3}
REPS=${XAPPS_REPS:-2}
APPS=${XAPPS_APPS:-echo nginx redis}
MEM=256
IP=192.0.2.2
MAC=00:16:3e:54:00:20
mkdir -p "$D"
D=$(cd "$D" && pwd)
R=$D/run
# XAPPS_TABLE_ONLY=1: the table again from the last run's logs
if [ -z "${XAPPS_TABLE_ONLY:-}" ]; then
rm -rf "$R"
mkdir -p "$R"
tests/xen/build-dom0.sh "$X" || exit 1
gcc -O2 -Wall -static -o "$R/xapp-client" bench/xapp-client.c || exit 1
for i in epecho nginx redis; do
	[ -s "$B/img/$i.img" ] || { echo "xen-apps: no $B/img/$i.img (make first)" >&2; exit 1; }
done

# ---- the Tandem nginx image with the 1 KiB page (as bench/nginx.sh) ------
NR=$D/nginx-root
rm -rf "$NR"
mkdir -p "$NR"
cp -a apps/nginx/root/. "$NR/"
python3 -c "
s = '<!DOCTYPE html><html><head><title>bench</title></head><body><p>'
t = '</p></body></html>\n'
print(s + 'x' * (1024 - len(s) - len(t)) + t, end='')" > "$NR/srv/www/1k.html"
"$B/bin/tandem" bake "$B/apps/nginx/objs/nginx" -o "$D/nginx-bench.img" --root "$NR" \
    --config net --mem 32 --args "-p / -c /etc/nginx/nginx.conf" || exit 1

# ---- the Linux PV domU -----------------------------------------------------
L=$D/linux
bench/linux-guest/build-pv.sh "$L" "$X" epecho || exit 1
bench/linux-guest/build-pv.sh "$L" "$X" nginx "$NR" || exit 1
bench/linux-guest/build-pv.sh "$L" "$X" redis apps/redis/root || exit 1
cp "$X/vmlinuz" "$R/vmlinuz"

# ---- jobs --------------------------------------------------------------------
# Files all jobs share ride with job 1 (each job's files are copied into
# dom0's RAM): the client and the three initramfs.
S1=/guest/1
shared=("file=$R/xapp-client")
for a in epecho nginx redis; do shared+=("file=$L/pv-$a.cpio"); done

# hook KIND PORT: the hook of one job (dom0, after xl create returned)
hook() {
	local kind=$1 port=$2
	cat <<EOS
X=$S1/xapp-client
vm=\$(xenstore-read /local/domain/\$DOMID/vm)
st=\$(xenstore-read "\$vm/start_time" 2>/dev/null)
[ -n "\$st" ] || { echo "no start_time in xenstore: timing from the hook"; st=\$(date +%s); }
\$X arp $IP $MAC xenbr0
if \$X first $kind $IP $port "\$st" 200; then
	for k in \$(seq $REPS); do
EOS
	case $kind in
	echo) cat <<EOS
	\$X rr $IP 7 $SECS 1
	\$X rr $IP 7 $SECS 32
	\$X tput $IP 7 $SECS
	\$X setup $IP 7 $SECS
EOS
	;;
	http) cat <<EOS
	\$X http $IP 80 /1k.html $SECS 32
EOS
	;;
	redis) cat <<EOS
	for p in 1 16; do for c in set get; do \$X redis $IP 6379 $SECS 32 \$p \$c; done; done
EOS
	;;
	esac
	cat <<'EOS'
	done
fi
xl destroy "$NAME"
EOS
}

# job APP SIDE ROUND: one job line
nj=0
job() {
	local app=$1 side=$2 r=$3 name=$1-$2-$3 kind port img cl opts=() d
	d=$R/$name
	mkdir -p "$d"
	nj=$((nj + 1))
	[ $nj = 1 ] && opts+=("${shared[@]}")
	case $app in
	echo) kind=echo port=7 args="" img=$B/img/epecho.img ;;
	nginx) kind=http port=80 args="-p / -c /etc/nginx/nginx.conf" img=$D/nginx-bench.img ;;
	redis) kind=redis port=6379 args="/etc/redis/redis.conf --appendonly no" img=$B/img/redis.img ;;
	esac
	hook "$kind" "$port" > "$d/hook.sh"
	opts+=("file=$d/hook.sh" "xl=vif = [ 'bridge=xenbr0,mac=$MAC' ]")
	if [ "$app" = redis ]; then
		truncate -s 64M "$d/data.img"
		mkfs.ext4 -q -F -O ^has_journal "$d/data.img"
		opts+=("disk=$d/data.img"
		    "xl=disk = [ 'format=raw,vdev=xvda,access=rw,target=@DISK0@' ]")
	fi
	if [ "$side" = tandem ]; then
		cl="ip=$IP/24${args:+ -- $args}"
		echo "$name|pv|$img|$MEM|150|$cl|$(IFS='|'; echo "${opts[*]}")"
	else
		local a=${app/echo/epecho}
		cl="console=hvc0 quiet rdinit=/init ip=$IP/24 -- $args"
		opts+=("xl=ramdisk = \"$S1/pv-$a.cpio\"")
		echo "$name|pv|$R/vmlinuz|$MEM|300|$cl|$(IFS='|'; echo "${opts[*]}")"
	fi
}
{
	echo "@env BRIDGE_IP=192.0.2.1/24"
	for ((r = 1; r <= ROUNDS; r++)); do
		order="tandem linux"
		[ $((r % 2)) = 0 ] && order="linux tandem"
		for app in $APPS; do
			for s in $order; do job "$app" "$s" "$r"; done
		done
	done
} > "$R/jobs"
t0=$(date +%s)
"$B/bin/tandem" xen-batch --out "$R" "$R/jobs" > "$R/summary" 2>&1
wall=$(($(date +%s) - t0))
echo "$wall" > "$R/wall"
cut -d' ' -f1-3 /proc/loadavg > "$R/load"
fi
wall=$(cat "$R/wall" 2>/dev/null)

# ---- table -----------------------------------------------------------------
# val APP SIDE R REGEX: every number matched by REGEX (sed -E, \1), or
# \1 - \2 when REGEX has two groups; comma-separated
val() {
	local g='\1' p=${4//\\(/}
	p=${p//[^(]/}
	[ ${#p} -ge 2 ] && g='\1 \2'
	sed -nE "s/^hook: $4.*/$g/p" "$R/$1-$2-$3.log" 2>/dev/null |
	    awk '{ printf "%s%s", n++ ? "," : "", $2 == "" ? $1 : sprintf("%.3f", $1 - $2) }'
}
# row LABEL APP REGEX [INV]: all samples, medians, ratio (INV 1: Linux /
# Tandem, for times; 2: none), spread
row() {
	local label=$1 app=$2 re=$3 s r v
	declare -A vs
	for s in tandem linux; do
		vs[$s]=
		for ((r = 1; r <= ROUNDS; r++)); do
			v=$(val "$app" "$s" "$r" "$re")
			vs[$s]+="${v:-x} "
		done
	done
	awk -v label="$label" -v t="${vs[tandem]}" -v l="${vs[linux]}" -v inv="${4:-0}" '
	# stats S: n, med, lo, hi of the numbers in S ("x": no value)
	function stats(s, a, i, j, x) {
		n = 0
		for (i = 1; i <= split(s, a, /[ ,]+/); i++) if (a[i] ~ /^[0-9.]+$/) b[++n] = a[i] + 0
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (b[j] < b[i]) { x = b[i]; b[i] = b[j]; b[j] = x }
		if (n == 0) { med = "n/a"; sp = "n/a"; return }
		med = n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
		sp = b[1] > 0 ? sprintf("%.0f%%", (b[n] / b[1] - 1) * 100) : "n/a"
	}
	# per boot: median of its samples (boots split by blanks)
	function bmed(s, i, m, a, k) {
		sub(/ +$/, "", s)
		m = split(s, a, / +/)
		for (i = 1; i <= m; i++) { stats(a[i]); k[i] = med }
		for (i = 1; i <= m; i++) bm[i] = k[i]
		return m
	}
	function fmt(v) { return v == "n/a" ? v : (v >= 100 ? sprintf("%.0f", v) : sprintf("%.3g", v)) }
	BEGIN {
		stats(t); mt = med; st = sp
		stats(l); ml = med; sl = sp
		rr = ""
		nb = bmed(t); for (i = 1; i <= nb; i++) tb[i] = bm[i]
		bmed(l)
		for (i = 1; i <= nb; i++)
			rr = rr (i > 1 ? ", " : "") (inv < 2 && tb[i] != "n/a" && bm[i] != "n/a" && tb[i] > 0 && bm[i] > 0 ? \
			    sprintf("%.2f", inv ? bm[i] / tb[i] : tb[i] / bm[i]) : "n/a")
		r = "n/a"
		if (inv < 2 && mt != "n/a" && ml != "n/a" && mt > 0 && ml > 0)
			r = sprintf("%.2f×", inv ? ml / mt : mt / ml)
		sub(/ $/, "", t); sub(/ $/, "", l)
		gsub(/ /, "; ", t); gsub(/ /, "; ", l); gsub(/,/, ", ", t); gsub(/,/, ", ", l)
		if (inv == 2) rr = "—"
		printf "| %s | %s | %s | %s | %s | T %s, L %s | %s / %s |\n", label, fmt(mt), fmt(ml), r,
		    rr, st, sl, t, l
	}'
}
{
echo "Xen PV in QEMU TCG (nested), $ROUNDS boots per side and app (rounds, alternating), each measurement $REPS× per boot, ${SECS} s each, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo '+changes'), load $(cat "$R/load" 2>/dev/null || echo '?') at the end, batch wall ${wall} s"
echo
echo "| Xen PV (nested, TCG) | Tandem (median) | Linux PV domU (median) | Tandem/Linux | per round | spread (max/min − 1) | samples (boots split by ;): Tandem / Linux |"
echo "|---|---|---|---|---|---|---|"
for app in $APPS; do
	case $app in
	echo)
		row "epecho rr/s, 1 conn" echo 'rr 1 conns: ([0-9.]+) .*'
		row "epecho rr/s, 32 conns" echo 'rr 32 conns: ([0-9.]+) .*'
		row "epecho dom0→guest MB/s" echo 'tput host->guest ([0-9.]+) .*'
		row "epecho guest→dom0 MB/s" echo 'tput .*guest->host ([0-9.]+) .*'
		row "epecho connection setup/s (connect, 1 byte, close)" echo 'setup ([0-9.]+) conn.*'
		row "epecho launch → first echo, s (ratio L/T)" echo 'first ([0-9.]+) s' 1
		row "… xl create itself (domain build, hotplug), s" echo 'first ([0-9.]+) s \(([0-9.]+) s after.*' 1
		row "… after xl create returned, s" echo 'first .*\(([0-9.]+) s after.*' 2 ;;
	nginx)
		row "nginx GET 1 KiB req/s, 32 conns" nginx 'http ([0-9.]+) requests.*'
		row "nginx launch → first HTTP 200, s (ratio L/T)" nginx 'first ([0-9.]+) s' 1
		row "… xl create itself (domain build, hotplug), s" nginx 'first ([0-9.]+) s \(([0-9.]+) s after.*' 1
		row "… after xl create returned, s" nginx 'first .*\(([0-9.]+) s after.*' 2 ;;
	redis)
		row "redis SET -P 1 req/s, 32 conns" redis 'redis set -P 1 ([0-9.]+) .*'
		row "redis GET -P 1 req/s, 32 conns" redis 'redis get -P 1 ([0-9.]+) .*'
		row "redis SET -P 16 req/s, 32 conns" redis 'redis set -P 16 ([0-9.]+) .*'
		row "redis GET -P 16 req/s, 32 conns" redis 'redis get -P 16 ([0-9.]+) .*'
		row "redis launch → first +PONG, s (ratio L/T)" redis 'first ([0-9.]+) s' 1
		row "… xl create itself (domain build, hotplug), s" redis 'first ([0-9.]+) s \(([0-9.]+) s after.*' 1
		row "… after xl create returned, s" redis 'first .*\(([0-9.]+) s after.*' 2 ;;
	esac
done
echo
echo "client errors (answers that were not 200/OK, closed connections):"
e=$(grep -h 'errors)' "$R"/*.log | grep -v ' 0 errors')
[ -n "$e" ] && printf '%s\n' "$e" | sed 's/^/  /' || echo "  none"
grep -h 'hook: first none' "$R"/*.log | sed 's/^/  no answer: /'
} | tee "$D/table.md"
echo "(jobs: $R/summary; consoles: $R/*.log)"
