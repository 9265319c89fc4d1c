#!/bin/sh
# SPDX-License-Identifier: ISC
# t-diagnose.sh: every cause isock-connect names after a failure, produced
# for real in network namespaces this script makes (isock-t-PID and
# isock-t-PID-peer): reject routes, no route, an on-link host that does not
# answer ARP, a firewall that drops or resets, a one-port local port range,
# an unassigned --source, a listener on the other loopback address, a
# broadcast without -b, IPv6 disabled, and Unix paths (no search permission,
# stale socket, wrong type, full backlog, plain file).  Each case checks the
# exit code of the contract and the "Found:" lines with their evidence.
# A binary built without libmnl (make static; CI runs this script against
# it) reads no netlink facts: for it, each fact read over netlink (found_nl)
# is checked to be left out with the sentence that says so, never replaced
# by a false one; the facts of /proc and of the path walk are checked all
# the same.
# Needs root, ip(8), nft(8), nc(1) and setpriv(1); exits 77 (SKIP) without.
set -u
. "${SRCDIR:-.}/tests/tap.sh"

need_root ip nft nc setpriv

ns=isock-t-$$
peer=isock-t-$$-peer
tap_setup
chmod 755 "$tmp"
holders=

# ns_cleanup: the EXIT trap: holders, listeners, namespaces, $tmp.
ns_cleanup() {
	for h in $holders; do kill "$h" 2>/dev/null; done
	for h in $holders; do wait "$h" 2>/dev/null; done
	tap_cleanup
	ip netns del "$peer" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}
trap ns_cleanup EXIT
trap "exit 141" PIPE

ip netns add "$ns" && ip netns add "$peer" ||
	skip_all "cannot create network namespaces"
in_ns() { ip netns exec "$ns" "$@"; }

# The listener runs in the namespace: start_listener calls $LISTEN.
real_listen=$LISTEN
LISTEN=$tmp/nslisten
printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$ns" "$real_listen" \
	>"$LISTEN"
chmod 755 "$LISTEN"

# Our side: lo, veth0 10.0.0.1/24; the peer namespace has veth1 10.0.0.2
# only, so 10.0.0.7 on the link answers no ARP request.
if ! { ip -n "$ns" link set lo up &&
	ip -n "$ns" link add veth0 type veth peer name veth1 netns "$peer" &&
	ip -n "$ns" addr add 10.0.0.1/24 brd + dev veth0 &&
	ip -n "$ns" link set veth0 up &&
	ip -n "$peer" link set lo up &&
	ip -n "$peer" addr add 10.0.0.2/24 dev veth1 &&
	ip -n "$peer" link set veth1 up; }; then
	echo "Bail out! cannot set up the veth pair"
	exit 99
fi
for s in mcast_solicit=1 ucast_solicit=1 app_solicit=0 retrans_time_ms=300; do
	in_ns sysctl -q -w "net.ipv4.neigh.veth0.$s" >/dev/null
done

plan 20

# checked NAME: verdict, with the Check lines judged: brief, repeating no
# Found line (issue 12).
checked() {
	want_check_brief
	want_check_new
	verdict "$1"
}

# found SENTENCE: the last run's stderr has "  Found: SENTENCE".
found() { want_err_fixed "  Found: $1"; }

# Whether the binary reads netlink facts (tap.sh).
netlink_probe ip netns exec "$ns" "$ISOCK" -w 2 127.0.0.1 9

# ---- routes ----------------------------------------------------------------

# net, route type, exit code, errno: one reject route of each type.
for c in "198.51.100 unreachable 4 EHOSTUNREACH" "198.51.101 prohibit 5 EACCES" \
	"198.51.102 blackhole 4 EINVAL" "198.51.103 throw 4 ENETUNREACH"; do
	set -- $c
	ip -n "$ns" route add "$2" "$1.0/24"
	run ip netns exec "$ns" "$ISOCK" -w 2 "$1.7" 80
	# Every build: a blackhole's EINVAL is exit 4 from one route look-up
	# (src/rtget.c, no libmnl), never from the diagnosis.
	want_rc "$3"
	want_err "$4"
	found_nl "$(ere "the route that matched $1.7 is $1.0/24, type $2, table main")"
	checked "$2 route: $4 is exit $3, its prefix and type"
done

run ip netns exec "$ns" "$ISOCK" -w 2 203.0.113.9 80
want_rc 4
want_err ENETUNREACH
found_nl "$(ere "no route matches 203.0.113.9 and there is no default route")"
checked "no route and no default route: exit 4"

