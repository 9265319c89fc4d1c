#!/bin/sh
# SPDX-License-Identifier: ISC
# t-trace.sh: --trace names where a SYN dies, across namespaces this script
# makes: a client, two routers and a server in a line
#
#   client 10.61.0.1 - 10.61.0.2 r1 10.62.0.1 - 10.62.0.2 r2 10.63.0.1 - 10.63.0.2 server
#   (and fd61::/64, fd62::/64, fd63::/64 alike)
#
# Cases: a drop in r2's forward chain (hops 1 and 2 named, silence from 3),
# a reject there (the ICMP named), a drop on the client's output hook (the
# table, chain, rule and verdict named) and on its input hook for the
# SYN-ACK, the same trace as uid 65534 (hops only, and the note about root),
# IPv6, JSON, and no trace table left behind after SIGINT; then two traces
# at once on one loop (tests/isock-trace): both tables there during the
# traces and both gone after them, after a stop (SIGINT) and after
# trace_cleanup() in a SIGTERM handler.
# Needs root, ip(8), nft(8), nc(1) and setpriv(1); exits 77 (SKIP) without.
# valgrind and iptables-legacy (package iptables) for one case each.
set -u
. "${SRCDIR:-.}/tests/tap.sh"

need_root ip nft nc setpriv

c=isock-tc-$$ r1=isock-tr1-$$ r2=isock-tr2-$$ s=isock-ts-$$
tap_setup
chmod 755 "$tmp"

ns_cleanup() {
	tap_cleanup
	for n in $c $r1 $r2 $s; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
}
trap ns_cleanup EXIT

for n in $c $r1 $r2 $s; do
	ip netns add "$n" || skip_all "cannot create network namespaces"
	ip -n "$n" link set lo up
done
# link A B NET: a veth pair from namespace A (.1) to namespace B (.2).
link() {
	ip -n "$1" link add "v$3" type veth peer name "w$3" netns "$2" &&
	ip -n "$1" addr add "10.$3.0.1/24" dev "v$3" &&
	ip -n "$2" addr add "10.$3.0.2/24" dev "w$3" &&
	ip -n "$1" addr add "fd$3::1/64" dev "v$3" nodad &&
	ip -n "$2" addr add "fd$3::2/64" dev "w$3" nodad &&
	ip -n "$1" link set "v$3" up && ip -n "$2" link set "w$3" up
}
if ! { link "$c" "$r1" 61 && link "$r1" "$r2" 62 && link "$r2" "$s" 63 &&
	ip -n "$c" route add default via 10.61.0.2 &&
	ip -n "$c" -6 route add default via fd61::2 &&
	ip -n "$r1" route add 10.63.0.0/24 via 10.62.0.2 &&
	ip -n "$r1" -6 route add fd63::/64 via fd62::2 &&
	ip -n "$r2" route add 10.61.0.0/24 via 10.62.0.1 &&
	ip -n "$r2" -6 route add fd61::/64 via fd62::1 &&
	ip -n "$s" route add default via 10.63.0.1 &&
	ip -n "$s" -6 route add default via fd63::1; }; then
	echo "Bail out! cannot set up the namespaces"
	exit 99
fi
for n in $r1 $r2; do
	ip netns exec "$n" sysctl -q -w net.ipv4.ip_forward=1 >/dev/null
	ip netns exec "$n" sysctl -q -w net.ipv6.conf.all.forwarding=1 >/dev/null
done

# A listener on port 8080 of the server (bounded: 120 s).
ip netns exec "$s" timeout 120 nc -lk 8080 >/dev/null 2>&1 &
tap_pids="$tap_pids $!"

plan 16

# fw NS CHAIN-HOOK RULE: a table isock_fw with one chain on HOOK holding RULE.
fw() {
	ip netns exec "$1" nft -f - <<NFT
table inet isock_fw {
	chain $2 {
		type filter hook $2 priority 0;
		$3
	}
}
NFT
}
fw_del() { ip netns exec "$1" nft delete table inet isock_fw 2>/dev/null; }
trace() { run ip netns exec "$c" "$@"; }
# The trace table of any isock-connect, left in the client namespace?
leftover() { ip netns exec "$c" nft list tables 2>/dev/null | grep isock_trace; }

