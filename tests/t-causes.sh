#!/bin/sh
# SPDX-License-Identifier: ISC
# t-causes.sh: issue 20, "say no more than the evidence shows".  Each
# failure is made for real in three network namespaces this script creates:
# a client (isock-cz-PID), a router (isock-cz-PID-r) and a server
# (isock-cz-PID-s) with dnsmasq and nc as real daemons.  Each case says what
# must be said and what must never be said:
#  - UDP port unreachable with nothing listening, here and on the server:
#    "nothing listens", never a reject rule unless the ruleset holds one;
#  - a SYN dropped by this host's output chain, a SYN-ACK dropped by its
#    input policy or rejected by its input chain: the local chain named,
#    never "the SYN left this host";
#  - ICMP host/address unreachable from the last router: its neighbour
#    resolution failed (and the /etc/hosts line that gave the address),
#    never "a refusal"; the same sent by a reject rule (router or server):
#    the rule a candidate, never "on the way to" the server itself;
#  - ARP dropped by this host's own arp table: the chain, not the gateway;
#  - Unix permissions: the missing bit on the component, a group only where
#    the group's bits grant the access;
#  - a listener on the IPv4 wildcard, the client on ::1: never "Connect to
#    0.0.0.0";
#  - a connect that completes and is reset at once: connected (0) every
#    time, "then reset by the peer at once" when the reset was there.
# Needs root, ip(8), nft(8), nc(1), setpriv(1) and dnsmasq(8); exits 77
# (SKIP) without.
set -u
. "${SRCDIR:-.}/tests/tap.sh"

need_root ip nft nc setpriv dnsmasq

cl=isock-cz-$$
rt=isock-cz-$$-r
sv=isock-cz-$$-s
tap_setup
chmod 755 "$tmp"

# cz_cleanup: the EXIT trap: every process in the namespaces, the
# namespaces, their /etc/netns files, $tmp.
cz_cleanup() {
	for n in "$cl" "$rt" "$sv"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	tap_cleanup
	for n in "$cl" "$rt" "$sv"; do
		ip netns del "$n" 2>/dev/null
		rm -rf "/etc/netns/$n"
	done
}
trap cz_cleanup EXIT
trap "exit 141" PIPE

ip netns add "$cl" && ip netns add "$rt" && ip netns add "$sv" ||
	skip_all "cannot create network namespaces"
in_cl() { ip netns exec "$cl" "$@"; }
in_rt() { ip netns exec "$rt" "$@"; }
in_sv() { ip netns exec "$sv" "$@"; }
mkdir -p "/etc/netns/$cl"
printf '127.0.0.1 localhost\n::1 localhost\n10.97.0.9 db.cz.test\n' \
	>"/etc/netns/$cl/hosts"
printf 'hosts: files dns\n' >"/etc/netns/$cl/nsswitch.conf"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
	>"/etc/netns/$cl/resolv.conf"

# client c0 10.98.0.1 -- r0 10.98.0.2 router r1 10.97.0.1 -- s0 10.97.0.2
# server (and fd98::/64, fd97::/64 alike).
if ! { veth_pair "$cl" "$rt" &&
	ip -n "$rt" link add r1 type veth peer name s0 netns "$sv" &&
	ip -n "$rt" addr add 10.97.0.1/24 dev r1 &&
	ip -n "$rt" addr add fd97::1/64 dev r1 nodad &&
	ip -n "$rt" link set r1 up &&
	ip -n "$sv" link set lo up &&
	ip -n "$sv" addr add 10.97.0.2/24 dev s0 &&
	ip -n "$sv" addr add fd97::2/64 dev s0 nodad &&
	ip -n "$sv" link set s0 up &&
	ip -n "$cl" route add default via 10.98.0.2 &&
	ip -n "$cl" -6 route add default via fd98::2 &&
	ip -n "$sv" route add default via 10.97.0.1 &&
	ip -n "$sv" -6 route add default via fd97::1 &&
	in_rt sysctl -q -w net.ipv4.ip_forward=1 &&
	in_rt sysctl -q -w net.ipv6.conf.all.forwarding=1 &&
	in_rt sysctl -q -w net.ipv4.icmp_ratelimit=0 &&
	in_rt sysctl -q -w net.ipv6.icmp.ratelimit=0 &&
	in_sv sysctl -q -w net.ipv4.icmp_ratelimit=0 &&
	in_cl sysctl -q -w net.ipv4.icmp_ratelimit=0; }; then
	echo "Bail out! cannot set up the client, the router and the server"
	exit 99
