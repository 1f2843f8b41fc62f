#!/bin/bash
# build-lwip.sh LWIPSRC OUT.a OBJDIR CFLAGS... -- lwIP's core (IPv4, IPv6,
# TCP, UDP, ICMP, ARP/Ethernet, ND/SLAAC, DHCP, DNS tables, loopback)
# compiled unmodified with our lwipopts.h, arch/cc.h and the few libc
# declarations of libos/net/libc/ into one archive.  Used by the Makefile
# (kernel flags) and by tests/net (host flags, sanitizers).
set -euo pipefail
src=$1/src out=$2 od=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
files="core/init.c core/def.c core/dns.c core/inet_chksum.c core/ip.c
core/mem.c core/memp.c core/netif.c core/pbuf.c core/stats.c core/sys.c
core/tcp.c core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c
core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c
core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c
core/ipv6/ethip6.c core/ipv6/icmp6.c core/ipv6/inet6.c core/ipv6/ip6.c
core/ipv6/ip6_addr.c core/ipv6/ip6_frag.c core/ipv6/mld6.c core/ipv6/nd6.c
netif/ethernet.c"
mkdir -p "$od"
objs=()
for f in $files; do
	o=$od/$(echo "$f" | tr / _).o
	if [ ! -e "$o" ] || [ "$src/$f" -nt "$o" ] ||
	    [ "$here/lwipopts.h" -nt "$o" ] || [ "$here/arch/cc.h" -nt "$o" ]; then
		gcc "$@" -w -I"$here" -I"$here/libc" -I"$src/include" \
		    -c "$src/$f" -o "$o"
	fi
	objs+=("$o")
done
rm -f "$out"
ar rcs "$out" "${objs[@]}"
