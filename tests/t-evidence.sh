#!/bin/sh
# SPDX-License-Identifier: ISC
# t-evidence.sh: issue 12, "evidence, not guesses".  Each failure is made for
# real in two network namespaces this script creates (isock-ev-PID, the
# client, and isock-ev-PID-r, a router): reject routes and reject rules on
# the router (the ICMP sender named, never "This host denied"), a reject
# rule of the client itself, a firewall that drops the SYN after ARP
# answered, a next hop that never answers ARP, the kernel's SYN retries,
# a listener with a full accept queue whose process is stopped, a stopped
# Unix server, dnsmasq answering NXDOMAIN and good answers, a silent name
# server, a hosts file with an IPv6-only name, and a user listed in a group
# the process lacks.  Each asserts the Found lines, the conclusion and what
# must no longer be said.
# Needs root, ip(8), nft(8), nc(1), setpriv(1), unshare(1) and dnsmasq(8);
# exits 77 (SKIP) without.
set -u
. "${SRCDIR:-.}/tests/tap.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces)"
for tool in ip nft nc setpriv unshare dnsmasq; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "needs $tool"
done

ns=isock-ev-$$
rt=isock-ev-$$-r
tap_setup
chmod 755 "$tmp"
holders=

# ev_cleanup: the EXIT trap: holders, namespaces (with every process in
# them), the netns files, $tmp.
ev_cleanup() {
	for h in $holders; do kill -CONT "$h" 2>/dev/null; kill "$h" 2>/dev/null; done
	for h in $holders; do wait "$h" 2>/dev/null; done
	for n in "$ns" "$rt"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -CONT 2>/dev/null
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	tap_cleanup
	ip netns del "$rt" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "/etc/netns/$ns"
}
trap ev_cleanup EXIT
trap "exit 141" PIPE

ip netns add "$ns" && ip netns add "$rt" ||
	skip_all "cannot create network namespaces"
in_ns() { ip netns exec "$ns" "$@"; }
in_rt() { ip netns exec "$rt" "$@"; }
mkdir -p "/etc/netns/$ns"
printf '127.0.0.1 localhost\n::1 localhost\nfd98::78 v6host.test\n' \
	>"/etc/netns/$ns/hosts"
printf 'hosts: files dns\n' >"/etc/netns/$ns/nsswitch.conf"
printf 'nameserver 127.0.0.1\nsearch lab.test\noptions timeout:1 attempts:1\n' \
	>"/etc/netns/$ns/resolv.conf"

# The client: c0 10.98.0.1/24 and fd98::1/64, default routes via the
# router's r0 (10.98.0.2, fd98::2).  The router forwards, and answers with
# ICMP: unreachable and prohibit routes, a reject rule, a drop rule.
if ! { veth_pair "$ns" "$rt" &&
	ip -n "$ns" route add default via 10.98.0.2 &&
	ip -n "$ns" -6 route add default via fd98::2 &&
	in_rt sysctl -q -w net.ipv4.ip_forward=1 &&
	in_rt sysctl -q -w net.ipv6.conf.all.forwarding=1 &&
	in_rt sysctl -q -w net.ipv4.icmp_ratelimit=0 &&
	in_rt sysctl -q -w net.ipv6.icmp.ratelimit=0 &&
	ip -n "$rt" route add unreachable 10.99.1.0/24 &&
	ip -n "$rt" route add prohibit 10.99.2.0/24 &&
	ip -n "$rt" -6 route add prohibit fd99:2::/64 &&
	ip -n "$rt" link add r1 type veth peer name r2 &&
	ip -n "$rt" link set r1 up &&
	ip -n "$rt" link set r2 up &&
	ip -n "$rt" -6 route add fd99:3::/64 dev r1 &&
	in_rt nft -f - <<EOF
table inet isock_ev {
	chain isock_fwd {
		type filter hook forward priority 0;
		ip6 daddr fd99:3::/64 reject with icmpx admin-prohibited
	}
	chain isock_in {
		type filter hook input priority 0;
		tcp dport 81 drop
		udp dport 53 drop
	}
}
EOF
}; then
	echo "Bail out! cannot set up the client and the router"
	exit 99
fi
for s in mcast_solicit=1 ucast_solicit=1 app_solicit=0 retrans_time_ms=300; do
	in_ns sysctl -q -w "net.ipv4.neigh.c0.$s" >/dev/null