fi
for s in mcast_solicit=1 ucast_solicit=1 app_solicit=0 retrans_time_ms=300; do
	in_rt sysctl -q -w "net.ipv4.neigh.r1.$s" >/dev/null
done
in_rt sysctl -q -w net.ipv6.neigh.r1.mcast_solicit=1 >/dev/null
in_rt sysctl -q -w net.ipv6.neigh.r1.retrans_time_ms=300 >/dev/null
# Both links known before the cases run.
in_cl ping -c 1 -W 2 10.97.0.2 >/dev/null 2>&1

plan 40

# cz_contradiction FOUND SAID: when a Found line matches FOUND, no other
# line of the same output (meaning, Check) may match SAID (both EREs).
cz_contradiction() {
	printf '%s\n' "$err" | grep -Eq -- "^  Found: .*($1)" || return 0
	printf '%s\n' "$err" | grep -v '^  Found: ' | grep -Eq -- "$2" &&
		tap_note "a Found line says /$1/, yet the output says /$2/"
	return 0
}

# cz_icmp_sender: the sender a Found line says answered with ICMP is
# never said, elsewhere in the same output, not to have answered (another
# host, the one its ARP asked for, may be).
cz_icmp_sender() {
	cz_s=$(printf '%s\n' "$err" | sed -n \
	    's/^  Found: \(.* \)\{0,1\}\([^ ]*\) answered with ICMP.*/\2/p' | head -n 1)
	[ -n "$cz_s" ] || return 0
	printf '%s\n' "$err" | grep -v '^  Found: ' | grep -Fq -- "$cz_s did not answer" &&
		tap_note "a Found line says $cz_s answered with ICMP, yet the output says it did not answer"
	return 0
}

# cz_verdict NAME: verdict, Checks judged (brief, nothing repeated), and
# no sentence that a Found line of the same output contradicts.
cz_verdict() {
	[ -z "${CZ_SHOW:-}" ] || printf '%s\n' "$err" | sed 's/^/# | /'
	want_check_brief
	want_check_new
	cz_contradiction "is an address of this host" "host is down|left this host"
	cz_contradiction "no input or output chain of this host's nftables ruleset drops or rejects" \
		"firewall took it|This host's chain (ip|ip6|inet|netdev) |a drop in this host|a reject in this host"
	cz_contradiction "may (drop|reject)" "which refuses the attempt|firewall took it"
	cz_contradiction "resolved \\(neighbour entry" "did not answer (ARP|neighbour)|never left"
	cz_contradiction "nothing on this host listens" "listener covers|queue is full"
	cz_contradiction "answered with ICMP" "DNS did not answer|no name server replied"
	cz_icmp_sender
	cz_contradiction "without carrier" "left this host|so it is up"
	verdict "$1"
}
found() { want_err_fixed "  Found: $1"; }
# as_daemon PATH: the tool run as daemon, without other groups, on PATH.
as_daemon() {
	run setpriv --reuid=daemon --regid=daemon --clear-groups "$ISOCK" -U "$1"
}
# wait_ss NS OPTS TEXT: waits (at most 5 s) until ss OPTS in NS shows TEXT.
wait_ss() {
	i=0
	while [ $i -lt 50 ] && ! ip netns exec "$1" ss "$2" 2>/dev/null |
		grep -qF "$3"; do
		sleep 0.1; i=$((i + 1))
	done
}

# ---- UDP port unreachable: nothing listens ----------------------------------

run ip netns exec "$cl" "$ISOCK" -u --probe -w 2 127.0.0.1 53
want_rc 1
found "nothing on this host listens on UDP port 53"
want_err_fixed "Check: Start the service"
want_not_err "reject rule|firewall|nft list ruleset"
cz_verdict "UDP probe, nothing listens here, no rule: nothing listens, not a firewall"

in_cl nft -f - <<EOF
table inet isock_cz_rej {
	chain in {
		type filter hook input priority 0;
		udp dport 54 reject
	}
}
EOF
run ip netns exec "$cl" "$ISOCK" -u --probe -w 2 127.0.0.1 54
want_rc 1
want_err "  Found: .*chain inet isock_cz_rej in \(hook input\).*reject"
want_err_fixed "reject rule"
want_err_fixed "nothing listens"
cz_verdict "UDP probe, nothing listens and a reject rule here: both named, neither picked"
in_cl nft delete table inet isock_cz_rej