# ---- a drop in r2's forward chain -----------------------------------------
fw "$r2" forward "tcp dport 80 drop"
trace "$ISOCK" -w 1 --trace 10.63.0.2 80
want_rc 3
want_err "trace: hop  1  10\.61\.0\.2  [0-9.]+ ms  time exceeded"
want_err "trace: hop  2  10\.62\.0\.2  [0-9.]+ ms  time exceeded"
want_err "trace: hop  3  \*  no answer"
want_err "Found: the SYN reaches 10\.62\.0\.2 \(hop 2, [0-9.]+ ms\); nothing answers at hop 3 or beyond: it is dropped at or after 10\.62\.0\.2"
want_err "Found: no nftables rule or chain policy of this host drops the SYN to 10\.63\.0\.2 port 80"
[ -z "$(leftover)" ] || tap_note "a trace table is left: $(leftover)"
verdict "drop in the second router: hops 1 and 2 named, silence from 3"

# ---- the same as uid 65534: hops only ---------------------------------------
trace setpriv --reuid 65534 --regid 65534 --clear-groups "$ISOCK" -w 1 \
	--trace 10.63.0.2 80
want_rc 3
want_err "trace: hop  2  10\.62\.0\.2  [0-9.]+ ms  time exceeded"
want_err "Found: the SYN reaches 10\.62\.0\.2 \(hop 2, [0-9.]+ ms\); nothing answers at hop 3"
want_err "Found: nftables tracing is not permitted to this user: root \(CAP_NET_ADMIN\) would let it look"
verdict "as uid 65534: the hops, and the note that root would see the rule"

# ---- JSON ---------------------------------------------------------------------
trace "$ISOCK" -w 1 --trace --json 10.63.0.2 80
want_rc 3
line=$(printf '%s\n' "$out" | grep '"kind":"trace"')
if ! command -v jq >/dev/null 2>&1; then
	tap_note "jq is not installed"
elif [ "$(printf '%s\n' "$line" | jq -r '[.trace.hops[0].ttl, .trace.hops[0].address, .trace.hops[1].address, .trace.hops[2].address, .trace.hops[2].answer, .trace.last_answered, .trace.rule.state] | map(tostring) | join(" ")')" != "1 10.61.0.2 10.62.0.2 null silent 2 none" ]; then
	tap_note "unexpected trace JSON: $line"
fi
[ "$(printf '%s\n' "$line" | jq '.trace.hops[1].rtt_ms | type')" = '"number"' ] ||
	tap_note "rtt_ms of hop 2 is not a number: $line"
verdict "JSON: the trace as data (ttl, address, rtt_ms, answer)"
fw_del "$r2"

# ---- a reject in r2's forward chain ------------------------------------------
fw "$r2" forward "tcp dport 80 reject"
trace "$ISOCK" -w 1 --trace 10.63.0.2 80
want_rc 1
want_err "trace: hop  2  10\.62\.0\.2  [0-9.]+ ms  time exceeded"
want_err "trace: hop  3  10\.62\.0\.2  [0-9.]+ ms  port unreachable"
want_err "Found: 10\.62\.0\.2 \(hop 3, [0-9.]+ ms\) answers the SYN with ICMP port unreachable \(type 3, code 3\): it is rejected there, before 10\.63\.0\.2"
verdict "reject in the second router: the ICMP and who sent it"
fw_del "$r2"

