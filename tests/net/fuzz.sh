#!/bin/bash
# tests/net/fuzz.sh BUILD [CASES [SEED]] -- builds the netif frame fuzzer
# (tests/net/fuzz_netif.c + libos/net + lwIP, ASan+UBSan, rumpuser stubbed)
# and runs it (default 10^6 cases).  Last line: "N cases, ...".
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
O=$B/fuzz/net
NET_SRCDIR=$B/src
. tests/net/build.sh
lw=$(net_lwip_src) || exit 1
mkdir -p "$O"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CF="-std=gnu11 -O1 -g -fno-omit-frame-pointer -Iinclude"
libos/net/build-lwip.sh "$lw" "$O/liblwip.a" "$O/lwip" $CF $SAN -ffreestanding || exit 1
objs=()
for f in $(ls libos/net/*.c | grep -v -e sockfile.c -e sockmsg.c); do	# libos glue
	o=$O/$(basename "$f" .c).o
	gcc $CF $SAN -Wall -Wextra -Wno-unused-parameter -ffreestanding \
	    -Ilibos/net -Ilibos/net/libc -I"$lw/src/include" -c "$f" -o "$o" || exit 1
	objs+=("$o")
done
gcc $CF $SAN -Wall -Wno-unused-parameter -Ilibos/net \
    -c tests/net/fuzz_netif.c -o "$O/fuzz_netif.o" || exit 1
gcc $SAN -o "$O/fuzz_netif" "$O/fuzz_netif.o" "${objs[@]}" "$O/liblwip.a" || exit 1
export ASAN_OPTIONS=detect_leaks=0
"$O/fuzz_netif" "${2:-1000000}" "${3:-1}"