# dnsmasq on the server answers; stopped, the server's kernel says port
# unreachable.
ip netns exec "$sv" dnsmasq -k -p 53 --listen-address=10.97.0.2 --bind-interfaces \
	--no-resolv --no-hosts --pid-file= --address=/cz.test/10.97.0.2 \
	>"$tmp/dnsmasq.log" 2>&1 &
dnsmasq_pid=$!
tap_pids="$tap_pids $dnsmasq_pid"
wait_ss "$sv" -lun 10.97.0.2:53
run ip netns exec "$cl" "$ISOCK" -u --probe -w 2 10.97.0.2 53
want_rc 0
verdict "dnsmasq on the server answers the DNS probe"
kill "$dnsmasq_pid" 2>/dev/null
wait "$dnsmasq_pid" 2>/dev/null
run ip netns exec "$cl" "$ISOCK" -u --probe -w 2 10.97.0.2 53
want_rc 1
found "10.97.0.2 answered with ICMP port unreachable"
want_err_fixed "nothing listens on UDP port 53 at 10.97.0.2"
want_not_err "refused the attempt|the route or the reject rule"
cz_verdict "dnsmasq stopped: nothing listens on the server, not a refusal"

# ---- a neighbour entry alone never says the SYN left -------------------------

in_cl nft -f - <<EOF
table inet isock_cz_out {
	chain out {
		type filter hook output priority 0;
		tcp dport 5432 drop
	}
}
EOF
run ip netns exec "$cl" "$ISOCK" -w 1 10.97.0.2 5432
want_rc 3
want_err "  Found: .*chain inet isock_cz_out out \(hook output\)"
want_not_err "so the SYN left this host"
want_not_err "traceroute -T"
cz_verdict "SYN dropped by this host's output chain: the local chain named, never 'the SYN left'"
in_cl nft delete table inet isock_cz_out

ip netns exec "$sv" nc -l -k 10.97.0.2 5433 >/dev/null 2>&1 &
tap_pids="$tap_pids $!"
in_cl nft -f - <<EOF
table inet isock_cz_in {
	chain in {
		type filter hook input priority 0; policy drop;
		iif lo accept
		icmp type echo-reply accept
	}
}
EOF
wait_ss "$sv" -ltn :5433
run ip netns exec "$cl" "$ISOCK" -w 1 10.97.0.2 5433
want_rc 3
want_err "  Found: .*chain inet isock_cz_in in \(hook input\).*policy drop"
want_not_err "so the SYN left this host"
cz_verdict "SYN-ACK dropped by this host's input policy: the input chain named"
in_cl nft delete table inet isock_cz_in

# The SYN-ACK rejected by this host's input chain: the reject goes to the
# server, the socket sees nothing and times out.  The rule is this host's.
in_cl nft -f - <<EOF
table inet isock_cz_rrep {
	chain in {
		type filter hook input priority 0;
		tcp sport 5433 tcp flags & (syn | ack) == syn | ack reject
	}
}
EOF
run ip netns exec "$cl" "$ISOCK" -w 1 10.97.0.2 5433
want_rc 3
want_err "  Found: .*chain inet isock_cz_rrep in \\(hook input\\) may reject the reply"
want_err_fixed "reject in this host's chain inet isock_cz_rrep in (hook input)"
want_not_err "left this host|No input or output chain"
cz_verdict "SYN-ACK rejected by this host's input chain: the reject rule named, never 'the SYN left'"
in_cl nft delete table inet isock_cz_rrep

# A host firewall's input chain: established replies accepted, the rest
# rejected.  Nothing listens on the server's 5440: its reset is an
# established reply, taken by the first rule, so the reject rule is never
# reached by it: the refusal is the server's, not this host's rule.
in_cl nft -f - <<EOF
table inet isock_cz_ctrej {
	chain in {
		type filter hook input priority 0;
		ct state established,related accept
		ip saddr 10.97.0.2 reject
	}
}
EOF
run ip netns exec "$cl" "$ISOCK" -w 1 10.97.0.2 5440
want_rc 1
want_err_fixed "10.97.0.2 answered the SYN to port 5440 with a refusal"
want_not_err "isock_cz_ctrej|reject rule"
cz_verdict "a reset from the server past 'ct state established accept': the server's refusal, not this host's reject rule"
in_cl nft delete table inet isock_cz_ctrej

