#!/bin/sh
# SPDX-License-Identifier: ISC
# t-shared.sh: facts shared by several targets are read once a run (issue
# 19).  Counted, not timed: in a network namespace of the test's own
# (tests/ns.sh) whose one name server, 127.0.0.1, never answers, and whose
# name service looks in /etc/hosts only (so every datagram to port 53 is
# the diagnosis's), six names that do not resolve send one query to the
# silent server, not six; each is still told that no server answered.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup
plan 2

ns_setup shared || skip_all "$ns_why"
command -v nft >/dev/null 2>&1 || skip_all "nft is not installed"
printf 'hosts: files\n' >"/etc/netns/$ns/nsswitch.conf"
nsx nft -f - <<'NFT' || skip_all "nft cannot add a counter here"
table inet isock_shared {
	chain output {
		type filter hook output priority 0;
		udp dport 53 counter
	}
}
NFT

# queries: the datagrams sent to port 53 so far.
queries() {
	nsx nft list chain inet isock_shared output |
		sed -n 's/.*udp dport 53 counter packets \([0-9]*\).*/\1/p'
}

# 1: six names, -v (each its full report): the silent server is asked once
# (before: once a name, each waiting out the diagnosis's budget).
run ip netns exec "$ns" "$ISOCK" -v -w 2 n1.example 80 n2.example 80 n3.example 80 \
	n4.example 80 n5.example 80 n6.example 80
want_rc 6
q=$(queries)
[ -n "$q" ] || tap_note "no counter in the namespace's ruleset"
[ "${q:-99}" -le 1 ] || tap_note "$q queries to the silent server, expected 1"
told=$(printf '%s\n' "$err" | grep -c 'name server 127\.0\.0\.1 did not answer')
[ "$told" = 6 ] || tap_note "$told of 6 names told that no server answered"
verdict "six names behind a silent server: one query (${q:-?})"

# 2: nothing listens on port 53 of 127.0.0.2, which the kernel says at once
# (ICMP port unreachable): that is no answer about a name either, and is
# remembered as well.
printf 'nameserver 127.0.0.2\n' >"/etc/netns/$ns/resolv.conf"
q0=$(queries)
run ip netns exec "$ns" "$ISOCK" -v -w 2 m1.example 80 m2.example 80 m3.example 80
want_rc 6
q=$(( $(queries) - ${q0:-0} ))
[ "${q:-99}" -le 1 ] || tap_note "$q queries to 127.0.0.2, expected 1"
told=$(printf '%s\n' "$err" | grep -c 'name server 127\.0\.0\.2 answered with ICMP port unreachable')
[ "$told" = 3 ] || tap_note "$told of 3 names told of 127.0.0.2's refusal"
verdict "a server that refuses at once: asked once for three names (${q:-?})"