# ---- the link and the firewall ---------------------------------------------

run ip netns exec "$ns" "$ISOCK" -w 5 10.0.0.7 80
want_rc 4
want_err EHOSTUNREACH
found_nl "no ARP reply from 10\.0\.0\.7 on veth0 \(neighbour entry (FAILED|INCOMPLETE)\)"
checked "on-link host that does not answer ARP: exit 4, the device"

# The peer's firewall drops port 81 and resets port 82.
if ip netns exec "$peer" nft -f - <<EOF 2>/dev/null
add table inet isock_t
add chain inet isock_t in { type filter hook input priority 0; }
add rule inet isock_t in tcp dport 81 drop
add rule inet isock_t in tcp dport 82 reject with tcp reset
EOF
then
	run ip netns exec "$ns" "$ISOCK" -w 1 10.0.0.2 81
	want_rc 3
	found_nl "the next hop 10\.0\.0\.2 on veth0 resolved \(neighbour entry (REACHABLE|STALE|DELAY|PROBE)\)"
	checked "firewall drops the SYN: exit 3, the host's ARP answered"

	run ip netns exec "$ns" "$ISOCK" -w 2 10.0.0.2 82
	want_rc 1
	want_err ECONNREFUSED
	checked "firewall resets: exit 1"
else
	skip "firewall drops the SYN: exit 3, the host's ARP answered" \
		"nft cannot load a ruleset"
	skip "firewall resets: exit 1" "nft cannot load a ruleset"
fi

run ip netns exec "$ns" "$ISOCK" -u -w 2 10.0.0.255 9
want_rc 5
want_err EACCES
found_nl "$(ere "10.0.0.255 is a broadcast address and SO_BROADCAST is off: add -b")"
checked "broadcast without -b: exit 5, the fact"

# ---- local resources and listeners -----------------------------------------

run ip netns exec "$ns" "$ISOCK" -w 2 -s 192.0.2.77 127.0.0.1 8080
want_rc 7
want_err EADDRNOTAVAIL
found_nl "$(ere "source address 192.0.2.77 is not assigned to any interface")"
checked "--source not assigned: exit 7, the address"

if start_listener port6 -6 -p 8080 -t 60; then
	run ip netns exec "$ns" "$ISOCK" -w 2 127.0.0.1 8080
	want_rc 1
	want_err ECONNREFUSED
	found_nl "$(ere "TCP port 8080 has a listener on ::1 only, not on 127.0.0.1")"
	# Without netlink facts the listener is unknown, and the Check may
	# name both cases.
	[ "$netlink" = no ] ||
		want_not_err "not running|is down or on another port"
	checked "refused on 127.0.0.1, listener on ::1 only: exit 1"
else
	skip "refused on 127.0.0.1, listener on ::1 only: exit 1" \
		"${listener_err:-no IPv6 listener}"
fi

if start_listener port4 -4 -p 8081 -A -b 8 -t 60; then
	in_ns sysctl -q -w net.ipv4.ip_local_port_range="40000 40000"
	ip netns exec "$ns" nc 127.0.0.1 8081 </dev/null >/dev/null 2>&1 &
	holders="$holders $!"
	i=0
	while [ $i -lt 50 ] && ! in_ns ss -Htn | grep -q ':40000 '; do
		sleep 0.1
		i=$((i + 1))
	done
	run ip netns exec "$ns" "$ISOCK" -w 2 127.0.0.1 8081
	want_rc 7
	want_err EADDRNOTAVAIL
	found "the local port range 40000-40000 (/proc/sys/net/ipv4/ip_local_port_range) holds 1 port"
	found_nl "$(ere "1 of them is in use towards 127.0.0.1 port 8081")"
	found_nl "by TCP state: 1 ESTABLISHED"
	[ "$netlink" = no ] ||
		want_err "  Found: process [0-9]+ \((nc|nc.openbsd)\) holds 1"
	checked "one-port local port range in use: exit 7, its bounds, states and holders"
	in_ns sysctl -q -w net.ipv4.ip_local_port_range="32768 60999"
else
	fail "one-port local port range in use: exit 7, its bounds" \
		"$listener_err"
fi

# ---- Unix paths -------------------------------------------------------------