in_rt nft -f - <<EOF
table inet isock_cz_fwd {
	chain fw {
		type filter hook forward priority 0;
		tcp dport 5434 drop
	}
}
EOF
# The client's own forward chain drops too: no packet of its own passes it.
# Its output and input chains drop other ports and addresses: rules that
# cannot match this SYN or its reply are not counted either.
in_cl nft -f - <<EOF
table inet isock_cz_cfw {
	chain fw {
		type filter hook forward priority 0;
		tcp dport 5434 drop
	}
	chain out {
		type filter hook output priority 0;
		tcp dport 5435 drop
		ip daddr 10.97.0.0/24 tcp dport 22 drop
		ip daddr 10.96.0.0/16 drop
		udp dport 5434 drop
	}
	chain in {
		type filter hook input priority 0;
		ip saddr 10.97.0.99 drop
		tcp sport 5435 drop
		tcp dport 5434 drop
	}
}
EOF
run ip netns exec "$cl" "$ISOCK" -w 1 10.97.0.2 5434
want_rc 3
want_not_err "traceroute -T|isock_cz_cfw"
want_err_fixed "--trace"
want_err_fixed "the SYN left this host"
cz_verdict "SYN dropped on the router: --trace, not traceroute -T; this host's rules for other ports, addresses, hooks not counted"

# A rule with an expression the reader does not evaluate (meta mark) may
# match: named as possible, and "the SYN left" is no longer said.
in_cl nft -f - <<EOF
table inet isock_cz_maybe {
	chain out {
		type filter hook output priority 0;
		meta mark 0x2a drop
	}
}
EOF
run ip netns exec "$cl" "$ISOCK" -w 1 10.97.0.2 5434
want_rc 3
want_err "  Found: .*chain inet isock_cz_maybe out \\(hook output\\) may drop the SYN \\(not decided here\\)"
want_not_err "the SYN left this host|isock_cz_cfw"
cz_verdict "a drop rule not decided here (meta mark): named as one that may match"
in_cl nft delete table inet isock_cz_maybe
in_cl nft delete table inet isock_cz_cfw
in_rt nft delete table inet isock_cz_fwd

# An iptables-legacy rule drops the SYN to 5556: no chain of the nftables
# ruleset does, so neither "dropped on the way" nor "the host is down" is
# said of this host, and the Check names what the ruleset does not show.
if in_cl iptables-legacy -A INPUT -p tcp --dport 5556 -j DROP 2>/dev/null; then
	run ip netns exec "$cl" "$ISOCK" -w 1 127.0.0.1 5556
	want_rc 3
	found "no input or output chain of this host's nftables ruleset drops or rejects"
	want_err_fixed "iptables-legacy -S"
	want_not_err "host is down|dropped on the way"
	cz_verdict "a silent SYN to this host, no nftables rule takes it: never 'the host is down'"
	in_cl iptables-legacy -F INPUT
else
	skip "a silent SYN to this host, no nftables rule takes it: never 'the host is down'" "iptables-legacy cannot add a rule"
fi

# ---- host unreachable from the last router: its neighbour resolution ---------

run ip netns exec "$cl" "$ISOCK" -w 4 10.97.0.9 5432
want_rc 4
found "10.98.0.2 answered with ICMP host unreachable"
want_err_fixed "ARP for 10.97.0.9 got no answer"
want_not_err "refus"
cz_verdict "ICMP host unreachable from the last router: its ARP, never a refusal"

run ip netns exec "$cl" "$ISOCK" -w 4 fd97::9 5432
want_rc 4
found "fd98::2 answered with ICMPv6 address unreachable"
want_err_fixed "neighbour discovery for fd97::9 got no answer"
want_not_err "refus"
cz_verdict "ICMPv6 address unreachable from the last router: its neighbour discovery"

run ip netns exec "$cl" "$ISOCK" -w 4 db.cz.test 5432
want_rc 4
found "/etc/hosts line 3 gives db.cz.test the address 10.97.0.9"
want_not_err "refus"
cz_verdict "an /etc/hosts address that belongs to no one: the hosts line named"