done
# The router's neighbour entry is known before the cases run.
in_ns ping -c 1 -W 2 10.98.0.2 >/dev/null 2>&1

plan 19

# ev_verdict NAME: verdict, with the Check lines judged (brief, nothing
# repeated), after showing stderr when EV_SHOW is set.
ev_verdict() {
	[ -z "${EV_SHOW:-}" ] || printf '%s\n' "$err" | sed 's/^/# | /'
	want_check_brief
	want_check_new
	verdict "$1"
}
# found SENTENCE: the last run's stderr has "  Found: SENTENCE".
found() { want_err_fixed "  Found: $1"; }
# not_local: nothing blames this host or advises -p, -b or AppArmor.
not_local() {
	want_not_err "This host denied"
	want_not_err "(-p|-b|apparmor|AppArmor|prohibit covers)"
}

# ---- ICMP from the router --------------------------------------------------

run ip netns exec "$ns" "$ISOCK" -w 2 10.99.1.7 80
want_rc 4
want_err EHOSTUNREACH
found "10.98.0.2 answered with ICMP host unreachable"
want_err_fixed "a route of type unreachable on 10.98.0.2 covers 10.99.1.7"
want_not_err "refus"
not_local
ev_verdict "router's unreachable route: the ICMP and its sender named, not a refusal"

run ip netns exec "$ns" "$ISOCK" -w 2 10.99.2.7 80
want_rc 4
found "10.98.0.2 answered with ICMP administratively prohibited"
not_local
ev_verdict "router's prohibit route (IPv4): ICMP administratively prohibited from 10.98.0.2"

run ip netns exec "$ns" "$ISOCK" -w 2 fd99:2::7 80
want_rc 5
want_err EACCES
found "fd98::2 answered with ICMPv6 administratively prohibited"
not_local
ev_verdict "router's prohibit route (IPv6): EACCES from the network, not from this host"

run ip netns exec "$ns" "$ISOCK" -u --probe -w 2 fd99:3::7 53
want_rc 5
want_err EACCES
found "fd98::2 answered with ICMPv6 administratively prohibited"
not_local
ev_verdict "router's reject rule, UDP --probe over IPv6: no -b advice"

# ---- a reject rule of this host ---------------------------------------------

in_ns nft -f - <<EOF
table inet isock_ev_out {
	chain isock_out {
		type filter hook output priority 0;
		ip daddr 10.99.4.0/24 reject with icmpx admin-prohibited
	}
}
EOF
run ip netns exec "$ns" "$ISOCK" -w 2 10.99.4.7 80
want_rc 4
want_err "  Found: [0-9.]+, an address of this host, answered with ICMP administratively prohibited"
want_err_fixed "This host refused the packet itself"
ev_verdict "reject rule of this host's output: a local refusal, not the network's"
in_ns nft delete table inet isock_ev_out

# The listeners run in the client namespace.
LISTEN_NS=$tmp/nslisten
printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$ns" "$LISTEN" \
	>"$LISTEN_NS"
chmod 755 "$LISTEN_NS"
real_listen=$LISTEN
LISTEN=$LISTEN_NS

# ---- a listener here, and the SYN rejected: this host's firewall ------------

if start_listener port -4 -p 8083 -t 60; then
	in_ns nft -f - <<EOF
table inet isock_ev_in {
	chain isock_in {
		type filter hook input priority 0;
		tcp dport 8083 reject with tcp reset
	}
}
EOF
	run ip netns exec "$ns" "$ISOCK" -w 2 127.0.0.1 8083
	want_rc 1
	found "TCP port 8083 has a listener on 127.0.0.1"
	want_err_fixed "a reject rule of this host's firewall refused it"
	want_not_err "not running|is down or on another port"
	ev_verdict "listener present, SYN refused: this host's firewall rejected it"
	in_ns nft delete table inet isock_ev_in
else
	fail "listener present, SYN refused: this host's firewall rejected it" \
		"$listener_err"
fi

# Two refusals of one errno with different facts: each gets its own Check
# (the errno's general text is given once; the facts' are per target).
if start_listener port -6 -p 8087 -t 60; then
	run ip netns exec "$ns" "$ISOCK" -w 2 127.0.0.1:8095 127.0.0.1:8087
	want_rc 1
	want_err_fixed "Check: Start the service, or find the port it uses"
	want_err_fixed "Check: Connect to ::1 instead"
	ev_verdict "two refusals, two sets of facts: a Check for each"
