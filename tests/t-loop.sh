#!/bin/sh
# SPDX-License-Identifier: ISC
# t-loop.sh: one event loop owns every wait (issue 10).  Look-ups start
# together and a name is looked up once; --wait is a ceiling over all its
# targets; the exit status does not depend on -q, on --count, or on a slow
# reader; output keeps input order and reaches a pipe line by line; a
# signal the caller ignores stays ignored.  The cases that need a silent
# name server, dropped SYNs or routes run in a network namespace of the
# test's own (tests/ns.sh); nothing leaves it.  Times are checked only as
# bounds that tell the behaviour from the old one, at least twice as far
# from the old time as from the new one and seconds apart, so that a
# loaded machine does not fail them; how fast is make bench's to measure.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup
plan 19

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# timed CMD...: run CMD; $ms is how long it took.
timed() {
	tm_t0=$(now_ms)
	run "$@"
	ms=$(( $(now_ms) - tm_t0 ))
}
# ns_signal SIG ARGS...: the tool with ARGS in the namespace, sent SIG
# after 0.4 s (started with the default dispositions, as in the
# foreground); sets rc, out, err.
ns_signal() {
	nss_sig=$1; shift
	env --default-signal ip netns exec "$ns" "$ISOCK" "$@" \
		>"$tmp/sig.out" 2>"$tmp/sig.err" &
	nss_pid=$!
	wait_tool "$nss_pid"
	sleep 0.4
	kill -"$nss_sig" "$nss_pid"
	wait "$nss_pid"
	rc=$? out=$(cat "$tmp/sig.out") err=$(cat "$tmp/sig.err")
}
# within MS: the last timed run took less than MS.
within() {
	[ "$ms" -lt "$1" ] || tap_note "took $ms ms, expected less than $1"
}

# ---- loopback, no namespace -------------------------------------------------

start_listener open -n 1000 -t 120 -b 4096 || {
	echo "Bail out! $listener_err"; exit 99; }
start_listener closed -B -t 120 || { echo "Bail out! $listener_err"; exit 99; }

# 1: a success, then a failure, through one pipe: in input order.
run sh -c '"$1" 127.0.0.1 "$2" 127.0.0.1 "$3" 2>&1 | cat' sh "$ISOCK" "$open" \
	"$closed"
want_rc 0
first=$(printf '%s\n' "$out" | head -n 1)
case $first in
*"127.0.0.1 port $open (tcp): connected in "*) ;;
*) tap_note "first line is not the first target's: $first" ;;
esac
verdict "stdout and stderr in input order through one pipe"

# 2: a pipe gets the first line of --count at once, not at the end: it is
# looked for during the first 6 s of a 19 s run.
"$ISOCK" -c 20 -i 1 127.0.0.1 "$open" 2>/dev/null | cat >"$tmp/count" &
cpid=$!
i=0
while [ ! -s "$tmp/count" ] && [ $i -lt 120 ]; do sleep 0.05; i=$((i + 1)); done
out=$(cat "$tmp/count") rc=0
[ -n "$out" ] || tap_note "nothing in the pipe after 6 s of a 19 s run"
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
verdict "--count in a pipe: the first line arrives at once"

# 3: nohup: a SIGHUP the caller ignores does not end the run.
(trap '' HUP; exec "$ISOCK" --wait 1.5 127.0.0.1 "$closed") \
	>"$tmp/hup.out" 2>"$tmp/hup.err" &
hpid=$!
wait_tool "$hpid"
sleep 0.3
kill -HUP "$hpid" 2>/dev/null
wait "$hpid"
rc=$? out=$(cat "$tmp/hup.out") err=$(cat "$tmp/hup.err")
want_rc 1
want_err "connection refused"
verdict "an ignored SIGHUP stays ignored: the wait runs to its end"

# 4: a local target is tried again every 10-20 ms.
run "$ISOCK" -v --wait 0.5 127.0.0.1 "$closed"
want_rc 1
tries=$(printf '%s\n' "$err" |
	grep -c 'attempt [0-9]* failed; again in [12][0-9] ms')