# ---- the same ICMP errors sent by a reject rule --------------------------------

# `reject with icmp host-unreachable` on the router: its ARP is only one
# candidate; from the server itself, never a router "on the way to" itself.
in_rt nft -f - <<EOF
table inet isock_cz_rj {
	chain fw {
		type filter hook forward priority 0;
		ip daddr 10.97.0.2 tcp dport 5440 reject with icmp type host-unreachable
	}
}
EOF
in_sv nft -f - <<EOF
table inet isock_cz_rj {
	chain in {
		type filter hook input priority 0;
		tcp dport 5441 reject with icmp type net-unreachable
	}
}
EOF
run ip netns exec "$cl" "$ISOCK" -w 1 10.97.0.2 5440
want_rc 4
found "10.98.0.2 answered with ICMP host unreachable"
want_err_fixed "a reject rule on 10.98.0.2"
want_not_err "refus|lists it FAILED"
cz_verdict "host unreachable from a reject rule on the router: a rule there is a candidate"

run ip netns exec "$cl" "$ISOCK" -w 1 10.97.0.2 5441
want_rc 4
found "10.97.0.2 answered with ICMP network unreachable"
want_err_fixed "a reject rule on 10.97.0.2"
want_not_err "on the way to 10.97.0.2|has no route to it"
cz_verdict "network unreachable from the server itself: never a router on the way to itself"
in_rt nft delete table inet isock_cz_rj
in_sv nft delete table inet isock_cz_rj

# ---- ARP dropped by this host's own arp table ------------------------------------

in_cl nft -f - <<EOF
table arp isock_cz_arp {
	chain out {
		type filter hook output priority 0;
		counter drop
	}
}
EOF
in_cl ip neigh flush dev c0
run ip netns exec "$cl" "$ISOCK" -w 1 10.97.0.2 5432
want_rc 3
want_err_fixed "chain arp isock_cz_arp out (hook output) drops the ARP requests"
want_not_err "down or not on that link|did not answer ARP"
cz_verdict "ARP dropped by this host's arp table: the chain named, not the gateway"
in_cl nft delete table arp isock_cz_arp
in_cl ping -c 1 -W 2 10.97.0.2 >/dev/null 2>&1

# ---- the link: no carrier ------------------------------------------------------

ip -n "$rt" link set r0 down
run ip netns exec "$cl" "$ISOCK" -w 2 10.97.0.2 5432
want_err_fixed "c0, the route's device, is up without carrier (IFF_LOWER_UP off)"
want_err_fixed "has no carrier"
want_not_err "left this host|did not answer ARP"
cz_verdict "the router's end of the link down: no carrier on c0, not the next hop"
ip -n "$rt" link set r0 up
in_cl ping -c 1 -W 2 10.97.0.2 >/dev/null 2>&1

# ---- Unix permissions from the modes ------------------------------------------

nobody=$(id -nu 65534)
nogroup=$(id -ng 65534)
mkdir -m 2700 "$tmp/pg" && chown "$nobody:$nogroup" "$tmp/pg"
as_daemon "$tmp/pg/sock"
want_rc 5
want_not_err "to group"
want_err_fixed "only its owner $nobody"
cz_verdict "directory 2700: no group would help, the owner bit named"

mkdir -m 755 "$tmp/root"
if start_listener ready -U "$tmp/root/sock" -m 700 -t 60; then
	as_daemon "$tmp/root/sock"
	want_rc 5
	want_not_err "group root"
	cz_verdict "root-owned socket 700: never 'add to group root'"
else
	fail "root-owned socket 700: never 'add to group root'" "$listener_err"
fi

mkdir -m 755 "$tmp/grp"
if start_listener ready -U "$tmp/grp/sock" -m 770 -t 60; then
	chgrp "$nogroup" "$tmp/grp/sock"
	as_daemon "$tmp/grp/sock"
	want_rc 5
	want_err_fixed "group $nogroup"
	cz_verdict "socket 770 of a group: the group is named, its bits grant write"
else
	fail "socket 770 of a group: the group is named, its bits grant write" "$listener_err"
fi

# ---- a Unix socket in the next directory ------------------------------------

