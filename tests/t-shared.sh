#!/bin/sh
# SPDX-License-Identifier: ISC
# t-shared.sh: facts shared by several targets are read once a run (issue
# 19).  Counted, not timed: in a network namespace of the test's own
# (tests/ns.sh) whose one name server, 127.0.0.1, never answers, and whose
# name service looks in /etc/hosts only (so every datagram to port 53 is
# the diagnosis's), six names that do not resolve send one query to the
# silent server, not six; each is still told that no server answered.
# Ten ports of one address share its route look-up (RTM_GETROUTE, counted
# with strace): one request, not ten, each report still with the route.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup
plan 5

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

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

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

# 3: the look-ups of names that end while an earlier name is diagnosed
# move their targets on at once: twelve names with -w 20 end long before
# -w (before: the loop waited for a wake-up that had been taken inside the
# diagnosis's wait, until -w).  A bound that tells the two apart, not a
# speed.
printf 'nameserver 127.0.0.1\n' >"/etc/netns/$ns/resolv.conf"
t0=$(now_ms)
run ip netns exec "$ns" "$ISOCK" -w 20 k1.example:80 k2.example:80 \
	k3.example:80 k4.example:80 k5.example:80 k6.example:80 k7.example:80 \
	k8.example:80 k9.example:80 k10.example:80 k11.example:80 k12.example:80
ms=$(( $(now_ms) - t0 ))
want_rc 6
want_out "12 targets: 12 not found"
[ "$ms" -lt 10000 ] || tap_note "took $ms ms with -w 20, expected far less"
verdict "names that end during a diagnosis are not left until -w ($ms ms)"

# ---- routes: one look-up for the ports of one address ------------------------
if ! command -v strace >/dev/null 2>&1 ||
    ! strace -f -o /dev/null true >/dev/null 2>&1; then
	skip "ten refused ports: one route look-up" "strace cannot trace here"
	skip "ten ports behind a blackhole: one route look-up" \
	    "strace cannot trace here"
	exit 0
fi
# LeakSanitizer cannot run under ptrace (the sanitizer build).
if ldd "$ISOCK" 2>/dev/null | grep -q libasan; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	export ASAN_OPTIONS
fi
# getroutes FILE: the route look-ups sent in strace's FILE.
getroutes() {
	grep -cE 'nlmsg_type=(RTM_GETROUTE|0x1a[^0-9a-f])' "$1"
}

# 4: ten refused ports of 127.0.0.1, each with its diagnosis: the route is
# asked once (before: once a port); each report still names it.
if [ "${BUILD_LIBMNL:-}" != yes ] || [ "$ISOCK" != "${BUILD_ISOCK:-}" ]; then
	skip "ten refused ports: one route look-up" \
	    "this build reads no netlink facts"
else
	run ip netns exec "$ns" strace -f -e trace=sendto,sendmsg \
	    -o "$tmp/ports.st" "$ISOCK" -v 127.0.0.1:1-10
	want_rc 1
	n=$(getroutes "$tmp/ports.st")
	[ "${n:-0}" = 1 ] || tap_note "$n route look-ups, expected 1"
	told=$(printf '%s\n' "$err" | grep -c 'local route 127\.0\.0\.1/32')
	[ "$told" = 10 ] || tap_note "$told of 10 reports name the local route"
	verdict "ten refused ports: one route look-up (${n:-?})"
fi

# 5: ten ports behind a blackhole route, -q: the exit status's one look-up
# (rtget, every build) is made once for the address (before: ten).
nsx ip route add blackhole 198.51.102.0/24
run ip netns exec "$ns" strace -f -e trace=sendto,sendmsg \
    -o "$tmp/hole.st" "$ISOCK" -q -w 1 198.51.102.7:1-10
want_rc 4
n=$(getroutes "$tmp/hole.st")
[ "${n:-0}" = 1 ] || tap_note "$n route look-ups, expected 1"
verdict "ten ports behind a blackhole: one route look-up (${n:-?})"