# ---- a drop on the client's output hook --------------------------------------
ip netns exec "$c" nft -f - <<NFT
table inet hostfw {
	chain leaving {
		type filter hook output priority 0;
		tcp dport 81 counter drop comment "no port 81 out"
	}
}
NFT
trace "$ISOCK" -w 1 --trace 10.63.0.2 81
want_rc 3
want_err "Found: the SYN to 10\.63\.0\.2 port 81 is dropped on this host by table inet hostfw chain leaving rule handle [0-9]+ \(comment \"no port 81 out\"\): \[ meta load l4proto .* \] \(verdict drop\)"
want_err "Found: nothing answers the SYN to 10\.63\.0\.2 at any hop"
[ -z "$(leftover)" ] || tap_note "a trace table is left: $(leftover)"
if command -v jq >/dev/null 2>&1; then
	keep_err=$err
	trace "$ISOCK" -w 1 --trace --json 10.63.0.2 81
	got=$(printf '%s\n' "$out" | grep '"kind":"trace"' | jq -r '.trace.rule |
		[.state, .packet, .family, .table, .chain, (.handle | type),
		 .comment, .verdict, (.rule | startswith("[ meta load"))] |
		map(tostring) | join(",")')
	[ "$got" = "found,syn,inet,hostfw,leaving,number,no port 81 out,drop,true" ] ||
		tap_note "JSON rule: $got"
	err=$keep_err
fi
verdict "drop on the output hook: table, chain, rule and verdict named"

# ---- the same under valgrind: no error, no leak -------------------------------
if grep -q __asan_init "$ISOCK"; then
	skip "valgrind: a trace that finds the rule" "an ASan build (valgrind cannot run it)"
elif command -v valgrind >/dev/null 2>&1; then
	trace valgrind -q --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		"$ISOCK" -w 1 --trace 10.63.0.2 81
	want_rc 3
	want_err "dropped on this host by table inet hostfw chain leaving"
	want_not_err "=="
	verdict "valgrind: a trace that finds the rule, with no error or leak"
else
	skip "valgrind: a trace that finds the rule" "valgrind is not installed"
fi

# ---- a legacy iptables rule: not seen by nftables, and said so ---------------
if command -v iptables-legacy >/dev/null 2>&1; then
	ip netns exec "$c" iptables-legacy -A OUTPUT -p tcp --dport 83 -j DROP
	trace "$ISOCK" -w 1 --trace 10.63.0.2 83
	want_rc 3
	want_err "Found: no nftables rule or chain policy of this host drops the SYN"
	want_err "Found: this host also has legacy iptables tables for IPv4 \(filter\): nftables tracing does not see their rules"
	verdict "legacy iptables tables beside nftables: named as unseen"
	ip netns exec "$c" iptables-legacy -F OUTPUT
else
	skip "legacy iptables tables beside nftables" "iptables-legacy is not installed"
fi

# ---- a drop on the client's input hook: the SYN-ACK ------------------------
ip netns exec "$c" nft delete table inet hostfw
fw "$c" input "tcp sport 8080 drop"
trace "$ISOCK" -w 1 --trace 10.63.0.2 8080
want_rc 3
want_err "Found: the SYN-ACK from 10\.63\.0\.2 port 8080 is dropped on this host by table inet isock_fw chain input rule handle [0-9]+: \[ meta load l4proto .* \] \(verdict drop\)"
verdict "drop on the input hook: the SYN-ACK's rule named"
fw_del "$c"

# ---- IPv6 --------------------------------------------------------------------
fw "$r2" forward "tcp dport 80 drop"
trace "$ISOCK" -6 -w 1 --trace fd63::2 80
want_rc 3
want_err "trace: hop  1  fd61::2  [0-9.]+ ms  time exceeded"
want_err "trace: hop  2  fd62::2  [0-9.]+ ms  time exceeded"
want_err "Found: the SYN reaches fd62::2 \(hop 2, [0-9.]+ ms\); nothing answers at hop 3 or beyond"
verdict "IPv6: hops 1 and 2 named, silence from 3"
fw_del "$r2"

# ---- IPv6, a policy drop on the client's output hook, after a rule --------
ip netns exec "$c" nft -f - <<NFT
table ip6 hostfw6 {
	chain leaving {
		type filter hook output priority 0; policy drop;
		meta l4proto ipv6-icmp accept
		tcp dport 80 counter
	}
}
NFT
trace "$ISOCK" -6 -w 1 --trace fd63::2 80
want_rc 3
want_err "Found: the SYN to fd63::2 port 80 is dropped on this host by the policy of table ip6 hostfw6 chain leaving \(verdict drop\)"
verdict "IPv6: a chain's policy drops the SYN after a rule counted it: named"
ip netns exec "$c" nft delete table ip6 hostfw6

# ---- an open path: the target answers -----------------------------------------
trace "$ISOCK" -w 1 --trace 10.63.0.2 82
want_rc 1
want_err "Found: the SYN reaches 10\.63\.0\.2 \(hop 3, [0-9.]+ ms\), which answers with a reset"
verdict "refused: the trace ends at the target's reset, hop 3"

# ---- a signal in the middle of a trace: no table left -----------------------
# SIGINT ends the trace, which deletes its table; SIGKILL cannot be caught,
# and the kernel removes the table with the netlink socket that owns it.
# The tool runs with -w 3: it ends by itself within about 6 s anyway.
fw "$r2" forward "tcp dport 80 drop"
for sig in INT KILL; do
	# A background job of a script starts with SIGINT ignored, which the
	# tool keeps: the test gives it the default action.
	ip netns exec "$c" env --default-signal=INT "$ISOCK" -w 3 --trace \
		10.63.0.2 80 >/dev/null 2>"$tmp/sig.err" &
	pid=$!
	i=0 had=
	while [ $i -lt 100 ]; do
		had=$(leftover)
		[ -n "$had" ] && break
		sleep 0.05; i=$((i + 1))
	done
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid"
	rc=$? out= err=$(cat "$tmp/sig.err")
	[ -n "$had" ] || tap_note "the trace table was never seen"
	[ -z "$(leftover)" ] || tap_note "a trace table is left: $(leftover)"
	if [ "$sig" = INT ]; then
		want_rc 130
		want_err "Found: the trace was interrupted"
	else
		want_rc 137
	fi
	verdict "SIG$sig during a trace: no isock_trace table left"
done
fw_del "$r2"

# ---- two traces in flight at once (tests/isock-trace) -------------------
# Each trace has its own table; both exist while the traces run and none is
# left after them: at their end, after a stop (SIGINT: trace_stop on each)
# and after trace_cleanup() in a SIGTERM handler, the process still alive.
tracer=${LISTEN%/*}/isock-trace
ntables() { leftover | grep -c isock_trace; }
# pair_start MS: the two traces in the background; waits (5 s at most)
# until both tables are listed, $had then holding how many were.
pair_start() {
	: >"$tmp/pair.out"
	ip netns exec "$c" "$tracer" -w "$1" 10.63.0.2 80 fd63::2 80 \
		>"$tmp/pair.out" 2>"$tmp/pair.err" &
	pid=$!
	i=0 had=0
	while [ $i -lt 100 ]; do
		had=$(ntables)
		[ "$had" -ge 2 ] && break
		sleep 0.05; i=$((i + 1))
	done
}
# pair_wait: waits for it (bounded: the tracer ends by its deadline).
pair_wait() {
	wait "$pid"
	rc=$? out=$(cat "$tmp/pair.out") err=$(cat "$tmp/pair.err")
}
# pair_done HOW: both tables were seen, none is left, both traces called
# back as HOW (a regular expression of "STATE HOPS END").
pair_done() {
	[ "$had" = 2 ] || tap_note "trace tables seen at once: $had, expected 2"
	[ -z "$(leftover)" ] || tap_note "a trace table is left: $(leftover)"
	want_rc 0
	want_out "^done 10\.63\.0\.2 80 $1$"
	want_out "^done fd63::2 80 $1$"
}
fw "$r2" forward "tcp dport 80 drop"
if [ ! -x "$tracer" ]; then
	for what in "at their end" "after SIGINT" "after SIGTERM"; do
		skip "two traces at once: no table left $what" \
			"tests/isock-trace is not built (no libnftnl)"
	done
else
	pair_start 1500
	pair_wait
	pair_done "none 3 cut"
	verdict "two traces at once: both tables during them, none left at their end"

	pair_start 5000
	kill -INT "$pid" 2>/dev/null
	pair_wait
	pair_done "[a-z-]+ [0-9]+ stopped"
	verdict "two traces at once: no table left after SIGINT (trace_stop)"

	pair_start 5000
	kill -TERM "$pid" 2>/dev/null
	i=0
	while [ $i -lt 100 ] && ! grep -q cleaned "$tmp/pair.out"; do
		sleep 0.05; i=$((i + 1))
	done
	[ "$had" = 2 ] || tap_note "trace tables seen at once: $had, expected 2"
	kill -0 "$pid" 2>/dev/null || tap_note "isock-trace is not running"
	left=$(leftover)
	kill -KILL "$pid" 2>/dev/null
	pair_wait
	[ -z "$left" ] || tap_note "trace tables left after trace_cleanup: $left"
	want_rc 137
	want_out "^cleaned$"
	verdict "two traces at once: trace_cleanup in a SIGTERM handler removes both tables"
fi
fw_del "$r2"
