#!/bin/bash
# bake.sh PROGRAM -o IMAGE [--root DIR] [--config NAME] [--env K=V]...
#         [--args "..."] [--mem MB] [--mount blkN:/path[:ro]]... [--name N]
# (`tandem bake`): PROGRAM, built by tandem-cc, becomes one Tandem image
# -- the same ELF for Xen PV, Xen PVH and QEMU/KVM -- with the root
# directory DIR embedded (read-only, served zero-copy as /) and a
# manifest (name, memory, default args, environment, mounts, config)
# that launchers and libos read.
set -uo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
B=${TANDEM_BUILD:-$(cd "$here/../.." && pwd)}
die() { echo "tandem bake: $*" >&2; exit 2; }

prog= out= root= conf=base mem= name= args= have_args=0
envs=() mounts=()
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=${2:-}; shift ;;
	--root) root=${2:-}; shift ;;
	--config) conf=${2:-}; shift ;;
	--env) envs+=("${2:-}"); shift ;;
	--args) args=${2:-}; have_args=1; shift ;;
	--mem) mem=${2:-}; shift ;;
	--mount) mounts+=("${2:-}"); shift ;;
	--name) name=${2:-}; shift ;;
	-h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) [ -z "$prog" ] || die "one PROGRAM only ($prog, $1)"; prog=$1 ;;
	esac
	shift
done
[ -n "$prog" ] || die "usage: tandem bake PROGRAM -o IMAGE [options] (--help)"
[ -n "$out" ] || die "-o IMAGE is required"
[ -f "$prog" ] || die "$prog: no such file"
# --config NAME[,NAME...]: the union of their components; the largest mem
cmem=0 comps=
for c in ${conf//,/ }; do
	cfile=$B/lib/tandem/configs/$c.conf
	[ -f "$cfile" ] || die "unknown config '$c' (known: $(ls "$B/lib/tandem/configs" | sed 's/\.conf$//' | tr '\n' ' '))"
	m=$(sed -n 's/^mem=//p' "$cfile")
	[ "${m:-0}" -gt "$cmem" ] && cmem=$m
	comps+=" $(sed -n 's/^components=//p' "$cfile")"
done
[ -z "$mem" ] && mem=$cmem
[[ $mem =~ ^[0-9]+$ ]] && [ "$mem" -ge 4 ] || die "--mem $mem: a whole number of MiB, at least 4"
[ -z "$name" ] && name=$(basename "${out%.img}")
for e in "${envs[@]}"; do
	[[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env $e: want NAME=VALUE"
done
for m in "${mounts[@]}"; do
	[[ $m =~ ^blk[0-9]+:/[^:]*(:ro)?$ ]] || die "--mount $m: want blkN:/path[:ro]"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- the program: an ET_REL from tandem-cc, or its posix executable
# carrying that object in .tandem.app
type=$(readelf -h "$prog" 2>/dev/null | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p')
case $type in
REL) cp "$prog" "$work/app.o" ;;
EXEC)
	objcopy --dump-section .tandem.app="$work/app.o" "$prog" /dev/null 2>/dev/null
	[ -s "$work/app.o" ] || die "$prog: not built by tandem-cc (no .tandem.app section)" ;;
*) die "$prog: not an object or executable built by tandem-cc" ;;
esac
readelf -h "$work/app.o" 2>/dev/null | grep 'Type: *REL' > /dev/null ||
    die "$prog: its .tandem.app section is not a relocatable object"
nm "$work/app.o" | grep -w 'T main' > /dev/null || die "$prog: no main()"

# ---- the root: DIR plus the /etc defaults it does not provide
stage=$work/root
mkdir -p "$stage"
if [ -n "$root" ]; then
	[ -d "$root" ] || die "--root $root: not a directory"
	cp -a "$root/." "$stage/" || die "--root $root: cannot copy"
fi
mkdir -p "$stage/etc" "$stage/tmp" "$stage/dev"
[ -e "$stage/etc/passwd" ] || printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$stage/etc/passwd"
[ -e "$stage/etc/group" ] || printf 'root:x:0:\nnogroup:x:65534:\n' > "$stage/etc/group"
[ -e "$stage/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$stage/etc/hosts"
[ -e "$stage/etc/resolv.conf" ] || : > "$stage/etc/resolv.conf"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
    cpio -o -H newc --quiet -R 0:0) > "$work/root.cpio" ||
    die "cannot archive the root"
rbytes=$(stat -c %s "$work/root.cpio")
if [ "$rbytes" -gt $((mem * 1024 * 1024 / 2)) ]; then
	die "root is $((rbytes >> 20)) MiB: too large for --mem $mem (at most half of it)"
fi

# ---- the manifest
{
	echo "name=$name"
	echo "mem=$mem"
	echo "config=$conf"
	[ $have_args = 1 ] && echo "args=$args"
	for e in "${envs[@]}"; do echo "env=$e"; done
	for m in "${mounts[@]}"; do echo "mount=$m"; done
	[[ " $comps " == *" lwip "* ]] && echo "net=1"
	for m in "${mounts[@]}"; do echo "disk=${m%%:*}"; done
} > "$work/manifest"
cat > "$work/gen.S" <<EOS
	.section .tandem.manifest, "a"
	.incbin "$work/manifest"
	.section .tandem.root, "a"
	.balign 16
	.incbin "$work/root.cpio"
	.section .note.GNU-stack, "", @progbits
EOS
gcc -c "$work/gen.S" -o "$work/gen.o" || die "cannot assemble the manifest"
mkdir -p "$(dirname "$out")"
TANDEM_CONFIG=$conf "$B/bin/tandem-link" image "$work/app.o" "$out" \
    "$work/gen.o" || die "link failed"
