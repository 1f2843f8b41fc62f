#!/bin/bash
# hget.sh ADDR PATH FILE -- an HTTP/1.0 GET in bash alone (its /dev/tcp),
# for the nested Xen dom0, whose static busybox wget crashes: the body
# goes to FILE (byte for byte), the status code to stdout.  ADDR is HOST
# or HOST:PORT (default 80).  Status 1 when the connection fails or the
# answer is no HTTP.
set -u
export LC_ALL=C
host=${1%:*} port=80
[[ $1 == *:* ]] && port=${1##*:}
{ exec 3<> "/dev/tcp/$host/$port"; } 2> /dev/null || exit 1
printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$2" "$host" >&3
IFS= read -r st <&3 || exit 1
st=${st%$'\r'}
[[ $st =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]] || exit 1
code=${BASH_REMATCH[1]}
# the headers, a line at a time (bash reads a socket byte by byte, so
# the body stays for cat)
while IFS= read -r h <&3; do
	[ -z "${h%$'\r'}" ] && break
done
cat <&3 > "$3"
echo "$code"
