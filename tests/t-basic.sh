#!/bin/sh
# SPDX-License-Identifier: ISC
# t-basic.sh: isock-connect against listeners on the loopback addresses:
# open, refused, names, IPv6, UDP, -q, -v, timeouts, broadcast, source.
# Only 127.0.0.0/8 and ::1 are ever contacted.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup
plan 28

# The listeners: one that accepts, one that holds a port and refuses.
if ! start_listener open_port -t 120; then
	echo "Bail out! $listener_err"; exit 99
fi
if ! start_listener closed_port -B -t 120; then
	echo "Bail out! $listener_err"; exit 99
fi

run "$ISOCK" 127.0.0.1 "$open_port"
want_rc 0
want_out "^isock-connect: connected to 127\.0\.0\.1 port $open_port \(tcp\)"
want_no_err
verdict "open TCP port on 127.0.0.1"

run "$ISOCK" 127.0.0.1 "$closed_port"
want_rc 1
want_err ECONNREFUSED
want_err "errno 111"
want_err "port $closed_port"
want_no_out
verdict "refused TCP port on 127.0.0.1"

run "$ISOCK" localhost "$open_port"
want_rc 0
want_out "connected to localhost \(127\.0\.0\.1\) port $open_port"
verdict "by name: localhost"

run "$ISOCK" -4 localhost "$open_port"
want_rc 0
want_out "connected to localhost \(127\.0\.0\.1\) port $open_port"
verdict "-4 with localhost"

run "$ISOCK" -v -4 localhost "$closed_port"
want_rc 1
want_not_err "AF_INET6"
verdict "-4 tries no IPv6 address"

# IPv6: only when ::1 is on lo (a listener there says so).
start_listener open6 -6 -t 120
case $? in
0)
	run "$ISOCK" ::1 "$open6"
	want_rc 0
	want_out "connected to ::1 port $open6 \(tcp\)"
	want_no_err
	verdict "IPv6 ::1"
	run "$ISOCK" "[::1]" "$open6"
	want_rc 0
	want_out "connected to ::1 port $open6 \(tcp\)"
	verdict "IPv6 [::1] in brackets"
	;;
77)
	skip "IPv6 ::1" "no ::1 on lo: $listener_err"
	skip "IPv6 [::1] in brackets" "no ::1 on lo"
	;;
*)
	fail "IPv6 ::1" "$listener_err"
	fail "IPv6 [::1] in brackets" "$listener_err"
	;;
esac

run "$ISOCK" -q 127.0.0.1 "$open_port"
want_rc 0
want_no_out
want_no_err
verdict "-q on an open port: nothing printed, exit 0"

run "$ISOCK" --quiet 127.0.0.1 "$closed_port"
want_rc 1
want_no_out
want_no_err
verdict "--quiet on a refused port: nothing printed, exit 1"

run "$ISOCK" -v 127.0.0.1 "$open_port"
want_rc 0
want_out "connected to 127\.0\.0\.1 port $open_port"
printf '%s\n' "$err" | tr '\n' ' ' |
	grep -Eq 'resolving.*socket\(AF_INET, SOCK_STREAM\).*connect' ||
	tap_note "stderr does not show resolving, socket() and connect in order"
verdict "-v shows the steps on stderr"

run "$ISOCK" -q -v 127.0.0.1 "$open_port"
want_rc 0
want_no_out
want_no_err
verdict "-q wins over -v"

# UDP: connect() on a datagram socket sends nothing.
if start_listener udp_port -u -t 120; then
	run "$ISOCK" -u 127.0.0.1 "$udp_port"
	want_rc 0
	want_out "127\.0\.0\.1 port $udp_port \(udp\)"
	want_out "no packet was sent"
	want_no_err
	verdict "UDP association with -u"
else
	fail "UDP association with -u" "$listener_err"
fi

# A service name instead of a number.
if grep -Eq '^ssh[[:space:]]+22/tcp' /etc/services 2>/dev/null; then
	run "$ISOCK" -w 2 127.0.0.1 ssh
	case $rc in
	0 | 1 | [3-9] | 10) ;;
	*) tap_note "exit status $rc is not a connect outcome" ;;
	esac
	printf '%s\n%s\n' "$out" "$err" | grep -q 'port 22 ' ||
		tap_note "the output does not say port 22"
	verdict "service name ssh is port 22"
else
	skip "service name ssh is port 22" "/etc/services has no ssh/tcp"
fi

# A name that does not resolve.  The look-up must not reach a DNS server,
# so it runs with a private nsswitch.conf ("files" only) in a network
# namespace of its own, which needs root.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 &&
	unshare -m -n true 2>/dev/null; then
	printf 'hosts: files\n' >"$tmp/nsswitch.conf"
	run unshare -m -n sh -c \
		'mount --bind "$1" /etc/nsswitch.conf && exec "$2" "$3" 80' \
		sh "$tmp/nsswitch.conf" "$ISOCK" nonexistent.invalid
	want_rc 6
	want_err "nonexistent\.invalid"
	want_err EAI_NONAME
	want_no_out
	verdict "a name that does not resolve"
else
	skip "a name that does not resolve" \
		"needs root and unshare to keep the look-up off the DNS"