# Counted, not timed: each "again in" above says 10-20 ms; three tries
# in 0.5 s tell that from a pause of a second even on a loaded machine.
[ "$tries" -ge 3 ] || tap_note "$tries tries in 0.5 s"
verdict "a local target is retried every 10-20 ms ($tries tries in 0.5 s)"

# 5: --wait says when the service came up and after how many tries.
late=$(( (open % 20000) + 30000 ))
(sleep 0.5; exec "$LISTEN" -p "$late" -n 1 -t 10) >/dev/null 2>&1 &
tap_pids="$tap_pids $!"
run "$ISOCK" --wait 5 127.0.0.1 "$late"
want_rc 0
want_out "port $late \\(tcp\\) in .* ms; up after [0-9.]+ s, [0-9]+ attempts\$"
verdict "--wait: 'up after T s, N attempts'"

# ---- a namespace of the test's own -------------------------------------------

if ! ns_setup loop; then
	for c in 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
		skip "case $c" "$ns_why"
	done
	exit 0
fi
if ! command -v nft >/dev/null 2>&1; then
	for c in 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
		skip "case $c" "nft is not installed"
	done
	exit 0
fi
printf '127.0.0.1 localhost\n::1 he.test\n127.0.0.1 he.test\n' \
	>"/etc/netns/$ns/hosts"
for p in 7001 7002 7003 7004 7005 7006; do ns_drop $p; done
# The first SYN to 7010 and to 7011 is dropped, the retransmission passes.
nsx nft -f - <<'NFT'
table inet isock_first {
	chain input {
		type filter hook input priority 0;
		tcp dport 7010 tcp flags syn quota until 61 bytes drop
		tcp dport 7011 tcp flags syn quota until 61 bytes drop
		tcp dport 7012 tcp flags syn quota until 61 bytes drop
	}
}
NFT
nsx ip route add blackhole 198.51.102.0/24
for p in 7010 7011 7012 7020; do
	nsx "$LISTEN" -p $p -n 200 -b 256 -t 120 >"$tmp/l$p" &
	tap_pids="$tap_pids $!"