mkdir -p "$tmp/run/pgsql" "$tmp/run/postgresql"
if start_listener ready -U "$tmp/run/postgresql/.s.PGSQL.5432" -t 60; then
	run "$ISOCK" -U "$tmp/run/pgsql/.s.PGSQL.5432"
	want_rc 6
	found "a socket is at $tmp/run/postgresql/.s.PGSQL.5432, near it"
	want_err_fixed "isock-connect -U $tmp/run/postgresql/.s.PGSQL.5432"
	cz_verdict "the socket in the neighbouring directory named"
	run "$ISOCK" -U "$tmp/run/pgsql/.s.PGSQL.5433"
	want_rc 6
	want_not_err "near it"
	cz_verdict "no socket of that name near: none claimed"
else
	fail "the socket in the neighbouring directory named" "$listener_err"
	fail "no socket of that name near: none claimed" "$listener_err"
fi

# ---- a name look-up that never asked, or was answered by ICMP ------------------

# Descriptors a caller leaves open (make's jobserver) are closed first:
# the tool starts with 0-2 and the limit leaves it one more.
run ip netns exec "$cl" sh -c 'exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	ulimit -n 4; exec "$1" localhost 9' sh "$ISOCK"
want_rc 7
want_err_fixed "its limit is 4 (ulimit -n)"
want_not_err "did not answer"
cz_verdict "ulimit -n 4: the descriptor limit, exit 7, never a silent name server"
# -q runs no diagnosis: the status is the look-up's own, the same.
run ip netns exec "$cl" sh -c 'exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	ulimit -n 4; exec "$1" -q localhost 9' sh "$ISOCK"
want_rc 7
want_no_out
want_no_err
verdict "ulimit -n 4 with -q: exit 7 as without it, nothing printed"

run ip netns exec "$cl" "$ISOCK" -w 3 nosuch.cz.test 80
found "name server 127.0.0.1 answered with ICMP port unreachable: nothing listens on its UDP port 53"
want_not_err "did not answer"
cz_verdict "no name server on 127.0.0.1: its ICMP answer, not 'did not answer'"

# dnsmasq on the server knows db.lab.test; the client's search list has
# lab.tset, misspelt.
ip netns exec "$sv" dnsmasq -k -p 53 --listen-address=10.97.0.2 --bind-interfaces \
	--no-resolv --no-hosts --pid-file= --local=/#/ \
	--address=/db.lab.test/10.97.0.2 >"$tmp/dnsmasq2.log" 2>&1 &
dnsmasq_pid=$!
tap_pids="$tap_pids $dnsmasq_pid"
wait_ss "$sv" -lun 10.97.0.2:53
printf 'nameserver 10.97.0.2\nsearch lab.tset\noptions timeout:1 attempts:1\n' \
	>"/etc/netns/$cl/resolv.conf"
run ip netns exec "$cl" "$ISOCK" -w 3 db 5432
want_rc 6
want_err_fixed "the name or a suffix (lab.tset) is wrong"
want_not_err "Look at the spelling"
cz_verdict "a misspelt search domain: the suffix is named with the name"
run ip netns exec "$cl" "$ISOCK" -w 3 db.lab.test. 5432
want_rc 1
verdict "the full name resolves through dnsmasq (control)"
kill "$dnsmasq_pid" 2>/dev/null
wait "$dnsmasq_pid" 2>/dev/null
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
	>"/etc/netns/$cl/resolv.conf"

# The router answers the query to 10.97.0.53 with ICMP host unreachable:
# an error, not silence, and no Check about silence.
in_rt nft -f - <<EOF
table inet isock_cz_ns {
	chain pass {
		type filter hook forward priority 0;
		ip daddr 10.97.0.53 udp dport 53 reject with icmp type host-unreachable
	}
}
EOF
printf 'nameserver 10.97.0.53\noptions timeout:1 attempts:1\n' \
	>"/etc/netns/$cl/resolv.conf"
run ip netns exec "$cl" "$ISOCK" -w 3 nosuch.cz.test 80
want_rc 3
found "the query to name server 10.97.0.53 failed: "
want_err_fixed "the query to each came back with an error, not silence"
want_err_fixed "Check: \`isock-connect -u --probe 10.97.0.53 53\`"
want_not_err "did not answer|silence there means|no name server replied"
cz_verdict "the name server's router answers host unreachable: an error, never silence"
in_rt nft delete table inet isock_cz_ns
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
	>"/etc/netns/$cl/resolv.conf"