else
	fail "two refusals, two sets of facts: a Check for each" "$listener_err"
fi

# ---- time-outs read the state they talk about -------------------------------

run ip netns exec "$ns" "$ISOCK" -w 1 10.98.0.2 81
want_rc 3
want_err "  Found: the next hop 10\.98\.0\.2 on c0 resolved \(neighbour entry (REACHABLE|STALE|DELAY|PROBE)\)"
found "the -w deadline ended the attempt; the kernel was still retrying"
want_not_err "or the host is down"
ev_verdict "dropped SYN, next hop answered ARP: never 'or the host is down', -w named"

run ip netns exec "$ns" "$ISOCK" -w 3 10.98.0.9 80
want_rc 4
want_err EHOSTUNREACH
found "10.98.0.1, an address of this host, answered with ICMP host unreachable"
want_err "  Found: no ARP reply from 10\.98\.0\.9 on c0 \(neighbour entry FAILED\)"
want_err_fixed "The SYN never left"
want_not_err "reject rule"
ev_verdict "no ARP answer, EHOSTUNREACH: the SYN never left, not a reject rule"

in_ns sysctl -q -w net.ipv4.neigh.c0.retrans_time_ms=5000
run ip netns exec "$ns" "$ISOCK" -w 1 10.98.0.10 80
want_rc 3
found "no ARP reply from 10.98.0.10 on c0 (neighbour entry INCOMPLETE)"
want_err_fixed "The SYN never left"
want_not_err "the SYN sent"
ev_verdict "no ARP answer yet at -w: the SYN never left"
in_ns sysctl -q -w net.ipv4.neigh.c0.retrans_time_ms=300

in_ns sysctl -q -w net.ipv4.tcp_syn_retries=1
run ip netns exec "$ns" "$ISOCK" -w 10 10.98.0.2 81
want_rc 3
found "the kernel's retries ran out before the -w deadline"
want_not_err "retries ran out or the -w deadline"
ev_verdict "the kernel's SYN retries ended it, not -w"
in_ns sysctl -q -w net.ipv4.tcp_syn_retries=6