fi

run "$ISOCK" --help
want_rc 0
want_out "^usage: isock-connect"
want_no_err
verdict "--help: exit 0, usage on stdout"

run "$ISOCK" -h
want_rc 0
want_out "--timeout"
want_no_err
verdict "-h: exit 0, options on stdout"

run "$ISOCK" --version
want_rc 0
want_out "^isock-connect [0-9]"
want_no_err
verdict "--version: exit 0 on stdout"

# A full accept queue: backlog 0 and one connection held, so the next SYN
# is dropped and only our deadline ends the attempt (unless the kernel is
# set to answer an overflow with a reset).
full_cases="fill the accept queue of a backlog-0 listener
-w 0.3 on a dropped SYN: timed out at our deadline
--timeout=0.05 -q: exit 3 quietly"
if [ "$(cat /proc/sys/net/ipv4/tcp_abort_on_overflow 2>/dev/null)" = 1 ]
then
	printf '%s\n' "$full_cases" >"$tmp/full_cases"
	while IFS= read -r name; do
		skip "$name" "net.ipv4.tcp_abort_on_overflow is 1: no SYN drop"
	done <"$tmp/full_cases"
elif start_listener full_port -A -b 0 -t 120; then
	run "$ISOCK" 127.0.0.1 "$full_port"
	want_rc 0
	verdict "fill the accept queue of a backlog-0 listener"
	t0=$(date +%s%N)
	run "$ISOCK" -w 0.3 127.0.0.1 "$full_port"
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	want_rc 3
	want_err ETIMEDOUT
	want_err "0\.3 s"
	want_err "port $full_port"
	want_no_out
	# Not before the deadline; after it, a bound about hangs only: the
	# kernel's own time-out of a dropped SYN is over a minute.  How close
	# to 0.3 s is make bench's to measure, not asserted on a loaded machine.
	[ "$ms" -ge 250 ] && [ "$ms" -le 15000 ] ||
		tap_note "took $ms ms, expected 300 ms"
	verdict "-w 0.3 on a dropped SYN: timed out at our deadline"
	t0=$(date +%s%N)
	run "$ISOCK" --timeout=0.05 -q 127.0.0.1 "$full_port"
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	want_rc 3
	want_no_err
	# The default -w is 5 s: a bound that tells 0.05 s from it.
	[ "$ms" -lt 3000 ] || tap_note "took $ms ms, expected 50 ms"
	verdict "--timeout=0.05 -q: exit 3 quietly"
else
	fail "fill the accept queue of a backlog-0 listener" "$listener_err"
	fail "-w 0.3 on a dropped SYN: timed out in time" "$listener_err"
	fail "--timeout=0.05 -q: exit 3 quietly" "$listener_err"
fi

# Broadcast: connect() on UDP sends nothing, the kernel decides locally.
run "$ISOCK" -u 127.255.255.255 9
want_rc 5
want_err EACCES
want_err "127\.255\.255\.255"
want_no_out
verdict "UDP to a broadcast address without -b: EACCES"

run "$ISOCK" -u -b 127.255.255.255 9
want_rc 0
want_out "127\.255\.255\.255 port 9 \(udp\)"
verdict "UDP to a broadcast address with -b"

# Source addresses: 127.0.0.2 is on lo; 192.0.2.77 (TEST-NET-1) is not
# on this host, so bind() fails and no packet leaves.
run "$ISOCK" -s 127.0.0.2 127.0.0.1 "$open_port"
want_rc 0
want_out "connected to 127\.0\.0\.1 port $open_port"
verdict "-s 127.0.0.2 connects"

run "$ISOCK" -s 192.0.2.77 127.0.0.1 "$open_port"
want_rc 7
want_err EADDRNOTAVAIL
want_err bind
want_no_out
verdict "-s with an address not on this host: EADDRNOTAVAIL"

# A source port that another socket holds.
run "$ISOCK" -s 127.0.0.1 -p "$closed_port" 127.0.0.1 "$open_port"
want_rc 7
want_err EADDRINUSE
verdict "-p with a port in use: EADDRINUSE"

# A UDP association is set whether or not anything listens.
run "$ISOCK" -u 127.0.0.1 "$closed_port"
want_rc 0
verdict "UDP association needs no listener"

run "$ISOCK" -w 1 127.0.0.1 65535
case $rc in
0 | 1) ;;
*) tap_note "exit status $rc, expected 0 or 1" ;;
esac
verdict "port 65535 is accepted"

# --explain into a pipe is one write: `--explain E | head -2` reads it
# whole, instead of meeting a closed pipe after the first lines.
if command -v strace >/dev/null 2>&1; then
	# LeakSanitizer cannot run under ptrace: off for this one run.
	run strace -qq -e trace=write -o "$tmp/writes" \
		env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		"$ISOCK" --explain EHOSTUNREACH
	want_rc 0
	n=$(grep -c '^write(1,' "$tmp/writes")
	[ "$n" = 1 ] || tap_note "$n writes to standard output, expected 1"
	verdict "--explain into a pipe: one write"
else
	skip "--explain into a pipe: one write" "strace is not installed"
fi

exit 0