# ---- wrong advice after a right finding --------------------------------------

LISTEN_CL=$tmp/cllisten
printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$cl" "$LISTEN" >"$LISTEN_CL"
chmod 755 "$LISTEN_CL"
real_listen=$LISTEN
LISTEN=$LISTEN_CL
ip netns exec "$cl" nc -l -k 0.0.0.0 6543 >/dev/null 2>&1 &
tap_pids="$tap_pids $!"
wait_ss "$cl" -ltn 0.0.0.0:6543
run ip netns exec "$cl" "$ISOCK" -w 2 ::1 6543
want_rc 1
found "TCP port 6543 has a listener on 0.0.0.0 only, not on ::1"
want_not_err "Connect to 0\.0\.0\.0"
want_err_fixed "127.0.0.1"
cz_verdict "listener on 0.0.0.0, client on ::1: never 'connect to 0.0.0.0'"

# ---- a listener on the port next to it -----------------------------------------

if start_listener near -4 -p 5433 -t 60; then
	run ip netns exec "$cl" "$ISOCK" -w 2 127.0.0.1 5432
	want_rc 1
	found "TCP port 5433, near it, has a listener on 127.0.0.1"
	want_err_fixed "Is 5433 the port meant?"
	cz_verdict "nothing on 5432, a listener on 5433: the port next to it named"
	run ip netns exec "$cl" "$ISOCK" -w 2 127.0.0.1 5439
	want_rc 1
	want_not_err "5433|near it"
	cz_verdict "nothing on 5439 nor near it: no nearby port claimed"
else
	fail "nothing on 5432, a listener on 5433: the port next to it named" "$listener_err"
	fail "nothing on 5439 nor near it: no nearby port claimed" "$listener_err"
fi

# ---- the probe that was sent -------------------------------------------------

if start_listener silent -u -4 -p 53 -t 60; then
	run ip netns exec "$cl" "$ISOCK" -u --probe -w 1 127.0.0.1 53
	want_rc 3
	want_err_fixed "The DNS request sent to port 53 reached this host"
	want_not_err "empty datagram|send the service's own request|firewall"
	cz_verdict "a silent DNS probe: the DNS request named, never 'an empty datagram'"
else
	fail "a silent DNS probe: the DNS request named, never 'an empty datagram'" "$listener_err"
fi

# ---- a time-out while resolving ------------------------------------------------

# The same silent listener is the name server of resolv.conf: the -w
# deadline ends the look-up, and the name servers are asked all the same.
if [ -n "${silent:-}" ]; then
	run ip netns exec "$cl" "$ISOCK" -w 0.3 nosuch.cz.test 80
	want_rc 3
	want_err_fixed "timed out resolving the name"
	found "name server 127.0.0.1 did not answer"
	want_err_fixed "no name server replied"
	want_not_err "came back with an error"
	cz_verdict "a time-out while resolving, the name server silent: its silence found"
	# Three names the deadline ended: the name servers are asked once
	# for the run, not 0.2 s for each name.
	run ip netns exec "$cl" "$ISOCK" -q --json -w 0.3 a.cz.test 80 \
		b.cz.test 80 c.cz.test 80
	want_rc 3
	n=$(printf '%s\n' "$out" | grep '"kind":"result"' |
		grep -c 'name server 127\.0\.0\.1 did not answer')
	[ "$n" = 1 ] || tap_note "$n results with the name server's facts, expected 1"
	verdict "three names the deadline ended: the name servers asked once"
	# 127.0.0.1, asked first, is silent; dnsmasq on the server, asked
	# next, answers: not "no name server replied".
	ip netns exec "$sv" dnsmasq -k -p 53 --listen-address=10.97.0.2 \
		--bind-interfaces --no-resolv --no-hosts --pid-file= \
		--local=/#/ --address=/db.lab.test/10.97.0.2 \
		>"$tmp/dnsmasq3.log" 2>&1 &
	dnsmasq_pid=$!
	tap_pids="$tap_pids $dnsmasq_pid"
	wait_ss "$sv" -lun 10.97.0.2:53
	printf 'nameserver 127.0.0.1\nnameserver 10.97.0.2\noptions timeout:1 attempts:1\n' \
		>"/etc/netns/$cl/resolv.conf"
	run ip netns exec "$cl" "$ISOCK" -w 0.3 db.lab.test. 5432
	want_rc 3
	found "name server 127.0.0.1 did not answer"
	found "name server 10.97.0.2 answered NOERROR with 1 answer"
	want_err_fixed "Name server 127.0.0.1 did not answer, and 10.97.0.2, listed after it, has an answer for db.lab.test."
	want_err_fixed "Check: Start 127.0.0.1 or remove it from /etc/resolv.conf"
	want_not_err "no name server replied|DNS did not answer"
	cz_verdict "a time-out while resolving, the second name server answers: the wait for the first, never 'no name server replied'"
	kill "$dnsmasq_pid" 2>/dev/null
	wait "$dnsmasq_pid" 2>/dev/null
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
		>"/etc/netns/$cl/resolv.conf"