# A listener that never accepts, backlog 2: three connections fill its
# queue, then it is stopped.
if start_listener port -4 -p 8090 -A -b 2 -t 60; then
	for n in 1 2 3; do
		in_ns nc 127.0.0.1 8090 </dev/null >/dev/null 2>&1 &
		holders="$holders $!"
	done
	i=0
	while [ $i -lt 50 ] && [ "$(in_ns ss -Hltn 'sport = :8090' | awk '{print $2}')" != 3 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -STOP "$listener_pid"
	run ip netns exec "$ns" "$ISOCK" -w 1 127.0.0.1 8090
	want_rc 3
	found "the listener on 127.0.0.1 port 8090 has a full accept queue: 3 waiting, backlog 2"
	want_err "  Found: the listening socket is held by process $listener_pid \(isock-listen\), stopped \(state T\)"
	want_not_err "(or the host is down|ip neigh)"
	want_err_fixed "kill -CONT $listener_pid"
		ev_verdict "full accept queue of a stopped local listener: queue, backlog, process"
	kill -CONT "$listener_pid"
else
	fail "full accept queue of a stopped local listener: queue, backlog, process" \
		"$listener_err"
fi

# A listener with room in its queue, and this host's input chain dropping
# the SYN: not the network, not the queue.
if start_listener port -4 -p 8084 -b 16 -t 60; then
	in_ns nft -f - <<EOF
table inet isock_ev_drop {
	chain isock_in {
		type filter hook input priority 0;
		tcp dport 8084 drop
	}
}
EOF
	run ip netns exec "$ns" "$ISOCK" -w 1 127.0.0.1 8084
	want_rc 3
	found "the listener on 127.0.0.1 port 8084 has 0 connections waiting to be accepted, backlog 16"
	want_err_fixed "a drop rule of this host's firewall took it"
	want_not_err "(or the host is down|ip neigh)"
	ev_verdict "local listener with room, SYN dropped here: this host's firewall"
	in_ns nft delete table inet isock_ev_drop
else
	fail "local listener with room, SYN dropped here: this host's firewall" \
		"$listener_err"
fi

# ---- a stopped Unix server ----------------------------------------------------

if start_listener ready -U "$tmp/full" -A -b 1 -t 60; then
	for n in 1 2; do
		in_ns nc -U "$tmp/full" </dev/null >/dev/null 2>&1 &
		holders="$holders $!"
	done
	sleep 1	# both queued: nc connects at once
	run ip netns exec "$ns" "$ISOCK" -w 2 -U "$tmp/full"
	want_rc 7
	want_err "  Found: the listening socket is held by process $listener_pid \(isock-listen\), sleeping \(state S\)"
	want_err_fixed "its process is alive (sleeping) but accepts slower than connections arrive"
	ev_verdict "Unix EAGAIN from a live server: its process, alive and slow"
	kill -STOP "$listener_pid"
	run ip netns exec "$ns" "$ISOCK" -w 2 -U "$tmp/full"
	want_rc 7
	want_err EAGAIN
	want_err "  Found: the listening socket is held by process $listener_pid \(isock-listen\), stopped \(state T\)"
	want_not_err "connections arrive faster than it accepts them"
	want_err_fixed "kill -CONT $listener_pid"
	ev_verdict "Unix EAGAIN from a stopped server: its process and state"
	kill -CONT "$listener_pid"
else
	fail "Unix EAGAIN from a live server: its process, alive and slow" \
		"$listener_err"
	fail "Unix EAGAIN from a stopped server: its process and state" \
		"$listener_err"
fi
LISTEN=$real_listen

# ---- names ---------------------------------------------------------------------

in_ns dnsmasq -k --conf-file=/dev/null --listen-address=127.0.0.1 \
	--bind-interfaces --no-resolv --no-hosts --local=/test/ \
	--address=/good.test/10.98.0.50 --host-record=v6only.test,fd98::77 \
	--pid-file="$tmp/dnsmasq.pid" 2>"$tmp/dnsmasq.err" &
holders="$holders $!"
i=0
while [ $i -lt 50 ] && ! in_ns ss -Hlun 'sport = :53' | grep -q 127.0.0.1; do
	sleep 0.1
	i=$((i + 1))
done

run ip netns exec "$ns" "$ISOCK" -w 3 nosuch.test 80
want_rc 6
found "127.0.0.1 answered that nosuch.test does not exist (NXDOMAIN)"
found "the search list is lab.test"
want_err_fixed "does not exist in DNS"
ev_verdict "NXDOMAIN: the servers asked, the search list, the answer"

run ip netns exec "$ns" "$ISOCK" -4 -w 3 v6host.test 80
want_rc 6
found "v6host.test exists, with IPv6 addresses only: IPv4 was asked for"
want_not_err "not known to any source"
ev_verdict "hosts file, IPv6-only name asked with -4: it has IPv6 only"

printf 'nameserver 10.98.0.2\noptions timeout:1 attempts:1\n' \
	>"/etc/netns/$ns/resolv.conf"
run ip netns exec "$ns" "$ISOCK" -w 5 good.test 80
want_rc 3
want_err EAI_AGAIN
want_err "  Found: name server 10\.98\.0\.2 did not answer within [0-9]+ ms; its route is 10\.98\.0\.0/24, type unicast, dev c0"
want_err_fixed "DNS did not answer"
want_not_err "not found"
ev_verdict "silent name server: exit 3, the server and its route"

# ---- who is denied ---------------------------------------------------------------

# /etc/group, seen through a private mount, lists nobody in daemon's group;
# the process runs as nobody without it.
nobody=$(id -nu 65534)
dgroup=$(getent group daemon | cut -d: -f1)
mkdir -m 770 "$tmp/grp" && chown root:daemon "$tmp/grp"
sed "s/^\($dgroup:[^:]*:[^:]*:\)\(.*\)\$/\1\2,$nobody/; s/:,/:/" /etc/group \
	>"$tmp/group"
run unshare -m sh -c "mount --bind '$tmp/group' /etc/group &&
	exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	'$ISOCK' -U '$tmp/grp/sock'"
want_rc 5
found "this process runs as $nobody (uid 65534)"
found "/etc/group lists $nobody in group $dgroup, but this process does not have that group"
want_err_fixed "newgrp $dgroup"
ev_verdict "user listed in the socket's group, process without it: newgrp"

exit 0
