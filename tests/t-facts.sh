#!/bin/sh
# SPDX-License-Identifier: ISC
# t-facts.sh: the fixes of the diagnosis's look-ups (issue 11), each seen
# as a user sees it: text from the system reaches the terminal escaped (an
# interface name, a user and a group name, a path), a long path is cut with
# a visible mark, the zone of a link-local address picks the interface of
# the route and neighbour look-ups, and a FIFO put in place of a /proc file
# the diagnosis reads does not hang it past -w.  Runs in a network
# namespace (isock-f-PID) and private mount namespaces (unshare -m) of its
# own.  Needs root, ip(8), unshare(1) and mount(8); exits 77 (SKIP) without.
# A build without libmnl must say, where a netlink fact was, that it reads
# none (found_nl, tap.sh).
set -u
. "${SRCDIR:-.}/tests/tap.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (namespaces, bind mounts)"
for tool in ip unshare mount mkfifo; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "needs $tool"
done

ns=isock-f-$$
tap_setup
chmod 755 "$tmp"

# ns_cleanup: the EXIT trap: listeners, the namespace, $tmp.
ns_cleanup() {
	tap_cleanup
	ip netns del "$ns" 2>/dev/null
}
trap ns_cleanup EXIT

ip netns add "$ns" || skip_all "cannot create a network namespace"
plan 6

# Whether the binary reads netlink facts (tap.sh): without them, the
# interface and source facts are checked to be left out and said so.
netlink_probe ip netns exec "$ns" "$ISOCK" -w 2 127.0.0.1 9

# ---- an interface name with escape bytes -----------------------------------

red=$(printf '\033[31mRED\007')
if ip -n "$ns" link set lo up &&
	ip -n "$ns" link add "$red" type veth peer name redpeer &&
	ip -n "$ns" link set "$red" up && ip -n "$ns" link set redpeer up &&
	ip -n "$ns" route add 10.77.0.0/24 dev "$red"; then
	run ip netns exec "$ns" "$ISOCK" -w 2 10.77.0.5 80
	want_no_ctrl
	found_nl ".*$(ere 'dev \x1b[31mRED\x07')"
	verdict "an interface name with escape bytes is escaped"
else
	fail "an interface name with escape bytes is escaped" \
		"cannot make the interface"
fi

# ---- the zone of a link-local address --------------------------------------

# No duplicate address detection: the link-local addresses are usable at once.
if ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.accept_dad=0 &&
	ip -n "$ns" link add za type veth peer name za1 &&
	ip -n "$ns" link add zb type veth peer name zb1 &&
	for d in za za1 zb zb1; do ip -n "$ns" link set "$d" up || exit 1; done
then
	i=0
	while [ $i -lt 50 ] &&
		! ip -n "$ns" -6 route show dev zb | grep -q '^fe80::/64'; do
		sleep 0.1; i=$((i + 1))
	done
	run ip netns exec "$ns" "$ISOCK" -w 2 'fe80::1%zb' 80
	found_nl "$(ere "the route that matched fe80::1 is fe80::/64, type unicast, table main, dev zb")"
	want_not_err 'dev za'
	verdict "the zone's interface is the one of the route look-up"
else
	fail "the zone's interface is the one of the route look-up" \
		"cannot make the interfaces"
fi

# ---- a long path of control bytes ------------------------------------------

long=$(i=0; while [ $i -lt 107 ]; do printf '\001'; i=$((i + 1)); done)
run sh -c 'cd "$1" && exec "$2" -U "$3"' sh "$tmp" "$ISOCK" "$long"
want_rc 6
want_no_ctrl
line=$(printf '%s\n' "$err" | grep -F '  Found: ')
case $line in
*'\x01[...] does not exist') ;;
*) tap_note "the Found line does not end the cut path with [...]: $line" ;;
esac
verdict "a long path is cut with a visible mark"

# ---- user and group names with escape bytes ---------------------------------

if start_listener ready -U "$tmp/owned" -H -t 60; then
	kill "$listener_pid"
	wait "$listener_pid" 2>/dev/null
	cp /etc/passwd "$tmp/passwd" && cp /etc/group "$tmp/group" &&
		printf '%s:x:4242:4242::/:/bin/false\n' "$(printf '\033[31mevil')" \
			>>"$tmp/passwd" &&
		printf '%s:x:4242:\n' "$(printf '\033[32mgang\007')" \
			>>"$tmp/group" &&
		chown 4242:4242 "$tmp/owned"
	run unshare -m sh -c 'mount --bind "$1/passwd" /etc/passwd &&
		mount --bind "$1/group" /etc/group &&
		exec "$2" -U "$1/owned"' sh "$tmp" "$ISOCK"
	want_rc 1
	want_no_ctrl
	want_err_fixed 'owned by \x1b[31mevil:\x1b[32mgang\x07'
	verdict "user and group names with escape bytes are escaped"
else
	fail "user and group names with escape bytes are escaped" \
		"$listener_err"
fi

# ---- /proc files replaced by FIFOs -----------------------------------------

# The port range is read for an EADDRNOTAVAIL of a full range (a foreign
# -s address is its own cause and reads none): the one port of the range
# is bound by a listener in the namespace, so no local port is left.
mkfifo "$tmp/fifo"
ip netns exec "$ns" sysctl -q -w net.ipv4.ip_local_port_range="40000 40000"
ip netns exec "$ns" "$LISTEN" -4 -p 40000 -t 30 >/dev/null 2>&1 &
fifo_listener=$!
i=0
while [ $i -lt 50 ] && ! ip netns exec "$ns" ss -Htln | grep -q ':40000 '; do
	sleep 0.1
	i=$((i + 1))
done
run ip netns exec "$ns" unshare -m sh -c 'mount --bind "$1/fifo" \
		/proc/sys/net/ipv4/ip_local_port_range &&
	exec timeout 10 "$2" -w 1 127.0.0.1 40000' sh "$tmp" "$ISOCK"
kill "$fifo_listener" 2>/dev/null
wait "$fifo_listener" 2>/dev/null
ip netns exec "$ns" sysctl -q -w net.ipv4.ip_local_port_range="32768 60999"
want_rc 7
want_err EADDRNOTAVAIL
verdict "a FIFO as ip_local_port_range does not hang the diagnosis"

if [ -e /proc/modules ]; then
	run unshare -m sh -c 'mount --bind "$1/fifo" /proc/modules &&
		exec timeout 10 "$2" -T seqpacket -w 1 127.0.0.1 9' \
		sh "$tmp" "$ISOCK"
	[ "$rc" != 124 ] || tap_note "the diagnosis hung on the FIFO"
	verdict "a FIFO as /proc/modules does not hang -T seqpacket"
else
	# A kernel without modules: there is nothing to bind the FIFO over;
	# the SCTP check then stands on /proc/net/sctp alone, and ends.
	run timeout 10 "$ISOCK" -T seqpacket -w 1 127.0.0.1 9
	[ "$rc" != 124 ] || tap_note "the SCTP check hung"
	if [ -e /proc/net/sctp ]; then
		want_err "Found: SCTP is available"
	else
		want_rc 8
		want_err_fixed "Found: SCTP is not available here: /proc/net/sctp does not exist"
	fi
	verdict "no /proc/modules: -T seqpacket says what /proc/net/sctp shows, and ends"
fi

