#!/bin/sh
# SPDX-License-Identifier: ISC
# t-compact.sh: what a person sees with many targets (issue 16): one line a
# target in input order, then the ports of each host, protocol and outcome
# folded into ranges, each distinct failure diagnosed once; -v the full
# detail of every target; JSON unchanged; --count diagnoses each distinct
# failure once, after the statistics.  In a namespace of its own
# (isock-cp-PID): port 1003 listens, 1010-1015 are dropped, the rest refuse.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup

ns_setup cp || skip_all "$ns_why"
# One chain drops them all: the diagnosis names this host's drop chains,
# and six alike are one cause.
command -v nft >/dev/null 2>&1 || skip_all "nft is not installed"
nsx nft -f - <<NFT || skip_all "cannot add an nft table"
table inet isock_drop {
	chain input {
		type filter hook input priority 0;
		tcp dport 1010-1015 drop
	}
}
NFT
plan 7
nsx "$LISTEN" -p 1003 -n 100 -t 60 >"$tmp/l1003" &
tap_pids="$tap_pids $!"
i=0
while [ ! -s "$tmp/l1003" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

# 1: the 20-port scan, compact.
run ip netns exec "$ns" "$ISOCK" -w 1 127.0.0.1:1000-1019
all=$(printf '%s\n%s\n' "$out" "$err")
want_rc 1
nlines=$(printf '%s\n' "$all" | wc -l)
# 20 result lines, 2 summary lines, the two causes with their facts (the
# time-out's names the chain that drops, issue 20).
[ "$nlines" -le 33 ] || tap_note "$nlines lines, more than 33"
want_out "^127\\.0\\.0\\.1 port 1003 \\(tcp\\): connected in [0-9.]+ ms$"
want_err "^127\\.0\\.0\\.1 port 1010 \\(tcp\\): timed out$"
want_err "^127\\.0\\.0\\.1 port 1000 \\(tcp\\): refused$"
want_out "^127\\.0\\.0\\.1 \\(tcp\\): 1003 connected$"
want_err "^127\\.0\\.0\\.1 \\(tcp\\): 1000-1002,1004-1009,1016-1019 refused \\(ECONNREFUSED, errno 111\\)$"
want_err "^127\\.0\\.0\\.1 \\(tcp\\): 1010-1015 timed out: no answer within the deadline of 1 s \\(ETIMEDOUT, errno 110\\)$"
want_out "20 targets: 1 connected, 13 refused, 6 timed out; exit status 1"
n=$(printf '%s\n' "$err" | grep -c "Check:")
[ "$n" = 2 ] || tap_note "$n Check lines, not one for each of the two causes"
n=$(printf '%s\n' "$err" | grep -c "Found: 127.0.0.1 is an address of this host")
[ "$n" -le 1 ] || tap_note "the same fact said $n times"
verdict "20 ports: a line each, ports folded into ranges, each cause once"

# 2: input order across stdout and stderr: 1003 comes fourth, not last.
run ip netns exec "$ns" sh -c '"$1" -w 1 127.0.0.1:1000-1019 2>&1' sh "$ISOCK"
first4=$(printf '%s\n' "$out" | grep ' port 10[0-9][0-9] ' | sed -n 4p)
case $first4 in
"127.0.0.1 port 1003 (tcp): connected in "*) pass "results in input order" ;;
*) fail "results in input order" "fourth line: $first4" ;;
esac

# 3: -v: the full detail of every target, as before.
run ip netns exec "$ns" "$ISOCK" -v -w 1 127.0.0.1:1000-1002
want_rc 1
n=$(printf '%s\n' "$err" | grep -c "connection refused (ECONNREFUSED, errno 111)")
[ "$n" = 3 ] || tap_note "$n full headlines under -v, expected 3"
n=$(printf '%s\n' "$err" | grep -c "Found: nothing on this host listens")
[ "$n" = 3 ] || tap_note "$n facts of listeners under -v, expected 3"
verdict "-v: every target in full"

# 4: JSON is unchanged: a result object per target with its facts.
run ip netns exec "$ns" "$ISOCK" -j -w 1 127.0.0.1:1000-1002
want_rc 1
n=$(printf '%s\n' "$out" | grep -c '"kind":"result".*"facts":\["')
[ "$n" = 3 ] || tap_note "$n results with facts, expected 3"
verdict "JSON: every result with its facts"

# 5: a single target prints as before.
run ip netns exec "$ns" "$ISOCK" -w 1 127.0.0.1 1001
want_rc 1
want_err "^isock-connect: 127\\.0\\.0\\.1 port 1001 \\(tcp\\): connection refused \\(ECONNREFUSED, errno 111\\)$"
want_err "Found: nothing on this host listens on TCP port 1001"
verdict "one target: the full report"

# 6: --count: each distinct failure diagnosed once, after the statistics.
run ip netns exec "$ns" sh -c '"$1" -c 3 -i 0 -w 0.3 127.0.0.1:1001,1010 2>&1' sh "$ISOCK"
want_rc 1
n=$(printf '%s\n' "$out" | grep -c "Check:")
[ "$n" = 2 ] || tap_note "$n Check lines, expected 2 (refused, timed out)"
n=$(printf '%s\n' "$out" | grep -c "Found: nothing on this host listens on TCP port 1001")
[ "$n" = 1 ] || tap_note "the refusal's facts said $n times, expected once"
stats=$(printf '%s\n' "$out" | grep -n '^--- ' | tail -n 1 | cut -d: -f1)
check=$(printf '%s\n' "$out" | grep -n 'Check:' | head -n 1 | cut -d: -f1)
[ -n "$stats" ] && [ -n "$check" ] && [ "$check" -gt "$stats" ] ||
	tap_note "the diagnosis (line ${check:-none}) is not after the statistics (line ${stats:-none})"
verdict "--count: each failure diagnosed once, after the statistics"

# 7: a name that fails: its ports one group, the name servers asked once.
run ip netns exec "$ns" "$ISOCK" -w 1 nosuch.test:80-82
want_rc 3
want_err "^nosuch\\.test \\(tcp\\): 80-82 timed out: "
n=$(printf '%s\n' "$err" | grep -c "Check:")
[ "$n" = 1 ] || tap_note "$n Check lines, expected 1"
verdict "a name's failure: one group, diagnosed once"
