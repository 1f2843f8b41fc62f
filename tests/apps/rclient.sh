#!/bin/bash
# rclient.sh -- a redis client in bash alone (its /dev/tcp), for places
# without redis-cli: the durability tests on the host and the Xen tests
# in the nested dom0 (busybox + bash) use the same one.  ADDR is HOST or
# HOST:PORT (default port 6379).
#   rclient.sh get ADDR KEY        prints KEY's value (nothing: no key)
#   rclient.sh do ADDR WORD...     sends one command, prints its reply:
#                                  a status or error line as is, an
#                                  integer as digits, a bulk string's
#                                  value ("(nil)" for none)
#   rclient.sh incr ADDR KEY FILE  INCR KEY on one connection until killed
#                                  or refused; every acknowledged value is
#                                  appended to FILE as it arrives, so
#                                  FILE's last line is the last value the
#                                  server promised to keep
# Status 1 when the connection fails or a reply is malformed.
set -u
export LC_ALL=C	# ${#w} counts bytes
cmd=$1 host=${2%:*} port=6379
[[ $2 == *:* ]] && port=${2##*:}
shift 2
{ exec 3<> "/dev/tcp/$host/$port"; } 2> /dev/null || exit 1

# reply: one reply read from the server, printed as described above
reply() {
	local r v
	IFS= read -r r <&3 || return 1
	r=${r%$'\r'}
	case $r in
	'$-1') echo '(nil)' ;;
	'$'[0-9]*) IFS= read -r v <&3 || return 1; echo "${v%$'\r'}" ;;
	:*) echo "${r#:}" ;;
	[+-]*) echo "$r" ;;
	*) echo "rclient: malformed reply '$r'" >&2; return 1 ;;
	esac
}

case $cmd in
get)
	printf 'GET %s\r\n' "$1" >&3
	v=$(reply) || exit 1
	[ "$v" = '(nil)' ] || echo "$v" ;;
do)
	# as a RESP array: values may hold blanks
	req="*$#"$'\r\n'
	for w; do req+="\$${#w}"$'\r\n'"$w"$'\r\n'; done
	printf '%s' "$req" >&3
	reply ;;
incr)
	while :; do
		printf 'INCR %s\r\n' "$1" >&3 || exit 1
		IFS= read -r r <&3 || exit 1
		r=${r%$'\r'}
		case $r in
		:[0-9]*) echo "${r#:}" >> "$2" ;;
		*) echo "rclient: INCR: reply '$r'" >&2; exit 1 ;;
		esac
	done ;;
*)
	echo "usage: rclient.sh get|do|incr ADDR ..." >&2
	exit 2 ;;
esac