else
	fail "a time-out while resolving, the name server silent: its silence found" "$listener_err"
	fail "a time-out while resolving, the second name server answers: the wait for the first, never 'no name server replied'" "$listener_err"
fi

# ---- a connect that completes and is reset at once -------------------------

# The listener takes each connection and resets it (SO_LINGER 0): the
# reset comes before or after the outcome is read, by chance.  The
# handshake was done, so every run says connected (0); the line adds the
# reset when it was there, and never turns it into a failure.
if start_listener rstport -R -4 -t 60; then
	# One namespace entry for the 20 runs: each prints its line and status.
	run ip netns exec "$cl" sh -c 'i=0
		while [ $i -lt 20 ]; do
			"$1" -w 2 127.0.0.1 "$2"; echo "status $?"; i=$((i + 1))
		done' sh "$ISOCK" "$rstport"
	n=$(printf '%s\n' "$out" | grep -c '^status 0$')
	[ "$n" = 20 ] || tap_note "$n of 20 runs exited 0: $(printf '%s\n' "$out" |
		grep '^status' | sort | uniq -c | tr -s ' \n' ' ')"
	n=$(printf '%s\n' "$out" | grep -Ec "^isock-connect: connected to 127\.0\.0\.1 port $rstport \(tcp\) in [0-9.]+ ms(, then reset by the peer at once)?\$")
	[ "$n" = 20 ] || tap_note "$n of 20 runs gave the connected line"
	want_no_err
	verdict "a listener that resets at once, 20 runs: each exits 0 with the connected line"
else
	fail "a listener that resets at once, 20 runs: each exits 0 with the connected line" "$listener_err"
fi

# The client's ACK, the handshake's last packet, is answered by a reset
# (an input rule here): the reset is always there before the outcome.
if start_listener kept -4 -t 60; then
	in_cl nft -f - <<EOF
table inet isock_cz_rst {
	chain in {
		type filter hook input priority 0;
		tcp dport $kept tcp flags == ack reject with tcp reset
	}
}
EOF
	run ip netns exec "$cl" "$ISOCK" -w 2 127.0.0.1 "$kept"
	want_rc 0
	want_out "^isock-connect: connected to 127\.0\.0\.1 port $kept \(tcp\) in [0-9.]+ ms, then reset by the peer at once\$"
	want_no_err
	cz_verdict "the handshake's ACK answered by a reset: connected (0), 'then reset by the peer at once'"
	run ip netns exec "$cl" "$ISOCK" --invert -w 2 127.0.0.1 "$kept"
	want_rc 11
	want_err "still accepting: connected in [0-9.]+ ms, then reset by the peer at once\$"
	verdict "the same with --invert: accepting (11), the reset said"
	in_cl nft delete table inet isock_cz_rst
	run ip netns exec "$cl" "$ISOCK" --json -w 2 127.0.0.1 "$kept"
	want_rc 0
	want_out '"reset_at_once":false'
	run ip netns exec "$cl" "$ISOCK" -w 2 127.0.0.1 "$kept"
	want_rc 0
	want_out "^isock-connect: connected to 127\.0\.0\.1 port $kept \(tcp\) in [0-9.]+ ms\$"
	verdict "the same listener without the rule: connected, no reset said (control)"
else
	fail "the handshake's ACK answered by a reset: connected (0), 'then reset by the peer at once'" "$listener_err"
	fail "the same with --invert: accepting (11), the reset said" "$listener_err"
	fail "the same listener without the rule: connected, no reset said (control)" "$listener_err"
fi
LISTEN=$real_listen

exit 0