mkdir -m 700 "$tmp/priv" && chown daemon:daemon "$tmp/priv"
if start_listener ready -U "$tmp/priv/sock" -t 60; then
	run ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ISOCK" -U "$tmp/priv/sock"
	want_rc 5
	want_err EACCES
	found "$tmp/priv is mode 700 owned by daemon:daemon; this user ($(id -nu 65534), uid 65534) cannot search it"
	checked "directory without search permission: exit 5, mode and owner"
else
	fail "directory without search permission: exit 5, mode and owner" \
		"$listener_err"
fi

if start_listener ready -U "$tmp/stale" -H -t 60; then
	kill "$listener_pid"
	wait "$listener_pid" 2>/dev/null
	run ip netns exec "$ns" "$ISOCK" -U "$tmp/stale"
	want_rc 1
	want_err ECONNREFUSED
	found_nl "$(ere "nothing listens on $tmp/stale: a stale socket file")"
	want_not_err "ls -l"
	checked "stale socket file: exit 1, nobody listens"
else
	fail "stale socket file: exit 1, nobody listens" "$listener_err"
fi

if start_listener ready -U "$tmp/seq" -T seqpacket -t 60; then
	run ip netns exec "$ns" "$ISOCK" -U "$tmp/seq"
	want_rc 8
	want_err EPROTOTYPE
	found_nl "$(ere "the listener on $tmp/seq is of type seqpacket: use -T seqpacket")"
	checked "listener of another type: exit 8, its type and the flag"
else
	fail "listener of another type: exit 8, its type and the flag" \
		"$listener_err"
fi

if start_listener ready -U "$tmp/full" -A -b 1 -t 60; then
	for n in 1 2; do
		ip netns exec "$ns" nc -U "$tmp/full" </dev/null >/dev/null 2>&1 &
		holders="$holders $!"
	done
	sleep 1	# both queued: nc connects at once
	run ip netns exec "$ns" "$ISOCK" -w 2 -U "$tmp/full"
	want_rc 7
	want_err EAGAIN
	found_nl "$(ere "the listener on $tmp/full has 2 connections waiting, its backlog is 1")"
	checked "full backlog: exit 7, queue and backlog"
else
	fail "full backlog: exit 7, queue and backlog" "$listener_err"
fi

: >"$tmp/plain"
run ip netns exec "$ns" "$ISOCK" -U "$tmp/plain"
want_rc 1
want_err ECONNREFUSED
found "$tmp/plain is not a socket but a regular file"
checked "plain file: exit 1, not a socket"

run ip netns exec "$ns" "$ISOCK" -U "$tmp/nodir/sock"
want_rc 6
want_err ENOENT
found "$tmp/nodir does not exist"
checked "missing directory: exit 6, the first missing component"

# ---- libmnl that cannot be loaded ----------------------------------------------

# The build's own binary, built with libmnl: in a mount namespace of its
# own, libmnl's file is /dev/null, so dlopen fails.  The diagnosis says the
# library could not be loaded, never that it was built without it.
mnl_so=$(ldconfig -p 2>/dev/null | sed -n 's/^[[:space:]]*libmnl\.so\.0 .*=> //p' |
	head -n 1)
if [ "$ISOCK" != "${BUILD_ISOCK:-}" ] || [ "${BUILD_LIBMNL:-}" != yes ]; then
	skip "libmnl not loadable: said so, not 'built without libmnl'" "not a libmnl build"
elif [ -z "$mnl_so" ] || ! command -v unshare >/dev/null 2>&1 ||
	! unshare -m sh -c 'mount --bind /dev/null "$1"' sh "$mnl_so" 2>/dev/null; then
	skip "libmnl not loadable: said so, not 'built without libmnl'" "no libmnl.so.0 in ldconfig -p, or no unshare -m with a bind mount"
else
	run ip netns exec "$ns" unshare -m sh -c \
		'mount --bind /dev/null "$1" && exec "$2" -w 2 127.0.0.1 9' \
		sh "$mnl_so" "$ISOCK"
	want_rc 1
	want_err_fixed "this run reads no netlink facts (libmnl could not be loaded: "
	want_not_err "built without libmnl"
	checked "libmnl not loadable: said so, not 'built without libmnl'"
fi

# ---- IPv6 off (last: it stays off in the namespace) --------------------------

in_ns sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
run ip netns exec "$ns" "$ISOCK" -w 2 2001:db8::1 80
want_rc 7
found "IPv6 is disabled (net.ipv6.conf.all.disable_ipv6 = 1)"
checked "IPv6 disabled: the sysctl named"

exit 0