done
i=0
while { [ ! -s "$tmp/l7010" ] || [ ! -s "$tmp/l7011" ] ||
    [ ! -s "$tmp/l7012" ] || [ ! -s "$tmp/l7020" ]; } && [ $i -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done

# 6: twenty names behind a name server that never answers: looked up
# together (one after the other: 10 s).
timed ip netns exec "$ns" "$ISOCK" -w 0.5 n0.example 80 n1.example 80 \
	n2.example 80 n3.example 80 n4.example 80 n5.example 80 n6.example 80 \
	n7.example 80 n8.example 80 n9.example 80 n10.example 80 \
	n11.example 80 n12.example 80 n13.example 80 n14.example 80 \
	n15.example 80 n16.example 80 n17.example 80 n18.example 80 \
	n19.example 80
want_rc 3
within 4000
verdict "twenty silent names with -w 0.5: looked up together ($ms ms)"

# 7: a name is looked up once, however many ports carry it.
run ip netns exec "$ns" "$ISOCK" -v -w 0.5 n1.example:80,81,82,83,84
want_rc 3
looks=$(printf '%s\n' "$err" | grep -c 'resolving n1\.example')
[ "$looks" = 1 ] || tap_note "n1.example looked up $looks times"
verdict "five ports of one name: one look-up"

# 8: --wait 1 on a dropped port ends with the wait, not with -w's 20 s.
timed ip netns exec "$ns" "$ISOCK" --wait 1 -w 20 127.0.0.1 7001
want_rc 3
within 6000
verdict "--wait 1 on a dropped SYN: a ceiling ($ms ms)"

# 9: --wait 2 -w 1.5 -P 1 over six dropped ports: still the ceiling (one
# -w after the other: 9 s).
timed ip netns exec "$ns" "$ISOCK" --wait 2 -w 1.5 -P 1 127.0.0.1 7001 \
	127.0.0.1 7002 127.0.0.1 7003 127.0.0.1 7004 127.0.0.1 7005 \
	127.0.0.1 7006
want_rc 3
within 5000
verdict "--wait 2 -w 1.5 -P 1 over six dropped ports ($ms ms)"

# 10: Ctrl-C in the first round of --wait, a target not yet tried.
ns_signal INT --wait 5 127.0.0.1:7001 127.0.0.1:2
want_rc 130
want_err "interrupted by SIGINT"
verdict "SIGINT during --wait with a target not tried: exit 130"

# 11-12: the answer to a retransmitted SYN: -q changes nothing.
run ip netns exec "$ns" "$ISOCK" -q -w 1.1 127.0.0.1 7010
rc_q=$rc
run ip netns exec "$ns" "$ISOCK" -w 1.1 127.0.0.1 7011
want_rc "$rc_q"
verdict "the same connect with and without -q: the same exit ($rc_q, $rc)"
want_rc 0
verdict "no diagnosis reserve: the retransmitted SYN is answered within -w"

# 13-15: a blackhole route: 4, alone, with --count, and in JSON.
run ip netns exec "$ns" "$ISOCK" -w 1 198.51.102.7 80
want_rc 4
verdict "blackhole: exit 4"
run ip netns exec "$ns" "$ISOCK" --count 2 -i 0.1 -w 1 198.51.102.7 80
want_rc 4
verdict "blackhole with --count 2: exit 4, as a single run"
run ip netns exec "$ns" "$ISOCK" --json -w 1 198.51.102.7 80
want_rc 4
printf '%s\n' "$out" | grep -q '"attempts":\[{[^]]*"outcome":"unreachable"' ||
	tap_note "attempts[].outcome is not unreachable"
printf '%s\n' "$out" | grep -q 'socket state' &&
	tap_note "JSON says socket state"
verdict "blackhole in JSON: the attempt's outcome is unreachable too"

# 16: a success names the address refused before it.
run ip netns exec "$ns" "$ISOCK" he.test 7020
want_rc 0
want_out "he\\.test \\(127\\.0\\.0\\.1\\) port 7020 .* ms; ::1 refused first\$"
verdict "a success names what was refused first"

# 17: six silent names, eight descriptors: never counted connected.
run ip netns exec "$ns" sh -c 'ulimit -n 8; exec "$@"' sh "$ISOCK" --any \
	-w 0.1 a1.example 80 a2.example 80 a3.example 80 a4.example 80 \
	a5.example 80 a6.example 80
[ "$rc" != 0 ] || tap_note "exit 0 with no target connected"
want_not_err "Success"
printf '%s\n' "$out" | grep -Eq '[1-9][0-9]* connected' &&
	tap_note "a target counted connected"
verdict "look-ups out of descriptors are failures, never successes"

# 18: the interrupted --wait case under -v: no crash with a trace either.
ns_signal TERM -v --json --wait 5 127.0.0.1:7001 127.0.0.1:2
want_rc 143
printf '%s\n' "$out" | grep -q '"kind":"summary"' ||
	tap_note "no JSON summary"
verdict "SIGTERM during --wait --json with a target not tried: exit 143"

# 19: a slow reader of stdout never turns a connect into a time-out.  The
# pipe is full before the tool starts, so its first write blocks for 3 s;
# meanwhile the last target, whose first SYN was dropped, connects on the
# retransmission at about 1 s, before its -w 2 deadline.
i=0
while [ $i -lt 100 ]; do echo "127.0.0.1 7020"; i=$((i + 1)); done >"$tmp/many"
echo "127.0.0.1 7012" >>"$tmp/many"
run ip netns exec "$ns" sh -c '{ head -c 65536 /dev/zero; "$1" -P 200 -w 2 \
	--targets "$2"; echo "rc=$?" >&2; } | (sleep 3; cat >/dev/null)' sh \
	"$ISOCK" "$tmp/many"
want_err "^rc=0$"
want_not_err "timed out|ETIMEDOUT"
verdict "a slow reader: a connect that completed meanwhile is a success"
